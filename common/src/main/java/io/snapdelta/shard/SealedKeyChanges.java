package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.Arrays;

/**
 * The keys a sealed batch inserted and deleted, in coalesced order, as {@link ShardDeltaState#seal} read them from
 * its touched entries: what {@link ReceiverKeys#sealed} needs to follow the receiver's keys, without reading the
 * batch's ops and key rows again. Those were last read by the encoder a whole batch of column writes earlier and
 * are out of the caches by then (the key row's first field was a cache miss per insert: ~2% of the sealing calls);
 * the touched entries hold the table, the key's schema and its integer value, and are read at seal anyway.
 * Reused batch after batch; valid for the batch numbered {@link #sequence()} until the next seal.
 */
final class SealedKeyChanges {
    private long sequence = -1;
    private int size;
    private TableId[] tables = new TableId[64];
    private Row[] keys = new Row[64];
    private RowSchema[] keySchemas = new RowSchema[64];
    /** The key's one field when {@link #integers}[i], else 0. */
    private long[] values = new long[64];
    private boolean[] integers = new boolean[64];
    private boolean[] inserts = new boolean[64];

    /** Starts the changes of the batch numbered {@code sequence} (drops the previous batch's references). */
    void start(long sequence) {
        Arrays.fill(tables, 0, size, null);
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(keySchemas, 0, size, null);
        this.sequence = sequence;
        size = 0;
    }

    /** Appends an insert ({@code insert}) or a delete of {@code key}, whose one field is {@code value} if {@code integer}. */
    void add(TableId table, Row key, RowSchema keySchema, boolean integer, long value, boolean insert) {
        if (size == tables.length) {
            int n = size * 2;
            tables = Arrays.copyOf(tables, n);
            keys = Arrays.copyOf(keys, n);
            keySchemas = Arrays.copyOf(keySchemas, n);
            values = Arrays.copyOf(values, n);
            integers = Arrays.copyOf(integers, n);
            inserts = Arrays.copyOf(inserts, n);
        }
        tables[size] = table;
        keys[size] = key;
        keySchemas[size] = keySchema;
        values[size] = value;
        integers[size] = integer;
        inserts[size++] = insert;
    }

    /** The sequence number of the batch these are the changes of (-1: none). */
    long sequence() {
        return sequence;
    }

    int size() {
        return size;
    }

    TableId table(int i) {
        return tables[i];
    }

    Row key(int i) {
        return keys[i];
    }

    RowSchema keySchema(int i) {
        return keySchemas[i];
    }

    boolean integer(int i) {
        return integers[i];
    }

    long value(int i) {
        return values[i];
    }

    boolean insert(int i) {
        return inserts[i];
    }
}
