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
    private FieldType[] resolved = new FieldType[16];
    /** Bumped whenever {@link #knownTypes} may change (a schema is remembered): invalidates schema memos. */
    private int generation;

    TableState(TableId id) {
        this.id = id;
    }

    /**
     * Builds the row held in {@code buf}, which hands over its values array. Schemaless nulls (type NULL)
     * take their type from {@code other} (the other image of the same record) or from what this table's
     * column was last seen as.
     */
    Row build(RowBuffer buf, RowBuffer other) {
        SchemaMemo m = buf.memo;
        RowSchema schema;
        if (m != null && memoHolds(m, buf, other)) {
            schema = m.schema;
        } else {
            int n = buf.size;
            FieldType[] types = buf.types;
            boolean hasNulls = false;
            for (int i = 0; i < n; i++) {
                if (types[i] == FieldType.NULL) {
                    types = resolveNulls(buf, other, i);
                    hasNulls = true;
                    break;
                }
            }
            schema = find(buf.names, types, n);
            if (schema == null) {
                schema = RowSchema.of(Arrays.copyOf(buf.names, n), Arrays.copyOf(types, n));
                remember(schema);
            }
            if (m != null) {
                memorise(m, buf, other, schema, hasNulls);
            }
        }
        return Row.wrapTrusted(schema, buf.takeValues());
    }

    /**
     * Whether {@code m}'s schema is the one {@code buf} would get: the image has the names and types of the
     * one the schema was built for, in this table, which has learnt no column type since; and if that image
     * had nulls (typed from the other image and the known types), the other image is as it was then.
     */
    private boolean memoHolds(SchemaMemo m, RowBuffer buf, RowBuffer other) {
        if (m.schema == null || m.schemaSkeleton != buf.memoSkeleton || m.table != this || m.tableGeneration != generation) {
            return false;
        }
        if (!m.hasNulls) {
            return true;
        }
        if (other == null || !other.hasRow()) {
            return m.other == null;
        }
        SchemaMemo o = other.memo;
        return o != null && o == m.other && other.memoSkeleton == m.otherSkeleton;
    }

    private void memorise(SchemaMemo m, RowBuffer buf, RowBuffer other, RowSchema schema, boolean hasNulls) {
        if (hasNulls && other != null && other.hasRow() && other.memo == null) {
            m.schema = null; // the other image was not read by the scanner: nothing to tell it by
            return;
        }
        m.schema = schema;
        m.schemaSkeleton = buf.memoSkeleton;
        m.table = this;
        m.tableGeneration = generation;
        m.hasNulls = hasNulls;
        if (hasNulls && other != null && other.hasRow()) {
            m.other = other.memo;
            m.otherSkeleton = other.memoSkeleton;
        } else {
            m.other = null;
        }
    }

    /**
     * The types of {@code buf} with its NULLs typed, in this table's scratch array (left as the last row
     * of the table had it where nothing changed: no stores into a long-lived array, see {@link RowBuffer}).
     */
    private FieldType[] resolveNulls(RowBuffer buf, RowBuffer other, int from) {
        int n = buf.size;
        if (resolved.length < n) {
            resolved = new FieldType[Math.max(n, resolved.length * 2)];
        }
        FieldType[] r = resolved;
        String[] names = buf.names;
        FieldType[] types = buf.types;
        for (int i = 0; i < n; i++) {
            FieldType t = types[i];
            if (t == FieldType.NULL && i >= from) {
                FieldType o = other == null ? null : other.typeOf(names[i], i);
                if (o == null || o == FieldType.NULL) {
                    o = knownTypes.get(names[i]);
                }
                if (o != null) {
                    t = o;
                }
            }
            if (r[i] != t) {
                r[i] = t;
            }
        }
        return r;
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
        generation++;
        for (int i = 0; i < schema.size(); i++) {
            if (schema.type(i) != FieldType.NULL) {
                knownTypes.put(schema.name(i), schema.type(i));
            }
        }
    }
}
