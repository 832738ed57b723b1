package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.format.HeldKeys;
import io.snapdelta.model.TableId;
import java.util.HashMap;
import java.util.Map;

/**
 * The producer's copy of what a shard's receiver holds as keys, per table, as of the last sealed batch:
 * the set format v3 ranks the keys of updates and deletes in ({@link HeldKeyIndex}). Receivers decode a
 * batch against the keys held before it, so the producer keeps the same set, which lags its own state by
 * the open batch.
 *
 * <p>A table's index is built on the first batch that needs it (a sorted section with an update or delete
 * of the table), from the store's live keys with that batch's net effect taken back out, and kept up to
 * date batch by batch after that; tables that only ever receive inserts (logs, histories) never get one.
 * It is derived from the state, not checkpointed: a restored pipeline rebuilds it the same way, so the
 * bytes it seals equal those of an uninterrupted run. Heap: one reference to each indexed key's row
 * (the heap store builds the index from its slots' cached integer key values, without reading key rows).
 */
final class ReceiverKeys {
    private final ShardStateStore store;
    private final Map<TableId, HeldKeyIndex> indexes = new HashMap<>();

    ReceiverKeys(ShardStateStore store) {
        this.store = store;
    }

    /** The keys held before {@code batch}, for sealing it (its net effect is in the store already). */
    HeldKeys before(ShardBatch batch) {
        return table -> {
            HeldKeyIndex index = indexes.get(table);
            if (index == null) {
                index = build(table, batch);
                indexes.put(table, index);
            }
            return index;
        };
    }

    /** {@code batch} was sealed: the receiver will hold its inserted keys and not its deleted ones. */
    void sealed(ShardBatch batch) {
        if (indexes.isEmpty()) {
            return;
        }
        for (DeltaOp op : batch.coalescedOps()) {
            HeldKeyIndex index = indexes.get(op.table());
            if (index != null) {
                applyNet(index, op, false);
            }
        }
    }

    /** Drops every index (after a restore, the store they were built from changed). */
    void clear() {
        indexes.clear();
    }

    private HeldKeyIndex build(TableId table, ShardBatch batch) {
        HeldKeyIndex index = store.liveKeyIndex(table);
        for (DeltaOp op : batch.coalescedOps()) {
            if (op.table().equals(table)) {
                applyNet(index, op, true);
            }
        }
        return index;
    }

    /**
     * A coalesced op's effect on the held keys: an insert adds its key (the key was not held before the
     * batch), a delete removes it, an update keeps it; {@code undo} reverses that.
     */
    private static void applyNet(HeldKeyIndex index, DeltaOp op, boolean undo) {
        if (op instanceof DeltaOp.Insert) {
            if (undo) {
                index.remove(op.key());
            } else {
                index.add(op.key());
            }
        } else if (op instanceof DeltaOp.Delete) {
            if (undo) {
                index.add(op.key());
            } else {
                index.remove(op.key());
            }
        }
    }
}
