package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReceiverKeysTest {
    /**
     * The seal path feeds {@link ReceiverKeys} the inserted and deleted keys its touched entries hold
     * ({@link ShardDeltaState#sealedKeyChanges}) instead of the batch's ops: it must follow exactly the keys the
     * ops say, whether a table is logged (T until its first delete, U from the start) or indexed (once a batch
     * asked for its keys), over inserts, updates, deletes, re-inserts and keys touched many times in one batch.
     */
    @Test
    void keysFollowedFromTheSealedKeyChangesEqualThoseFollowedFromTheOps() {
        ShardDeltaState state = new ShardDeltaState(0, new InMemoryShardStateStore(), 97, Duration.ofHours(1));
        ReceiverKeys fromOps = new ReceiverKeys(state.store());
        ReceiverKeys fromChanges = new ReceiverKeys(state.store());
        Random r = new Random(13);
        List<TableId> tables = List.of(ShardDeltaStateTest.T, ShardDeltaStateTest.U);
        long v = 1;
        int batches = 0;
        int compared = 0;
        for (int i = 0; i < 20_000; i++) {
            TableId t = tables.get(r.nextInt(tables.size()));
            long id = r.nextInt(i < 5_000 ? 100_000 : 3_000) * 7L;
            ChangeOp op = i < 5_000 || r.nextInt(4) == 0 ? ChangeOp.INSERT
                    : i > 12_000 && r.nextInt(6) == 0 ? ChangeOp.DELETE : ChangeOp.UPDATE;
            ChangeEvent e = ShardDeltaStateTest.ev(t, op, id, v++, op == ChangeOp.DELETE ? null
                    : ShardDeltaStateTest.row(id, r.nextInt(5), "x"));
            ShardBatch batch = state.apply(e);
            if (batch == null) {
                continue;
            }
            batches++;
            // Ask both for a table's keys at the same batches (so both build the same indexes at the same time).
            if (batches % 37 == 0 || batches == 60) {
                TableId asked = tables.get(batches % 2);
                HeldKeyIndex a = fromOps.before(batch).heldKeys(asked);
                HeldKeyIndex b = fromChanges.before(batch).heldKeys(asked);
                assertSameKeys(a, b, "batch " + batches + " " + asked);
                compared++;
            }
            assertEquals(batch.sequence(), state.sealedKeyChanges().sequence());
            fromOps.sealed(batch);
            fromChanges.sealed(batch, state.sealedKeyChanges());
        }
        ShardBatch last = state.seal();
        assertNotNull(last);
        for (TableId t : tables) {
            assertSameKeys(fromOps.before(last).heldKeys(t), fromChanges.before(last).heldKeys(t), "end " + t);
        }
        assertTrue(compared >= 5 && batches > 150, compared + " comparisons over " + batches + " batches");
    }

    private static void assertSameKeys(HeldKeyIndex a, HeldKeyIndex b, String where) {
        assertTrue(a.size() > 0, where + ": an empty index compares nothing");
        assertEquals(a.size(), b.size(), where);
        for (long i = 0; i < a.size(); i++) {
            assertEquals(a.keyAt(i), b.keyAt(i), where + " rank " + i);
        }
    }

    /**
     * A table whose keys were followed from an empty store gets an index of the logged key values, without a
     * row per key (the log keeps none either), holding exactly the keys a scan of the store finds.
     */
    @Test
    void anIndexBuiltFromTheLogKeepsTheKeysOfTheStoreWithoutTheirRows() {
        ShardDeltaState state = new ShardDeltaState(0, new InMemoryShardStateStore(), 1_000, Duration.ofHours(1));
        ReceiverKeys keys = new ReceiverKeys(state.store());
        long v = 1;
        for (long id = 3_000; id > 0; id--) { // descending: the index sorts what the log took in arrival order
            ShardBatch sealed = state.apply(ShardDeltaStateTest.ins(id * 7, v++, 1, "a"));
            if (sealed != null) {
                keys.sealed(sealed, state.sealedKeyChanges());
            }
        }
        ShardBatch rest = state.seal();
        if (rest != null) {
            keys.sealed(rest, state.sealedKeyChanges());
        }
        state.apply(ShardDeltaStateTest.upd(7 * 5, v, 2, "b"));
        HeldKeyIndex held = keys.before(state.seal()).heldKeys(ShardDeltaStateTest.T);
        assertFalse(held.keepsRows());
        HeldKeyIndex scanned = state.store().liveKeyIndex(ShardDeltaStateTest.T);
        assertEquals(3_000, scanned.size());
        assertSameKeys(scanned, held, "log against scan");
    }

    /** A stale change set (of another batch) is not used: the ops are read instead. */
    @Test
    void changesOfAnotherBatchAreIgnored() {
        ShardDeltaState state = new ShardDeltaState(0, new InMemoryShardStateStore(), 1_000, Duration.ofHours(1));
        state.apply(ShardDeltaStateTest.ins(7, 1, 1, "a"));
        ShardBatch first = state.seal();
        SealedKeyChanges firstChanges = state.sealedKeyChanges();
        state.apply(ShardDeltaStateTest.ins(14, 2, 1, "b"));
        ShardBatch second = state.seal();
        ReceiverKeys keys = new ReceiverKeys(state.store());
        keys.sealed(first, firstChanges); // firstChanges now hold the second batch's keys
        keys.sealed(second, state.sealedKeyChanges());
        state.apply(ShardDeltaStateTest.upd(7, 3, 2, "c"));
        HeldKeyIndex held = keys.before(state.seal()).heldKeys(ShardDeltaStateTest.T);
        assertEquals(2, held.size());
        assertEquals(ShardDeltaStateTest.key(7), held.keyAt(0));
        assertEquals(ShardDeltaStateTest.key(14), held.keyAt(1));
    }
}
