package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.format.HeldKeys;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
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
 * bytes it seals equal those of an uninterrupted run. Heap: a {@code long} per key and no rows while a table's
 * keys are one integer field of one schema ({@link HeldKeyIndex#keepsRows}), for an index built from the log
 * below or from a scan of a store that decodes its keys (the job's, {@link LiveKeyCollector}); else, and for
 * the heap store's index (its slots hold the rows anyway), one reference to each indexed key's row.
 *
 * <p>When the store is empty at the start (a new pipeline, not a restored one), the receiver's keys of a
 * table are exactly the keys the sealed batches inserted minus those they deleted, so until a table needs
 * its index the keys its sealed batches insert are logged ({@link IntegerKeyLog}: integer keys in seal order, a
 * sorted run per batch), and the index is built from that log instead of a scan of every store slot (the
 * first seal of every updated table paid that scan: ~5% of the bench's encode CPU). A table leaves the log
 * (and is built from the store, as before) on its first delete, on a key that is not one integer, or past
 * {@value #MAX_LOGGED_KEYS} keys, which bounds the heap of insert-only tables that never need an index.
 */
final class ReceiverKeys {
    /** A table's log is dropped past this many keys (20 bytes each). */
    static final int MAX_LOGGED_KEYS = 1 << 16;

    private final ShardStateStore store;
    private final Map<TableId, HeldKeyIndex> indexes = new HashMap<>();
    /**
     * Whether the held keys are followed from the sealed batches ({@link #logs}): only from an empty store,
     * until {@link #clear}.
     */
    private boolean logging;
    /** Per table without an index, the keys the sealed batches inserted (a dropped log: not followed, see above). */
    private final Map<TableId, TableLog> logs = new HashMap<>();
    /** The table of the last logged key and its log (consecutive ops are mostly of one table). */
    private TableId lastLogged;
    private TableLog lastLog;

    /**
     * A table's logged keys, values only (no rows: a million logged account keys were a million live rows, see
     * {@link HeldKeyIndex}), and the one schema object they all have (null: none logged yet). A key of another
     * schema object drops the log.
     */
    private static final class TableLog {
        final IntegerKeyLog<Void> keys = new IntegerKeyLog<>(MAX_LOGGED_KEYS);
        RowSchema keySchema;
    }

    ReceiverKeys(ShardStateStore store) {
        this.store = store;
        this.logging = store.liveCount() == 0;
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
        sealed(batch, null);
    }

    /**
     * {@link #sealed(ShardBatch)}, reading the inserted and deleted keys from {@code changes} when they are the
     * batch's ({@link ShardDeltaState#sealedKeyChanges}), not from its ops: the same keys in the same order.
     */
    void sealed(ShardBatch batch, SealedKeyChanges changes) {
        if (indexes.isEmpty() && !logging) {
            return;
        }
        if (changes != null && changes.sequence() == batch.sequence()) {
            TableId lastTable = null;
            HeldKeyIndex index = null;
            for (int i = 0, n = changes.size(); i < n; i++) {
                TableId table = changes.table(i);
                if (table != lastTable) {
                    lastTable = table;
                    index = indexes.get(table);
                }
                Row key = changes.key(i);
                boolean insert = changes.insert(i);
                if (index != null) {
                    if (insert) {
                        index.add(key);
                    } else {
                        index.remove(key);
                    }
                } else if (logging) {
                    log(table, !insert, changes.integer(i), changes.value(i), changes.keySchema(i));
                }
            }
            return;
        }
        TableId lastTable = null;
        HeldKeyIndex index = null;
        for (DeltaOp op : batch.coalescedOps()) {
            TableId table = op.table();
            if (table != lastTable) {
                lastTable = table;
                index = indexes.get(table);
            }
            if (index != null) {
                applyNet(index, op, false);
            } else if (logging && !(op instanceof DeltaOp.Update)) {
                log(table, op);
            }
        }
    }

    /** Logs an insert's key or drops the table's log (a delete, a key of another shape, a full log). */
    private void log(TableId table, DeltaOp op) {
        Row key = op.key();
        boolean integer = key.size() == 1 && key.get(0) instanceof Long;
        log(table, op instanceof DeltaOp.Delete, integer, integer ? (Long) key.get(0) : 0, key.schema());
    }

    /** {@link #log(TableId, DeltaOp)} of a key read already: one integer field {@code value} if {@code integer}. */
    private void log(TableId table, boolean delete, boolean integer, long value, RowSchema schema) {
        TableLog log = table == lastLogged ? lastLog : logs.computeIfAbsent(table, t -> new TableLog());
        lastLogged = table;
        lastLog = log;
        if (delete || !integer || (log.keySchema != null && log.keySchema != schema) || !log.keys.add(value, null, null)) {
            log.keys.drop();
            return;
        }
        log.keySchema = schema;
    }

    /** Drops every index (after a restore, the store they were built from changed). */
    void clear() {
        indexes.clear();
        logs.clear();
        lastLogged = null;
        lastLog = null;
        logging = false;
    }

    private HeldKeyIndex build(TableId table, ShardBatch batch) {
        TableLog log = logs.remove(table);
        if (log == lastLog) {
            lastLogged = null;
            lastLog = null;
        }
        if (logging && (log == null || !log.keys.dropped())) {
            // The keys held before this batch are what the sealed batches inserted (none if they inserted none).
            if (log == null) {
                return HeldKeyIndex.of(java.util.List.of());
            }
            return log.keys.toIndex(log.keySchema);
        }
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
