package io.snapdelta.ingest;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What one parser remembers about one table: the row schemas it has seen (so that a row is matched to
 * its interned {@link RowSchema} by comparing a few references, without hashing or allocating), and
 * the last known type of each column, used to type a schemaless JSON null.
 */
final class TableState {
    private static final int MAX_SCHEMAS = 32;

    final TableId id;
    private RowSchema[] schemas = new RowSchema[4];
    private int schemaCount;
    private final Map<String, FieldType> knownTypes = new HashMap<>();

    TableState(TableId id) {
        this.id = id;
    }

    /**
     * Builds the row held in {@code buf}. Schemaless nulls (type NULL) take their type from {@code other}
     * (the other image of the same record) or from what this table's column was last seen as.
     */
    Row build(RowBuffer buf, RowBuffer other) {
        int n = buf.size;
        String[] names = buf.names;
        FieldType[] types = buf.types;
        for (int i = 0; i < n; i++) {
            if (types[i] == FieldType.NULL) {
                FieldType t = other == null ? null : other.typeOf(names[i], i);
                if (t == null || t == FieldType.NULL) {
                    t = knownTypes.get(names[i]);
                }
                if (t != null) {
                    types[i] = t;
                }
            }
        }
        RowSchema schema = find(names, types, n);
        if (schema == null) {
            schema = RowSchema.of(Arrays.copyOf(names, n), Arrays.copyOf(types, n));
            remember(schema);
        }
        return Row.wrapTrusted(schema, Arrays.copyOf(buf.values, n));
    }

    private RowSchema find(String[] names, FieldType[] types, int n) {
        outer:
        for (int s = 0; s < schemaCount; s++) {
            RowSchema c = schemas[s];
            if (c.size() != n) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                // Field names come from Jackson's symbol table or the schema itself, so identity almost
                // always decides; equals() covers names that arrived through another path.
                String a = c.name(i);
                if (c.type(i) != types[i] || (a != names[i] && !a.equals(names[i]))) {
                    continue outer;
                }
            }
            if (s > 0) { // move to front: the hot schema of a table is found first
                RowSchema first = schemas[0];
                schemas[0] = c;
                schemas[s] = first;
            }
            return c;
        }
        return null;
    }

    private void remember(RowSchema schema) {
        if (schemaCount == schemas.length) {
            if (schemaCount < MAX_SCHEMAS) {
                schemas = Arrays.copyOf(schemas, schemaCount * 2);
            } else {
                schemaCount--; // evict the last (least recently moved to front)
            }
        }
        schemas[schemaCount++] = schema;
        for (int i = 0; i < schema.size(); i++) {
            if (schema.type(i) != FieldType.NULL) {
                knownTypes.put(schema.name(i), schema.type(i));
            }
        }
    }
}
