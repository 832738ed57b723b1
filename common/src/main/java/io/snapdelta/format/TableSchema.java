package io.snapdelta.format;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.Arrays;
import java.util.Objects;

/**
 * One schema version of one table as the delta format knows it: the row's fields (names and types, in
 * order), which of them form the key (in key order), and the 64-bit schema id derived from the canonical
 * definition ({@link SchemaDefinitions#schemaId}). Adding or dropping a column gives a new row schema and
 * therefore a new id; batches written with the old id keep decoding with the old definition.
 */
public final class TableSchema {
    private final long id;
    private final TableId table;
    private final RowSchema rowSchema;
    private final RowSchema keySchema;
    private final int[] keyIndexes;
    private final int[] nonKeyIndexes;
    private final byte[] canonical;

    TableSchema(long id, TableId table, RowSchema rowSchema, int[] keyIndexes, byte[] canonical) {
        this.id = id;
        this.table = table;
        this.rowSchema = rowSchema;
        this.keyIndexes = keyIndexes;
        this.canonical = canonical;
        String[] keyNames = new String[keyIndexes.length];
        FieldType[] keyTypes = new FieldType[keyIndexes.length];
        boolean[] isKey = new boolean[rowSchema.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyNames[i] = rowSchema.name(keyIndexes[i]);
            keyTypes[i] = rowSchema.type(keyIndexes[i]);
            isKey[keyIndexes[i]] = true;
        }
        this.keySchema = RowSchema.of(keyNames, keyTypes);
        this.nonKeyIndexes = new int[rowSchema.size() - keyIndexes.length];
        int n = 0;
        for (int i = 0; i < isKey.length; i++) {
            if (!isKey[i]) {
                nonKeyIndexes[n++] = i;
            }
        }
    }

    /** The schema of rows of {@code table} whose key is made of the fields of {@code keySchema}. */
    public static TableSchema of(TableId table, RowSchema rowSchema, RowSchema keySchema) {
        Objects.requireNonNull(table, "table");
        int[] keyIndexes = new int[keySchema.size()];
        for (int k = 0; k < keySchema.size(); k++) {
            int i = rowSchema.indexOf(keySchema.name(k));
            if (i < 0 || rowSchema.type(i) != keySchema.type(k)) {
                throw new IllegalArgumentException("table " + table + ": key field '" + keySchema.name(k) + "' "
                        + keySchema.type(k) + " is not a field of the row schema " + rowSchema);
            }
            for (int j = 0; j < k; j++) {
                if (keyIndexes[j] == i) {
                    throw new IllegalArgumentException("table " + table + ": key field '" + keySchema.name(k) + "' repeated");
                }
            }
            keyIndexes[k] = i;
        }
        return SchemaDefinitions.create(table, rowSchema, keyIndexes);
    }

    public long id() {
        return id;
    }

    public TableId table() {
        return table;
    }

    public RowSchema rowSchema() {
        return rowSchema;
    }

    public RowSchema keySchema() {
        return keySchema;
    }

    /** Row field index of each key field, in key order (a copy). */
    public int[] keyIndexes() {
        return keyIndexes.clone();
    }

    int[] keyIndexesShared() {
        return keyIndexes;
    }

    int[] nonKeyIndexesShared() {
        return nonKeyIndexes;
    }

    /** The canonical definition bytes (see the spec, "Schema definition"); a copy. */
    public byte[] canonicalDefinition() {
        return canonical.clone();
    }

    byte[] canonicalShared() {
        return canonical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSchema t && t.id == id && Arrays.equals(t.canonical, canonical);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return table + " schema " + String.format("%016x", id) + " " + rowSchema + " key " + keySchema.names();
    }
}
