package io.snapdelta.shard;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The single-integer keys given to one table, in the order they came, with their values: the rank index of a
 * state that started empty is built from it ({@link HeldKeyIndex#ofIntegerKeys}, no sort when the keys came in
 * ascending order) instead of from a scan of every entry of the state, whose entries are cache misses. The
 * sending side ({@link ReceiverKeys}) and the receiving side ({@link ReplicaShardState}) both keep one per table
 * until the table's index is first needed.
 *
 * <p>Each key may carry a tag (the replica's entry), so that keys deleted since they were logged can be
 * dropped by {@link #retain}. A log that cannot follow its table (a key of another shape, too many keys) is
 * {@link #drop dropped}: it stays dropped, and the table's index is then built from a scan.
 *
 * @param <T> the tag's type
 */
final class IntegerKeyLog<T> {
    private final int maxKeys;
    private long[] values = new long[64];
    private Row[] keys = new Row[64];
    private Object[] tags = new Object[64];
    private int size;
    /** Logged keys whose tag went stale since the last {@link #retain} (see {@link #staled}). */
    private int stale;

    /** @param maxKeys the most keys the log takes ({@link #add} then refuses: the caller drops the log) */
    IntegerKeyLog(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /** Appends {@code key} (whose one field is {@code value}); false when the log is full or dropped. */
    boolean add(long value, Row key, T tag) {
        if (size == maxKeys || values == null) {
            return false;
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
            tags = Arrays.copyOf(tags, size * 2);
        }
        values[size] = value;
        keys[size] = key;
        tags[size++] = tag;
        return true;
    }

    int size() {
        return size;
    }

    /** Stops following the table for good, and frees the logged keys. */
    void drop() {
        values = null;
        keys = null;
        tags = null;
        size = 0;
        stale = 0;
    }

    boolean dropped() {
        return values == null;
    }

    /**
     * One logged key's tag no longer counts (the replica deleted its entry): the log keeps it until such keys
     * are half the log, then keeps only the keys {@code keep} accepts, so a delete costs no search.
     */
    void staled(Predicate<T> keep) {
        if (!dropped() && ++stale > size / 2) {
            retain(keep);
        }
    }

    /** Keeps only the keys whose tag {@code keep} accepts, in their order (none needed if nothing went stale). */
    @SuppressWarnings("unchecked")
    void retain(Predicate<T> keep) {
        if (stale == 0) {
            return;
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (keep.test((T) tags[i])) {
                values[n] = values[i];
                keys[n] = keys[i];
                tags[n++] = tags[i];
            }
        }
        Arrays.fill(keys, n, size, null);
        Arrays.fill(tags, n, size, null);
        size = n;
        stale = 0;
    }

    /** The rank index of the logged keys. */
    HeldKeyIndex toIndex() {
        return HeldKeyIndex.ofIntegerKeys(values, keys, size);
    }

    /**
     * The rank index of the logged keys when they are all of schema object {@code schema} (they may have been
     * logged without their rows): it keeps their values, not rows.
     */
    HeldKeyIndex toIndex(RowSchema schema) {
        return HeldKeyIndex.ofIntegerValues(values, size, schema);
    }
}
