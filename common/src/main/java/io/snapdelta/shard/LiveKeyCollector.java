package io.snapdelta.shard;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects a table's live keys from a store scan into a {@link HeldKeyIndex} without keeping the key rows
 * while every key is one integer field of one schema object (interned, so a table's keys share it): only
 * their {@code long} values. A store that decodes its keys from bytes (the job's RocksDB store) hands out a
 * new row per key, and an index of a million account keys kept those rows live (~72 bytes each); the first
 * key of another shape or schema object turns the values collected so far into rows and keeps rows from then on.
 */
final class LiveKeyCollector implements Consumer<Row> {
    private long[] values = new long[1024];
    private int count;
    private RowSchema schema;
    /** Non-null once a key was not one integer field of {@link #schema}. */
    private List<Row> rows;

    @Override
    public void accept(Row key) {
        if (rows == null) {
            if (key.size() == 1 && key.get(0) instanceof Long v && (schema == null || schema == key.schema())) {
                schema = key.schema();
                if (count == values.length) {
                    values = Arrays.copyOf(values, count * 2);
                }
                values[count++] = v;
                return;
            }
            rows = new ArrayList<>(count + 1);
            for (int i = 0; i < count; i++) {
                rows.add(Row.wrapTrusted(schema, new Object[] {values[i]}));
            }
            values = null;
        }
        rows.add(key);
    }

    /** The index of the keys accepted (distinct, as a store's live keys are). */
    HeldKeyIndex index() {
        return rows != null ? HeldKeyIndex.of(rows) : HeldKeyIndex.ofIntegerValues(values, count, schema);
    }
}
