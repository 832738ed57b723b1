package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicaShardStateTest {
    static final TableId T = TableId.of("public", "t");
    static final TableId U = TableId.of("public", "u");
    static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    static final RowSchema ROW = RowSchema.of(new String[] {"id", "v"}, new FieldType[] {FieldType.INT64, FieldType.INT64});

    static Row key(long id) {
        return Row.of(KEY, id);
    }

    static Row row(long id, long v) {
        return Row.of(ROW, id, v);
    }

    /**
     * Random inserts, updates and deletes over two tables with the same key values (equal key hashes apart
     * from the table), through many table growths and deletions that shift probed rows back: the replica
     * answers every key like a plain map and its digest equals the one recomputed from scratch.
     */
    @Test
    void holdsExactlyWhatAPlainMapHoldsThroughGrowthAndDeletions() {
        ReplicaShardState replica = new ReplicaShardState();
        Map<TableKey, Row> model = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 60_000; i++) {
            TableId table = random.nextBoolean() ? T : U;
            long id = random.nextInt(5_000);
            TableKey tk = new TableKey(table, key(id));
            Row held = model.get(tk);
            Row after = row(id, random.nextLong());
            if (held == null) {
                replica.apply(new DeltaOp.Insert(table, key(id), after));
                model.put(tk, after);
            } else if (random.nextInt(3) == 0) {
                replica.apply(new DeltaOp.Delete(table, key(id), held));
                model.remove(tk);
            } else {
                replica.apply(new DeltaOp.Update(table, key(id), held, after));
                model.put(tk, after);
            }
        }
        assertEquals(model.size(), replica.size());
        assertEquals(model, replica.rows());
        for (long id = 0; id < 5_000; id++) {
            assertEquals(model.get(new TableKey(T, key(id))), replica.get(T, key(id)));
            assertEquals(model.get(new TableKey(U, key(id))), replica.get(U, key(id)));
        }
        StateDigest expected = new StateDigest();
        model.forEach((k, r) -> expected.add(k.table(), k.key(), r));
        assertEquals(expected, replica.digest());
        assertEquals(expected, replica.recomputeDigest());
    }

    @Test
    void refusesAnInsertOfAHeldKeyAndAnUpdateOfAnAbsentOrDifferentRow() {
        ReplicaShardState replica = new ReplicaShardState();
        replica.apply(new DeltaOp.Insert(T, key(1), row(1, 10)));
        assertThrows(StateDivergenceException.class, () -> replica.apply(new DeltaOp.Insert(T, key(1), row(1, 11))));
        assertThrows(StateDivergenceException.class, () -> replica.apply(new DeltaOp.Update(T, key(2), row(2, 1), row(2, 2))));
        assertThrows(StateDivergenceException.class, () -> replica.apply(new DeltaOp.Update(T, key(1), row(1, 9), row(1, 2))));
        assertThrows(StateDivergenceException.class, () -> replica.apply(new DeltaOp.Delete(U, key(1), row(1, 10))));
        assertEquals(row(1, 10), replica.get(T, key(1)));
        assertNull(replica.get(U, key(1)));
    }
}
