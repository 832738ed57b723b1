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
import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.format.DeltaBatch;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.LocatedOps;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.model.Version;
import io.snapdelta.format.RowLookup;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
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
        StateDigest expected = new StateDigest(ShardDeltaState.CURRENT_DIGEST_VERSION);
        model.forEach((k, r) -> expected.add(k.table(), k.key(), r));
        assertEquals(expected, replica.digest());
        assertEquals(expected, replica.recomputeDigest());
    }

    /** Ops with the handles a decoder would hand over ({@link RowLookup#locate} before the batch). */
    static LocatedOps located(RowLookup lookup, List<DeltaOp> ops, List<Object> handles) {
        final class Located extends AbstractList<DeltaOp> implements LocatedOps {
            @Override
            public DeltaOp get(int index) {
                return ops.get(index);
            }

            @Override
            public int size() {
                return ops.size();
            }

            @Override
            public RowLookup lookup() {
                return lookup;
            }

            @Override
            public Object handle(int index) {
                return handles.get(index);
            }
        }
        return new Located();
    }

    /**
     * Handles found before the batch are applied through while they still hold the op's key; a handle whose
     * row was deleted since (and perhaps re-inserted as a new entry), or that names another key, is not
     * trusted: the op finds its row again, and an op of a key no longer held is refused.
     */
    @Test
    void appliesThroughHandlesOnlyWhileTheyStillHoldTheOpsKey() {
        ReplicaShardState replica = new ReplicaShardState();
        for (long id = 1; id <= 4; id++) {
            replica.apply(new DeltaOp.Insert(T, key(id), row(id, 10 * id)));
        }
        Object h1 = replica.locate(T, key(1));
        Object h2 = replica.locate(T, key(2));
        Object h3 = replica.locate(T, key(3));
        assertEquals(row(2, 20), replica.rowOf(h2));
        assertNull(replica.locate(T, key(5)));
        replica.apply(new DeltaOp.Delete(T, key(2), row(2, 20)));
        replica.apply(new DeltaOp.Insert(T, key(2), row(2, 22)));
        replica.apply(new DeltaOp.Delete(T, key(3), row(3, 30)));

        replica.applyAll(located(replica, List.of(
                new DeltaOp.Update(T, key(1), row(1, 10), row(1, 11)),
                new DeltaOp.Update(T, key(2), row(2, 22), row(2, 23)),
                new DeltaOp.Delete(T, key(4), row(4, 40))), java.util.Arrays.asList(h1, h2, h1)));
        assertEquals(row(1, 11), replica.get(T, key(1)));
        assertEquals(row(2, 23), replica.get(T, key(2)));
        assertNull(replica.get(T, key(4)));
        assertEquals(2, replica.size());
        assertEquals(replica.recomputeDigest(), replica.digest());

        assertThrows(StateDivergenceException.class, () -> replica.applyAll(located(replica,
                List.of(new DeltaOp.Delete(T, key(3), row(3, 30))), java.util.Arrays.asList(h3))));
        // Another replica's handles are never used.
        ReplicaShardState other = new ReplicaShardState();
        other.apply(new DeltaOp.Insert(T, key(1), row(1, 11)));
        replica.applyAll(located(other, List.of(new DeltaOp.Update(T, key(1), row(1, 11), row(1, 12))),
                java.util.Arrays.asList(other.locate(T, key(1)))));
        assertEquals(row(1, 12), replica.get(T, key(1)));
        assertEquals(row(1, 11), other.get(T, key(1)));
        assertEquals(replica.recomputeDigest(), replica.digest());
    }

    /**
     * A batch with several ops on one key, decoded against the replica: only each key's first update or delete
     * carries the replica's entry (later ops of the key see the batch's own earlier ops, which the replica
     * has not applied when the batch is decoded), and applying the decoded ops gives the same rows and digest
     * as applying the written ops one by one.
     */
    @Test
    void decodedBatchCarriesEntriesOnlyForEachKeysFirstOpAndAppliesLikeThePlainOps() throws Exception {
        ReplicaShardState replica = new ReplicaShardState();
        ReplicaShardState plain = new ReplicaShardState();
        for (long id = 1; id <= 3; id++) {
            replica.apply(new DeltaOp.Insert(T, key(id), row(id, 10 * id)));
            plain.apply(new DeltaOp.Insert(T, key(id), row(id, 10 * id)));
        }
        byte[] before = replica.digest().toBytes();
        List<DeltaOp> ops = List.of(
                new DeltaOp.Update(T, key(1), row(1, 10), row(1, 11)),
                new DeltaOp.Delete(T, key(2), row(2, 20)),
                new DeltaOp.Update(T, key(1), row(1, 11), row(1, 12)),
                new DeltaOp.Insert(T, key(2), row(2, 25)),
                new DeltaOp.Update(T, key(2), row(2, 25), row(2, 26)),
                new DeltaOp.Delete(T, key(3), row(3, 30)),
                new DeltaOp.Insert(U, key(3), row(3, 33)));
        plain.applyAll(ops);
        DeltaBatch batch = new DeltaBatch(0, 1, new Version(0, 1), new Version(0, 7), ops, before, plain.digest().toBytes());
        byte[] sealed;
        try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new NoneCodec()))) {
            sealed = w.write(batch);
        }
        SealedBatch decoded;
        try (DeltaBatchReader r = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), new InMemoryDictionaryStore())) {
            decoded = r.read(sealed, replica);
        }
        LocatedOps located = (LocatedOps) decoded.ops();
        assertEquals(replica, located.lookup());
        java.util.Set<TableKey> seen = new java.util.HashSet<>();
        for (int i = 0; i < located.size(); i++) {
            DeltaOp op = located.get(i);
            boolean first = seen.add(new TableKey(op.table(), op.key()));
            Object handle = located.handle(i);
            if (first && !(op instanceof DeltaOp.Insert)) {
                assertEquals(replica.get(op.table(), op.key()), replica.rowOf(handle), "op " + i + " " + op);
            } else {
                assertNull(handle, "op " + i + " " + op);
            }
        }
        replica.applyAll(decoded.ops());
        assertEquals(plain.rows(), replica.rows());
        assertEquals(plain.digest(), replica.digest());
        assertEquals(replica.recomputeDigest(), replica.digest());
    }

    /**
     * Batches applied as decoded ops ({@link LocatedOps}: the table grown once for the batch's inserts and the
     * keys hashed before any op is applied) of up to several thousand random inserts, updates and deletes over
     * two tables, a key often changed several times in one batch (deleted and inserted again, so more inserts
     * than the batch adds rows), some updates and deletes with the handle found before the batch: the same rows
     * and digest as the same ops applied one by one, through many growths.
     */
    @Test
    void decodedBatchesThatGrowTheTableApplyLikeTheirOpsOneByOne() {
        ReplicaShardState batched = new ReplicaShardState();
        ReplicaShardState plain = new ReplicaShardState();
        Map<TableKey, Row> model = new HashMap<>();
        Random random = new Random(11);
        for (int b = 0; b < 40; b++) {
            int n = 1 + random.nextInt(b < 20 ? 4_000 : 300);
            int keys = 1 + random.nextInt(30_000);
            java.util.List<DeltaOp> ops = new java.util.ArrayList<>();
            java.util.List<Object> handles = new java.util.ArrayList<>();
            java.util.Set<TableKey> changed = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                TableId table = random.nextInt(4) == 0 ? U : T;
                long id = random.nextInt(keys);
                TableKey tk = new TableKey(table, key(id));
                Row held = model.get(tk);
                Row after = row(id, random.nextLong());
                DeltaOp op;
                if (held == null) {
                    op = new DeltaOp.Insert(table, key(id), after);
                    model.put(tk, after);
                } else if (random.nextInt(3) == 0) {
                    op = new DeltaOp.Delete(table, key(id), held);
                    model.remove(tk);
                } else {
                    op = new DeltaOp.Update(table, key(id), held, after);
                    model.put(tk, after);
                }
                boolean first = changed.add(tk);
                handles.add(first && held != null && random.nextBoolean() ? batched.locate(table, key(id)) : null);
                ops.add(op);
            }
            batched.applyAll(located(batched, ops, handles));
            for (DeltaOp op : ops) {
                plain.apply(op);
            }
            assertEquals(plain.digest(), batched.digest(), "batch " + b);
        }
        assertEquals(model, batched.rows());
        assertEquals(plain.size(), batched.size());
        assertEquals(batched.recomputeDigest(), batched.digest());
        for (TableKey tk : model.keySet()) {
            assertEquals(model.get(tk), batched.get(tk.table(), tk.key()));
        }
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

    static final TableId V = TableId.of("public", "v");
    static final RowSchema TEXT_KEY = RowSchema.of(new String[] {"name"}, new FieldType[] {FieldType.STRING});
    static final RowSchema TEXT_ROW = RowSchema.of(new String[] {"name", "v"}, new FieldType[] {FieldType.STRING, FieldType.INT64});

    /**
     * A fresh replica builds a table's rank index from the keys it logged at insert, less those deleted since
     * (a key that is not one integer sends the table back to the scan of every slot): on random states of three
     * tables (integer keys inserted in any order, with and without deletes and re-inserts, and text keys), the
     * index of every table,
     * built at a random point and maintained after that, equals the one a scan of the slots builds.
     */
    @Test
    void aRankIndexBuiltFromTheInsertLogEqualsOneBuiltFromTheSlots() {
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            ReplicaShardState replica = new ReplicaShardState();
            Map<TableKey, Row> model = new HashMap<>();
            int ops = 50 + random.nextInt(3_000);
            int deleteEvery = round % 3 == 0 ? 0 : 2 + random.nextInt(20);
            int buildAt = random.nextInt(ops + 1);
            for (int i = 0; i <= ops; i++) {
                if (i == buildAt) {
                    for (TableId t : List.of(T, U, V)) {
                        replica.heldKeys(t); // built from the log or the slots, then maintained
                    }
                }
                if (i == ops) {
                    break;
                }
                TableId table = List.of(T, U, V).get(random.nextInt(3));
                long id = round % 2 == 0 ? i : random.nextInt(2_000); // ascending or any order
                Row k = table == V ? Row.of(TEXT_KEY, "k" + id) : key(id);
                TableKey tk = new TableKey(table, k);
                Row held = model.get(tk);
                Row after = table == V ? Row.of(TEXT_ROW, "k" + id, random.nextLong()) : row(id, random.nextLong());
                if (held == null) {
                    replica.apply(new DeltaOp.Insert(table, k, after));
                    model.put(tk, after);
                } else if (deleteEvery > 0 && random.nextInt(deleteEvery) == 0) {
                    replica.apply(new DeltaOp.Delete(table, k, held));
                    model.remove(tk);
                } else {
                    replica.apply(new DeltaOp.Update(table, k, held, after));
                    model.put(tk, after);
                }
            }
            for (TableId t : List.of(T, U, V, TableId.of("public", "never"))) {
                var built = replica.heldKeys(t);
                var scanned = replica.scannedKeyIndex(t);
                assertEquals(scanned.size(), built.size(), "round " + round + " table " + t);
                for (long r = 0; r < scanned.size(); r++) {
                    assertEquals(scanned.keyAt(r), built.keyAt(r), "round " + round + " table " + t + " rank " + r);
                    assertEquals(r, built.rankOf(scanned.keyAt(r)));
                }
            }
        }
    }
}
