package io.snapdelta.format;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;

/**
 * The receiver's current rows, as a {@link DeltaBatchReader} needs them: updates carry only changed
 * fields (and may code integers against the old value), deletes carry only the key, so the reader asks
 * for the row the receiver holds to rebuild {@code before} and the full {@code after}. The reader itself
 * accounts for earlier ops of the same batch; it only asks for rows (and keys) as they were before the batch.
 */
@FunctionalInterface
public interface RowLookup extends HeldKeys {
    /** The full row held for {@code key} in {@code table}, or {@code null} if none. */
    Row get(TableId table, Row key);

    /**
     * Finds the row held for {@code key} and returns this receiver's handle to it, or {@code null} if none;
     * {@link #rowOf} reads the row from the handle. A reader hands the handles back with the ops it decoded
     * ({@link LocatedOps}), so that a receiver applying them reaches each row without finding it a second
     * time. The default handle is the row itself.
     */
    default Object locate(TableId table, Row key) {
        return get(table, key);
    }

    /**
     * {@link #locate} of several keys of one table at once: {@code handles[j] = locate(table, keys[j])} for
     * every {@code j < n} whose key is non-null (the other handles are left as they are). A receiver whose rows
     * are far larger than the cache may take the lookups in stages over all the keys, so that their cache
     * misses overlap instead of following one another.
     */
    default void locateAll(TableId table, Row[] keys, int n, Object[] handles) {
        for (int j = 0; j < n; j++) {
            if (keys[j] != null) {
                handles[j] = locate(table, keys[j]);
            }
        }
    }

    /** The row behind a non-null handle {@link #locate} returned. */
    default Row rowOf(Object handle) {
        return (Row) handle;
    }

    /**
     * The keys of {@code table} held before the batch, in order (format v3 codes the keys of updates and
     * deletes as ranks into them); null when this receiver keeps no such index, and then a batch that codes
     * keys by rank is rejected. The default keeps none.
     */
    @Override
    default HeldKeyIndex heldKeys(TableId table) {
        return null;
    }

    /** A receiver that holds nothing (a batch of inserts into an empty state decodes against it). */
    RowLookup EMPTY = (table, key) -> null;
}
