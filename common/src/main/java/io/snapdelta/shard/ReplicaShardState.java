package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.RowHasher;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The receiving side of one shard: a heap map of rows and the incrementally maintained digest. Applies
 * {@link DeltaOp}s strictly: an insert of a key already held, or an update/delete whose {@code before}
 * differs from the row held, is a divergence and throws {@link StateDivergenceException} (never silently
 * repaired).
 *
 * <p>Each held row keeps its state-digest entry hash, so replacing or deleting it subtracts the stored hash
 * instead of hashing the old row again: one SHA-256 per change, not two.
 */
public final class ReplicaShardState {
    /**
     * A held row and its entry hash lanes ({@link RowHasher#hashEntry}). Mutable so that an update replaces
     * both in place, with the one hash lookup that found them.
     */
    private static final class Held {
        Row row;
        long[] lanes;

        Held(Row row, long[] lanes) {
            this.row = row;
            this.lanes = lanes;
        }

        Row row() {
            return row;
        }

        long[] lanes() {
            return lanes;
        }
    }

    private final Map<TableKey, Held> rows = new HashMap<>();
    private final StateDigest digest = new StateDigest();
    private final RowHasher hasher = new RowHasher();

    public Row get(TableId table, Row key) {
        Held h = rows.get(new TableKey(table, key));
        return h == null ? null : h.row();
    }

    public void apply(DeltaOp op) {
        TableKey tk = new TableKey(op.table(), op.key());
        if (op instanceof DeltaOp.Insert ins) {
            long[] lanes = lanesOf(tk, ins.after());
            Held held = rows.putIfAbsent(tk, new Held(ins.after(), lanes));
            if (held != null) {
                throw new StateDivergenceException("insert of " + tk.table() + " key " + tk.key() + " which is already held as " + held.row());
            }
            digest.addLanes(lanes);
            return;
        }
        Held held = rows.get(tk);
        if (op instanceof DeltaOp.Update upd) {
            if (held == null || !held.row().equals(upd.before())) {
                throw new StateDivergenceException("update of " + tk.table() + " key " + tk.key() + " expects "
                        + upd.before() + " but holds " + (held == null ? null : held.row()));
            }
            long[] lanes = lanesOf(tk, upd.after());
            digest.subtractLanes(held.lanes());
            digest.addLanes(lanes);
            held.row = upd.after();
            held.lanes = lanes;
        } else if (op instanceof DeltaOp.Delete del) {
            if (held == null || !held.row().equals(del.before())) {
                throw new StateDivergenceException("delete of " + tk.table() + " key " + tk.key() + " expects "
                        + del.before() + " but holds " + (held == null ? null : held.row()));
            }
            rows.remove(tk);
            digest.subtractLanes(held.lanes());
        } else {
            throw new IllegalArgumentException("unknown delta op " + op.getClass().getName());
        }
    }

    /** The entry hash lanes of a row the state is about to hold. */
    private long[] lanesOf(TableKey tk, Row row) {
        long[] lanes = new long[StateDigest.LANES];
        hasher.hashEntry(tk.table(), tk.key(), row, lanes);
        return lanes;
    }

    public void applyAll(Iterable<? extends DeltaOp> ops) {
        for (DeltaOp op : ops) {
            apply(op);
        }
    }

    public StateDigest digest() {
        return digest.copy();
    }

    /** The digest recomputed from every held row, without the stored hashes (O(state); for verification). */
    public StateDigest recomputeDigest() {
        StateDigest d = new StateDigest();
        rows.forEach((k, h) -> d.add(k.table(), k.key(), h.row()));
        return d;
    }

    public int size() {
        return rows.size();
    }

    public void forEach(BiConsumer<TableKey, Row> visitor) {
        rows.forEach((k, h) -> visitor.accept(k, h.row()));
    }

    /** A snapshot copy of the held rows (O(state); for verification and export). */
    public Map<TableKey, Row> rows() {
        Map<TableKey, Row> copy = new HashMap<>(rows.size() * 4 / 3 + 1);
        rows.forEach((k, h) -> copy.put(k, h.row()));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
