package io.snapdelta.shard;

import static io.snapdelta.shard.ShardDeltaStateTest.del;
import static io.snapdelta.shard.ShardDeltaStateTest.ev;
import static io.snapdelta.shard.ShardDeltaStateTest.ins;
import static io.snapdelta.shard.ShardDeltaStateTest.row;
import static io.snapdelta.shard.ShardDeltaStateTest.upd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.ChangeOp;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenBatchCodecTest {
    private static ShardDeltaState state() {
        return new ShardDeltaState(2, new InMemoryShardStateStore(), Integer.MAX_VALUE, Duration.ofHours(1));
    }

    /** A sealed first batch, then an open one with every kind of change, a no-op, a duplicate and a stale event. */
    private static ShardDeltaState midBatch() {
        ShardDeltaState s = state();
        s.apply(ins(1, 1, 0, "a"));
        s.apply(ins(2, 2, 0, "b"));
        s.apply(ins(3, 3, 0, "c"));
        assertNotNull(s.seal());
        s.apply(upd(1, 4, 1, "a"));          // update
        s.apply(upd(1, 5, 2, "a2"));         // update of the update
        s.apply(del(2, 6));                  // delete
        s.apply(ins(2, 7, 9, "back"));       // re-insert after the delete
        s.apply(ins(4, 8, 0, "new"));        // insert of an absent key
        s.apply(del(4, 9));                  // ... deleted again in the same batch
        s.apply(upd(3, 10, 0, "c"));         // no-op
        s.apply(upd(1, 5, 2, "a2"));         // duplicate
        s.apply(upd(1, 3, 7, "old"));        // stale
        s.apply(ev(ShardDeltaStateTest.U, ChangeOp.INSERT, 1, 11, row(1, 5, null)));
        return s;
    }

    @Test
    void anOpenBatchRoundTripsExactlyAndEncodesToTheSameBytesEveryTime() {
        ShardDeltaState.OpenBatch open = midBatch().openBatch();
        assertNotNull(open);
        assertEquals(10, open.sourceChanges());
        assertEquals(7, open.stream().size());
        byte[] bytes = OpenBatchCodec.encode(open);
        ShardDeltaState.OpenBatch back = OpenBatchCodec.decode(bytes);
        assertEquals(open, back);
        assertArrayEquals(bytes, OpenBatchCodec.encode(back));
        assertArrayEquals(bytes, OpenBatchCodec.encode(midBatch().openBatch()), "a second identical run encodes identically");
    }

    @Test
    void aRestoredOpenBatchSealsTheSameBatchAsTheOriginal() {
        ShardDeltaState original = midBatch();
        ShardDeltaState restored = state();
        // The rows already hold the open batch's changes; copy them as a checkpoint would.
        original.store().forEachLive((k, r) -> restored.store().put(k.table(), k.key(),
                original.store().get(k.table(), k.key())));
        restored.store().put(ShardDeltaStateTest.T, ShardDeltaStateTest.key(4), original.store().get(ShardDeltaStateTest.T, ShardDeltaStateTest.key(4)));
        restored.restore(original.progress());
        restored.restoreOpenBatch(OpenBatchCodec.decode(OpenBatchCodec.encode(original.openBatch())));
        assertEquals(original.openSourceChanges(), restored.openSourceChanges());
        assertEquals(original.openAppliedChanges(), restored.openAppliedChanges());
        ShardBatch a = original.seal();
        ShardBatch b = restored.seal();
        assertEquals(a, b);
        assertEquals(original.counters().asMap(), restored.counters().asMap());
    }

    @Test
    void anOpenBatchOfOnlyDroppedEventsHasNoVersionRangeAndRoundTrips() {
        ShardDeltaState s = state();
        s.apply(ins(1, 1, 0, "a"));
        s.seal();
        s.apply(ins(1, 1, 0, "a"));
        ShardDeltaState.OpenBatch open = s.openBatch();
        assertNull(open.firstVersion());
        assertTrue(open.stream().isEmpty());
        assertEquals(open, OpenBatchCodec.decode(OpenBatchCodec.encode(open)));
    }

    @Test
    void noOpenBatchBetweenBatches() {
        ShardDeltaState s = state();
        assertNull(s.openBatch());
        s.apply(ins(1, 1, 0, "a"));
        s.seal();
        assertNull(s.openBatch());
    }

    @Test
    void aCheckpointWrittenBeforeOpenBatchesWereCheckpointedRestoresWithNoOpenBatch() throws Exception {
        // The v1 layout, byte by byte, as every savepoint taken before open batches were kept holds it.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(42);
            out.write(new byte[StateDigest.BYTES]);
            out.writeLong(1_000);
            out.writeLong(500);
            out.writeShort(2);
            out.writeLong(7);
            out.writeLong(8);
            out.writeLong(100);
            out.writeLong(3);
            out.writeInt(1);
            out.writeLong(99);
            out.writeDouble(1.5);
            out.writeDouble(4.25);
        }
        ShardCheckpoint c = ShardCheckpoint.decode(bytes.toByteArray());
        assertEquals(42, c.progress().nextSequence());
        assertEquals(List.of(7L, 8L), Arrays.stream(c.progress().counters()).boxed().toList());
        assertEquals(java.util.Set.of(99L), c.emittedSchemaIds());
        assertEquals(4.25, c.bytesPerChange());
        assertNull(c.openBatch());
        assertEquals(-1, c.openedAtMillis());
    }

    @Test
    void aCheckpointWithAnOpenBatchRoundTrips() {
        ShardDeltaState s = midBatch();
        ShardCheckpoint c = new ShardCheckpoint(s.progress(), new long[] {3, 1}, java.util.Set.of(5L, 1L), 2.0, 3.0, 1234, s.openBatch());
        ShardCheckpoint back = ShardCheckpoint.decode(c.encode());
        assertEquals(1234, back.openedAtMillis());
        assertEquals(s.openBatch(), back.openBatch());
        assertArrayEquals(c.encode(), back.encode());
    }

    @Test
    void corruptOrUnknownOpenBatchBytesAreRejectedWithAReason() {
        byte[] bytes = OpenBatchCodec.encode(midBatch().openBatch());
        byte[] future = bytes.clone();
        future[0] = 9;
        IllegalStateException v = assertThrows(IllegalStateException.class, () -> OpenBatchCodec.decode(future));
        assertTrue(v.getMessage().contains("unknown open batch version 9"), v.getMessage());
        IllegalStateException cut = assertThrows(IllegalStateException.class,
                () -> OpenBatchCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)));
        assertTrue(cut.getMessage().contains("corrupt open batch"), cut.getMessage());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        IllegalStateException trailing = assertThrows(IllegalStateException.class, () -> OpenBatchCodec.decode(longer));
        assertTrue(trailing.getMessage().contains("after the end of the open batch"), trailing.getMessage());
    }
}
