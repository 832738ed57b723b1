package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
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
 */
public final class ReplicaShardState {
    private final Map<TableKey, Row> rows = new HashMap<>();
    private final StateDigest digest = new StateDigest();

    public Row get(TableId table, Row key) {
        return rows.get(new TableKey(table, key));
    }

    public void apply(DeltaOp op) {
        TableKey tk = new TableKey(op.table(), op.key());
        Row held = rows.get(tk);
        if (op instanceof DeltaOp.Insert ins) {
            if (held != null) {
                throw new StateDivergenceException("insert of " + tk.table() + " key " + tk.key() + " which is already held as " + held);
            }
            rows.put(tk, ins.after());
            digest.add(tk.table(), tk.key(), ins.after());
        } else if (op instanceof DeltaOp.Update upd) {
            if (held == null || !held.equals(upd.before())) {
                throw new StateDivergenceException("update of " + tk.table() + " key " + tk.key() + " expects "
                        + upd.before() + " but holds " + held);
            }
            rows.put(tk, upd.after());
            digest.replace(tk.table(), tk.key(), held, upd.after());
        } else if (op instanceof DeltaOp.Delete del) {
            if (held == null || !held.equals(del.before())) {
                throw new StateDivergenceException("delete of " + tk.table() + " key " + tk.key() + " expects "
                        + del.before() + " but holds " + held);
            }
            rows.remove(tk);
            digest.remove(tk.table(), tk.key(), held);
        } else {
            throw new IllegalArgumentException("unknown delta op " + op.getClass().getName());
        }
    }

    public void applyAll(Iterable<? extends DeltaOp> ops) {
        for (DeltaOp op : ops) {
            apply(op);
        }
    }

    public StateDigest digest() {
        return digest.copy();
    }

    /** The digest recomputed from every held row (O(state); for verification). */
    public StateDigest recomputeDigest() {
        StateDigest d = new StateDigest();
        rows.forEach((k, r) -> d.add(k.table(), k.key(), r));
        return d;
    }

    public int size() {
        return rows.size();
    }

    public void forEach(BiConsumer<TableKey, Row> visitor) {
        rows.forEach(visitor);
    }

    /** An unmodifiable view of the held rows. */
    public Map<TableKey, Row> rows() {
        return java.util.Collections.unmodifiableMap(rows);
    }
}
