package io.snapdelta.shard;

import static io.snapdelta.shard.ShardDeltaStateTest.del;
import static io.snapdelta.shard.ShardDeltaStateTest.ins;
import static io.snapdelta.shard.ShardDeltaStateTest.upd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.model.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardPipelineTest {
    private static ShardPipeline pipeline(ShardStateBytes bytes, int maxChanges) {
        return pipeline(bytes, maxChanges, Duration.ofHours(1));
    }

    private static ShardPipeline pipeline(ShardStateBytes bytes, int maxChanges, Duration tombstoneRetention) {
        return pipeline(bytes, maxChanges, tombstoneRetention, true);
    }

    private static ShardPipeline pipeline(ShardStateBytes bytes, int maxChanges, Duration tombstoneRetention, boolean rankKeys) {
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec());
        return new ShardPipeline(new ShardDeltaState(5, store, Integer.MAX_VALUE, tombstoneRetention),
                new FlushPolicy(1000, maxChanges, 1 << 20),
                new ShardBatchEncoder(new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)))), store,
                rankKeys);
    }

    /**
     * 4,000 rows whose ids are {@code spacing} apart (a shard's share of a dense id space when spacing is the
     * shard count), then updates and deletes of random held keys and some inserts of new ones.
     */
    private static List<ChangeEvent> heldThenChanged(long spacing) {
        List<ChangeEvent> events = new ArrayList<>();
        int v = 1;
        for (long i = 0; i < 4000; i++) {
            events.add(ins(i * spacing, v++, 1, "x"));
        }
        Random r = new Random(17);
        for (int i = 0; i < 3000; i++) {
            long id = r.nextInt(4400) * spacing;
            events.add(r.nextInt(10) == 0 ? del(id, v++) : r.nextInt(10) == 0 ? ins(id, v++, 2, "n") : upd(id, v++, r.nextInt(3), "y"));
        }
        return events;
    }

    /** Sealed bytes of the batches after the initial load (the first 8 batches of 500 hold only inserts). */
    private static long bytesAfterLoad(List<byte[]> batches) {
        long bytes = 0;
        for (int i = 8; i < batches.size(); i++) {
            bytes += batches.get(i).length;
        }
        return bytes;
    }

    @Test
    void keysOfUpdatesAndDeletesTravelAsRanksAmongTheReceiversKeysAndReplayToTheSameState() throws Exception {
        List<ChangeEvent> events = heldThenChanged(16);
        List<byte[]> ranked = sealAll(pipeline(new HeapShardStateBytes(), 500, Duration.ofHours(1), true), events);
        List<byte[]> values = sealAll(pipeline(new HeapShardStateBytes(), 500, Duration.ofHours(1), false), events);
        assertEquals(values.size(), ranked.size());
        // Up to 4 bits (log2 of the spacing) less per updated or deleted key: at least 5% of these batches.
        assertTrue(bytesAfterLoad(ranked) * 1.05 < bytesAfterLoad(values),
                "ranked " + bytesAfterLoad(ranked) + " vs values " + bytesAfterLoad(values));
        assertEquals(replay(values).rows(), replay(ranked).rows());
        assertEquals(replay(values).digest(), replay(ranked).digest());
    }

    @Test
    void whereTheReceiverHoldsMostOfTheKeyRangeKeysTravelAsValues() throws Exception {
        List<ChangeEvent> events = heldThenChanged(1); // ranks would save a fraction of a bit a key
        List<byte[]> ranked = sealAll(pipeline(new HeapShardStateBytes(), 500, Duration.ofHours(1), true), events);
        List<byte[]> values = sealAll(pipeline(new HeapShardStateBytes(), 500, Duration.ofHours(1), false), events);
        assertEquals(values.size(), ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            assertArrayEquals(values.get(i), ranked.get(i), "batch " + i);
        }
    }

    /**
     * A new pipeline builds a table's rank index from the keys its sealed batches inserted (the store was
     * empty at its start), a restored one from a scan of the store: both must rank against the same keys.
     * Table T's keys arrive shuffled across batches; U has a delete before its first update (its log is
     * dropped, so its index comes from the store even in the new pipeline).
     */
    @Test
    void anIndexBuiltFromTheSealedBatchesInsertsRanksLikeOneBuiltFromTheStore() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        Random r = new Random(29);
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            ids.add(i * 16);
        }
        java.util.Collections.shuffle(ids, r);
        int v = 1;
        for (long id : ids) {
            events.add(ins(id, v++, 1, "x"));
            if (id % 5 == 0) {
                events.add(ShardDeltaStateTest.ev(ShardDeltaStateTest.U, io.snapdelta.model.ChangeOp.INSERT, id, v++,
                        ShardDeltaStateTest.row(id, 1, "u")));
            }
        }
        events.add(ShardDeltaStateTest.ev(ShardDeltaStateTest.U, io.snapdelta.model.ChangeOp.DELETE, 0, v++, null));
        for (int i = 0; i < 3000; i++) {
            long id = r.nextInt(3300) * 16L;
            events.add(r.nextInt(12) == 0 ? del(id, v++) : r.nextInt(12) == 0 ? ins(id, v++, 2, "n") : upd(id, v++, r.nextInt(3), "y"));
            long uid = r.nextInt(600) * 80L;
            events.add(ShardDeltaStateTest.ev(ShardDeltaStateTest.U, io.snapdelta.model.ChangeOp.UPDATE, uid, v++,
                    ShardDeltaStateTest.row(uid, r.nextInt(3), "w")));
        }
        List<byte[]> logged = sealAll(heapPipeline(true, false), events);
        List<byte[]> scanned = sealAll(heapPipeline(true, true), events);
        List<byte[]> values = sealAll(heapPipeline(false, false), events);
        assertEquals(scanned.size(), logged.size());
        for (int i = 0; i < logged.size(); i++) {
            assertArrayEquals(scanned.get(i), logged.get(i), "batch " + i);
        }
        assertTrue(bytesAfterLoad(logged) < bytesAfterLoad(values), "keys travelled as ranks");
        assertEquals(replay(values).digest(), replay(logged).digest());
    }

    /**
     * A pipeline whose events are looked ahead ({@link ShardLookAhead}, runs of 16 events hinted one run ahead, as
     * the bandwidth bench does, and some runs hinted again just before they are applied) seals the
     * same bytes, keeps the same counters and digest as one given none, over inserts that grow the store,
     * updates, no-ops, deletes, duplicates, stale events and tombstones purged in between: the events between a
     * hint and its apply change the store in every way, and the hint has no effect but on the caches.
     */
    @Test
    void hintsAheadOfTheEventsChangeNoBatchNorCounter() {
        List<ChangeEvent> events = new ArrayList<>();
        Random r = new Random(41);
        int v = 1;
        for (int i = 0; i < 12_000; i++) {
            long id = r.nextInt(i < 4_000 ? 100_000 : 6_000);
            int kind = r.nextInt(20);
            ChangeEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
            if (kind == 0 && last != null) {
                events.add(last); // a duplicate
            } else if (kind == 1 && last != null) {
                events.add(upd((Long) last.key().get(0), last.version().minor() - 1, 7, "stale")); // older than the last change of its key
            } else {
                v++;
                events.add(kind < 3 ? del(id, v) : kind < 6 ? ins(id, v, r.nextInt(2), "n") : upd(id, v, r.nextInt(2), "u" + r.nextInt(2)));
            }
        }
        ShardPipeline plain = hintedPipeline();
        ShardPipeline hinted = hintedPipeline();
        List<byte[]> plainBatches = new ArrayList<>();
        List<byte[]> hintedBatches = new ArrayList<>();
        ShardLookAhead lookAhead = new ShardLookAhead();
        ShardPipeline[] pipelines = {hinted};
        ChangeEvent[] all = events.toArray(new ChangeEvent[0]);
        int[] shardOf = new int[all.length];
        for (int i = 0; i < events.size(); i++) {
            if (i % 16 == 0) {
                lookAhead.prefetch(pipelines, shardOf, all, Math.min(i + 16, all.length), Math.min(i + 32, all.length));
                if (i % 48 == 0) {
                    lookAhead.prefetch(pipelines, shardOf, all, i, Math.min(i + 16, all.length));
                }
            }
            add(plainBatches, plain.apply(events.get(i), i));
            add(hintedBatches, hinted.apply(events.get(i), i));
        }
        add(plainBatches, plain.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, events.size()));
        add(hintedBatches, hinted.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, events.size()));
        assertEquals(plainBatches.size(), hintedBatches.size());
        for (int i = 0; i < plainBatches.size(); i++) {
            assertArrayEquals(plainBatches.get(i), hintedBatches.get(i), "batch " + i);
        }
        ShardCounters counters = plain.state().counters();
        assertTrue(counters.duplicatesDropped + counters.staleDropped > 0 && counters.tombstonesPurged > 0
                && counters.deletesOfAbsentKeys > 0 && counters.noopUpdates > 0, "the events cover every path: " + counters.asMap());
        assertArrayEquals(counters.toArray(), hinted.state().counters().toArray());
        assertEquals(plain.state().digest(), hinted.state().digest());
        plain.close();
        hinted.close();
    }

    /** A heap pipeline sealing every 500 changes whose tombstones are purged after 2 s of source time. */
    private static ShardPipeline hintedPipeline() {
        return new ShardPipeline(new ShardDeltaState(5, new InMemoryShardStateStore(), Integer.MAX_VALUE, Duration.ofSeconds(2)),
                new FlushPolicy(1000, 500, 1 << 20),
                new ShardBatchEncoder(new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)))), null,
                true);
    }

    private static void add(List<byte[]> batches, ShardPipeline.Sealed sealed) {
        if (sealed != null) {
            batches.add(sealed.batch().bytes());
        }
    }

    /** A pipeline over a heap store; {@code restored}: restored from a new pipeline's checkpoint first. */
    private static ShardPipeline heapPipeline(boolean rankKeys, boolean restored) {
        ShardPipeline p = new ShardPipeline(new ShardDeltaState(5, new InMemoryShardStateStore(), Integer.MAX_VALUE, Duration.ofHours(1)),
                new FlushPolicy(1000, 500, 1 << 20),
                new ShardBatchEncoder(new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)))), null,
                rankKeys);
        if (restored) {
            p.restore(ShardCheckpoint.decode(p.checkpoint().encode()));
        }
        return p;
    }

    private static List<byte[]> sealAll(ShardPipeline p, List<ChangeEvent> events) {
        List<byte[]> out = new ArrayList<>();
        long now = 0;
        for (ChangeEvent e : events) {
            ShardPipeline.Sealed s = p.apply(e, now++);
            if (s != null) {
                out.add(s.batch().bytes());
            }
        }
        ShardPipeline.Sealed last = p.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, now);
        if (last != null) {
            out.add(last.batch().bytes());
        }
        p.close();
        return out;
    }

    private static List<ChangeEvent> events(int n, long seed) {
        Random r = new Random(seed);
        List<ChangeEvent> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long id = r.nextInt(40);
            out.add(switch (r.nextInt(8)) {
                case 0 -> del(id, i);
                case 1 -> ins(id, i, r.nextInt(3), "x");
                default -> upd(id, i, r.nextInt(3), "y" + r.nextInt(2));
            });
        }
        return out;
    }

    /** Replays sealed batches strictly: sequence, digest before (where the version carries it), ops, digest after. */
    private static ReplicaShardState replay(List<byte[]> sealed) throws Exception {
        ReplicaShardState replica = new ReplicaShardState();
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            long seq = 0;
            for (byte[] b : sealed) {
                SealedBatch batch = reader.read(b, replica);
                assertEquals(seq++, batch.header().sequence());
                replica.beginBatch(batch.header().shard(), batch.header().sequence(), batch.header().digestVersion());
                if (batch.header().hasDigestBefore()) {
                    assertEquals(replica.digest(), StateDigest.fromBytes(batch.header().digestBefore(), 0));
                }
                replica.applyAll(batch.ops());
                assertEquals(replica.digest(), StateDigest.fromBytes(batch.header().digestAfter(), 0));
            }
        }
        return replica;
    }

    @Test
    void aBatchSealsOnTheCountTargetAndOnItsDeadline() {
        ShardPipeline p = pipeline(new HeapShardStateBytes(), 3);
        assertNull(p.apply(ins(1, 1, 0, "a"), 100));
        assertEquals(1100, p.deadline());
        assertNull(p.sealIfDue(1099));
        assertNull(p.apply(ins(2, 2, 0, "a"), 200));
        ShardPipeline.Sealed full = p.apply(ins(3, 3, 0, "a"), 300);
        assertNotNull(full);
        assertEquals(FlushPolicy.Reason.COUNT, full.reason());
        assertEquals(200, full.openMillis());
        assertNull(p.apply(ins(4, 4, 0, "a"), 400));
        ShardPipeline.Sealed late = p.sealIfDue(400 + 1000);
        assertNotNull(late);
        assertEquals(FlushPolicy.Reason.LATENCY, late.reason());
        assertEquals(1, late.batch().sequence());
        assertTrue(!p.isOpen());
    }

    @Test
    void atABarrierOnlyABatchWhoseBudgetRunsOutBeforeTheNextBarrierIsSealed() {
        ShardPipeline p = pipeline(new HeapShardStateBytes(), 1000);
        assertNull(p.sealIfDueBefore(5_000, 0), "nothing open, nothing sealed");
        assertNull(p.apply(ins(1, 1, 0, "a"), 100)); // budget 1,000 ms: due at 1,100
        assertNull(p.sealIfDueBefore(1_099, 300), "due after the next barrier: kept open in the checkpoint");
        assertTrue(p.isOpen());
        ShardPipeline.Sealed early = p.sealIfDueBefore(1_100, 300);
        assertNotNull(early, "due by the next barrier: sealed now, committed with this checkpoint");
        assertEquals(FlushPolicy.Reason.LATENCY, early.reason());
        assertEquals(200, early.openMillis());
        assertEquals(0, early.batch().sequence());
        assertTrue(!p.isOpen());
        assertNull(p.sealIfDue(1_100), "the batch's own deadline timer then finds nothing to seal");
    }

    @Test
    void aRunRestoredFromACheckpointContinuesTheSequenceAndDigestChainOfAnUninterruptedRun() throws Exception {
        List<ChangeEvent> events = events(3000, 11);
        // Uninterrupted.
        ShardPipeline whole = pipeline(new HeapShardStateBytes(), 50);
        List<byte[]> wholeBatches = new ArrayList<>();
        long now = 0;
        for (ChangeEvent e : events) {
            ShardPipeline.Sealed s = whole.apply(e, now++);
            if (s != null) {
                wholeBatches.add(s.batch().bytes());
            }
        }
        ShardPipeline.Sealed last = whole.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, now);
        if (last != null) {
            wholeBatches.add(last.batch().bytes());
        }

        // Checkpoint after 1234 events, then a new pipeline over the same stored bytes restores from it.
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        ShardPipeline first = pipeline(bytes, 50);
        List<byte[]> batches = new ArrayList<>();
        now = 0;
        for (ChangeEvent e : events.subList(0, 1234)) {
            ShardPipeline.Sealed s = first.apply(e, now++);
            if (s != null) {
                batches.add(s.batch().bytes());
            }
        }
        ShardPipeline.Sealed atBarrier = first.sealForCheckpoint(FlushPolicy.Reason.CHECKPOINT, now);
        if (atBarrier != null) {
            batches.add(atBarrier.batch().bytes());
        }
        byte[] checkpoint = first.checkpoint().encode();
        ShardPipeline second = pipeline(bytes, 50);
        second.restore(ShardCheckpoint.decode(checkpoint));
        for (ChangeEvent e : events.subList(1234, events.size())) {
            ShardPipeline.Sealed s = second.apply(e, now++);
            if (s != null) {
                batches.add(s.batch().bytes());
            }
        }
        ShardPipeline.Sealed end = second.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, now);
        if (end != null) {
            batches.add(end.batch().bytes());
        }

        ReplicaShardState a = replay(wholeBatches);
        ReplicaShardState b = replay(batches);
        assertEquals(a.rows(), b.rows());
        assertEquals(whole.state().digest(), second.state().digest());
        assertEquals(b.digest(), second.state().digest());
        assertEquals(whole.state().counters().asMap().get("applied_changes"), second.state().counters().asMap().get("applied_changes"));
    }

    /** Like {@link #events} with re-sent copies (duplicates) and older versions (stale) mixed in. */
    private static List<ChangeEvent> eventsWithReplays(int n, long seed) {
        List<ChangeEvent> fresh = events(n, seed);
        Random r = new Random(seed + 1);
        List<ChangeEvent> out = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            out.add(fresh.get(i));
            if (i > 10 && r.nextInt(10) == 0) {
                out.add(fresh.get(i - r.nextInt(10)));
            }
        }
        return out;
    }

    /**
     * Drives events [from, to) the way the operator does: before each event the deadline timer gets its
     * chance (at the event's clock time), then the event may seal on count or size.
     */
    private static void drive(ShardPipeline p, List<ChangeEvent> events, long[] clock, int from, int to, List<byte[]> out) {
        for (int i = from; i < to; i++) {
            ShardPipeline.Sealed due = p.sealIfDue(clock[i]);
            if (due != null) {
                out.add(due.batch().bytes());
            }
            ShardPipeline.Sealed s = p.apply(events.get(i), clock[i]);
            if (s != null) {
                out.add(s.batch().bytes());
            }
        }
    }

    @Test
    void aRunCheckpointedMidBatchAndRestoredSealsExactlyTheBytesOfAnUninterruptedRun() {
        List<ChangeEvent> events = eventsWithReplays(3000, 23);
        // Mostly 1 ms apart (batches seal on count), now and then 1.5 s of silence (they seal on the deadline).
        long[] clock = new long[events.size()];
        Random r = new Random(5);
        for (int i = 1; i < clock.length; i++) {
            clock[i] = clock[i - 1] + (r.nextInt(150) == 0 ? 1500 : 1);
        }
        long end = clock[clock.length - 1] + 1;
        Duration retention = Duration.ofSeconds(30); // versions are a second apart: tombstones get purged on the way

        ShardPipeline whole = pipeline(new HeapShardStateBytes(), 50, retention);
        List<byte[]> wholeBatches = new ArrayList<>();
        drive(whole, events, clock, 0, events.size(), wholeBatches);
        wholeBatches.add(whole.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, end).batch().bytes());

        // Checkpoint mid-batch at each cut; the run goes on for 100 more events whose batches are lost (a
        // failure), then a new pipeline restores the checkpoint's rows and progress and replays from the cut.
        int[] cuts = {1, 777, 1234, 2950};
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        ShardPipeline p = pipeline(bytes, 50, retention);
        List<byte[]> batches = new ArrayList<>();
        int at = 0;
        int openAtCuts = 0;
        for (int cut : cuts) {
            drive(p, events, clock, at, cut, batches);
            at = cut;
            byte[] checkpoint = p.checkpoint().encode();
            HeapShardStateBytes rows = bytes.copy();
            ShardCheckpoint decoded = ShardCheckpoint.decode(checkpoint);
            if (decoded.openBatch() != null) {
                openAtCuts++;
                assertEquals(p.state().openSourceChanges(), decoded.openBatch().sourceChanges());
            }
            drive(p, events, clock, cut, Math.min(cut + 100, events.size()), new ArrayList<>());
            p.close();
            bytes = rows;
            p = pipeline(bytes, 50, retention);
            p.restore(decoded);
        }
        drive(p, events, clock, at, events.size(), batches);
        batches.add(p.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, end).batch().bytes());

        assertEquals(cuts.length, openAtCuts, "every cut falls inside an open batch");
        assertTrue(whole.state().counters().tombstonesPurged > 0, "tombstones were purged during the run");
        assertEquals(wholeBatches.size(), batches.size(), "batch count");
        for (int i = 0; i < batches.size(); i++) {
            assertArrayEquals(wholeBatches.get(i), batches.get(i), "bytes of batch " + i);
        }
        assertEquals(whole.state().digest(), p.state().digest());
        assertEquals(whole.state().counters().asMap(), p.state().counters().asMap());
        whole.close();
        p.close();
    }

    @Test
    void theShippedBodyIsTheSmallerOfCoalescedAndStreamOrderedAndBothReplayToTheSameState() throws Exception {
        ShardPipeline p = pipeline(new HeapShardStateBytes(), 1_000_000);
        long now = 0;
        for (ChangeEvent e : events(500, 3)) {
            assertNull(p.apply(e, now++));
        }
        ShardPipeline.Sealed s = p.sealForCheckpoint(FlushPolicy.Reason.CHECKPOINT, now);
        assertTrue(s.batch().bytes().length <= s.batch().alternativeBytes(),
                s.batch().body() + " shipped with " + s.batch().bytes().length + " bytes, the other body had " + s.batch().alternativeBytes());
        assertEquals(p.state().digest(), replay(List.of(s.batch().bytes())).digest());
    }

    @Test
    void bothBodiesAreSealedOnlyOnProbeBatchesAndBetweenProbesTheLastWinnerShipsAlone() throws Exception {
        ShardPipeline p = pipeline(new HeapShardStateBytes(), 40);
        List<ShardBatchEncoder.Encoded> sealed = new ArrayList<>();
        long now = 0;
        for (ChangeEvent e : events(4000, 11)) {
            ShardPipeline.Sealed s = p.apply(e, now++);
            if (s != null) {
                sealed.add(s.batch());
            }
        }
        ShardPipeline.Sealed last = p.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, now);
        if (last != null) {
            sealed.add(last.batch());
        }

        long differing = 0;
        ShardBatchEncoder.Body winner = ShardBatchEncoder.Body.COALESCED;
        int probes = 0;
        int betweenProbes = 0;
        for (ShardBatchEncoder.Encoded b : sealed) {
            if (!b.bodiesDiffered()) {
                assertEquals(ShardBatchEncoder.Body.COALESCED, b.body());
                continue; // nothing coalesced: one body, one seal, not a probe
            }
            if (isProbe(differing)) {
                probes++;
                assertTrue(b.alternativeBytes() >= 0, "batch " + b.sequence() + " is a probe");
                assertTrue(b.bytes().length <= b.alternativeBytes(), "a probe ships the smaller body, batch " + b.sequence());
                winner = b.body();
            } else {
                betweenProbes++;
                assertEquals(-1, b.alternativeBytes(), "batch " + b.sequence() + " seals one body");
                assertEquals(winner, b.body(), "batch " + b.sequence() + " ships the last probe's winner");
            }
            differing++;
        }
        assertTrue(probes >= 3 && betweenProbes > probes, probes + " probes, " + betweenProbes + " batches between");
        List<byte[]> bytes = new ArrayList<>();
        sealed.forEach(b -> bytes.add(b.bytes()));
        assertEquals(p.state().digest(), replay(bytes).digest());
        p.close();
    }

    /**
     * One shard of a pgbench-like stream holds whole transactions; their stream-ordered body is the smaller
     * only in the plain v2 layout. The snapshot part (20 batches) settles the writer on the compact layout
     * first; a probe that compared the stream-ordered body at that layout never chose it (fails so).
     */
    @Test
    void aProbeComparesEachBodyAtItsOwnBetterLayoutSoTheStreamOrderedBodyCanWin() throws Exception {
        ShardPipeline p = pipeline(new HeapShardStateBytes(), 1000);
        io.snapdelta.ingest.DebeziumJsonParser parser = new io.snapdelta.ingest.DebeziumJsonParser();
        List<ShardBatchEncoder.Encoded> sealed = new ArrayList<>();
        long now = 0;
        for (byte[] line : new io.snapdelta.workload.PgbenchDebeziumWorkload(20000, 8000, 7).lines()) {
            ShardPipeline.Sealed s = p.apply(parser.parse(null, line), now++);
            if (s != null) {
                sealed.add(s.batch());
            }
        }
        ShardPipeline.Sealed last = p.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, now);
        if (last != null) {
            sealed.add(last.batch());
        }
        long streamOrdered = sealed.stream().filter(b -> b.body() == ShardBatchEncoder.Body.STREAM_ORDERED).count();
        assertTrue(streamOrdered > 0, "no batch of " + sealed.size() + " shipped the stream-ordered body");
        List<byte[]> bytes = new ArrayList<>();
        sealed.forEach(b -> bytes.add(b.bytes()));
        assertEquals(p.state().digest(), replay(bytes).digest());
        p.close();
    }

    private static boolean isProbe(long differingIndex) {
        return differingIndex < ShardBatchEncoder.FIRST_PROBES || differingIndex % ShardBatchEncoder.BODY_PROBE_INTERVAL == 0;
    }

    @Test
    void aCheckpointCarriesTheProbeStateAndOlderCheckpointsRestoreANewStreamsState() {
        ShardPipeline p = pipeline(new HeapShardStateBytes(), 40);
        long now = 0;
        for (ChangeEvent e : events(3000, 12)) {
            p.apply(e, now++);
        }
        ShardCheckpoint c = p.checkpoint();
        ShardBatchEncoder.ProbeState probe = p.encoder().probeState();
        assertTrue(probe.differingBatches() > ShardBatchEncoder.FIRST_PROBES && probe.layout().batches() > 0, probe.toString());
        byte[] v4 = c.encode();
        assertEquals(4, v4[0]);
        assertEquals(probe, ShardCheckpoint.decode(v4).probe());
        assertEquals(io.snapdelta.digest.DigestVersion.V2, ShardCheckpoint.decode(v4).progress().digest().version());
        // The same checkpoint as a build before v4 wrote it: version 3, without the digest version byte at the end.
        byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - 1);
        v3[0] = 3;
        assertEquals(probe, ShardCheckpoint.decode(v3).probe());
        assertEquals(io.snapdelta.digest.DigestVersion.V1, ShardCheckpoint.decode(v3).progress().digest().version(),
                "a checkpoint written before state digest v2 existed is of a shard on digest v1");
        byte[] badDigestVersion = v4.clone();
        badDigestVersion[v4.length - 1] = 3;
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> ShardCheckpoint.decode(badDigestVersion));

        // The same checkpoint as a build before v3 wrote it: version 2, without the 17 probe bytes at the end.
        byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 17);
        v2[0] = 2;
        ShardCheckpoint old = ShardCheckpoint.decode(v2);
        assertEquals(ShardBatchEncoder.ProbeState.INITIAL, old.probe());
        assertEquals(c.progress().nextSequence(), old.progress().nextSequence());

        byte[] badFlags = v3.clone();
        badFlags[v3.length - 17] = 4;
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ShardCheckpoint.decode(badFlags));
        assertTrue(e.getCause().getMessage().contains("unknown probe flags"), e.getCause().getMessage());
        p.close();
    }

    @Test
    void aRestoredStreamProbesOnTheSameBatchesAsAnUninterruptedOne() {
        List<ChangeEvent> events = events(4000, 13);
        List<String> whole = new ArrayList<>();
        ShardPipeline a = pipeline(new HeapShardStateBytes(), 40);
        for (int i = 0; i < events.size(); i++) {
            record(a.apply(events.get(i), i), whole);
        }

        HeapShardStateBytes bytes = new HeapShardStateBytes();
        ShardPipeline b = pipeline(bytes, 40);
        List<String> restored = new ArrayList<>();
        int cut = 2000;
        for (int i = 0; i < cut; i++) {
            record(b.apply(events.get(i), i), restored);
        }
        ShardCheckpoint c = ShardCheckpoint.decode(b.checkpoint().encode());
        b.close();
        ShardPipeline r = pipeline(bytes.copy(), 40);
        r.restore(c);
        for (int i = cut; i < events.size(); i++) {
            record(r.apply(events.get(i), i), restored);
        }
        assertTrue(whole.stream().anyMatch(x -> x.endsWith("/-1")) && whole.stream().anyMatch(x -> !x.endsWith("/-1")),
                "both probes and batches between probes: " + whole);
        assertEquals(whole, restored, "body, and whether both bodies were sealed, batch by batch");
        a.close();
        r.close();
    }

    /** One line per sealed batch: sequence, body, and -1 where only one body was sealed. */
    private static void record(ShardPipeline.Sealed s, List<String> out) {
        if (s != null) {
            out.add(s.batch().sequence() + " " + s.batch().body() + "/" + (s.batch().alternativeBytes() < 0 ? -1 : 0));
        }
    }

    private static ShardPipeline pipelineWritingFormat(ShardStateBytes bytes, int maxChanges, int formatVersion) {
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec());
        return new ShardPipeline(new ShardDeltaState(5, store, Integer.MAX_VALUE, Duration.ofHours(1)),
                new FlushPolicy(1000, maxChanges, 1 << 20),
                new ShardBatchEncoder(new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)), formatVersion)),
                store);
    }

    /** A new shard writes the current format, v4, with state digest v2; a writer of v3 makes a shard on digest v1. */
    @Test
    void aNewShardTakesTheDigestVersionOfItsWritersFormat() throws Exception {
        ShardPipeline current = pipeline(new HeapShardStateBytes(), 50);
        ShardPipeline v3 = pipelineWritingFormat(new HeapShardStateBytes(), 50, 3);
        assertEquals(io.snapdelta.digest.DigestVersion.V2, current.state().digestVersion());
        assertEquals(io.snapdelta.digest.DigestVersion.V1, v3.state().digestVersion());
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        long now = 0;
        for (ChangeEvent e : events(600, 21)) {
            ShardPipeline.Sealed x = current.apply(e, now);
            ShardPipeline.Sealed y = v3.apply(e, now++);
            if (x != null) {
                a.add(x.batch().bytes());
            }
            if (y != null) {
                b.add(y.batch().bytes());
            }
        }
        assertTrue(a.size() > 3 && a.size() == b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(4, a.get(i)[io.snapdelta.format.BatchLayout.VERSION_OFFSET]);
            assertEquals(3, b.get(i)[io.snapdelta.format.BatchLayout.VERSION_OFFSET]);
        }
        assertEquals(current.state().digest(), replay(a).digest());
        assertEquals(v3.state().digest(), replay(b).digest());
        assertEquals(io.snapdelta.digest.DigestVersion.V2, replay(a).digestVersion());
        assertEquals(io.snapdelta.digest.DigestVersion.V1, replay(b).digestVersion());
        org.junit.jupiter.api.Assertions.assertNotEquals(current.state().digest(), v3.state().digest(), "same rows, other entry hash");
        IllegalStateException fixed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> current.state().useDigestVersion(io.snapdelta.digest.DigestVersion.V1));
        assertTrue(fixed.getMessage().contains("for its life"), fixed.getMessage());
        current.close();
        v3.close();
    }

    /**
     * A shard checkpointed by a build before digest v2 (ShardCheckpoint v3, rows stored with v1 entry hashes) and
     * restored by a pipeline whose writer writes v4 continues on digest v1 and keeps writing format v3: the same
     * batches, byte for byte, as the old build's uninterrupted run, and a replica verifies the whole stream.
     */
    @Test
    void aShardRestoredFromACheckpointBeforeDigestV2KeepsDigestV1AndFormatV3() throws Exception {
        List<ChangeEvent> events = events(3000, 22);
        int cut = 1500;
        List<byte[]> uninterrupted = new ArrayList<>();
        ShardPipeline whole = pipelineWritingFormat(new HeapShardStateBytes(), 40, 3);
        for (int i = 0; i < events.size(); i++) {
            ShardPipeline.Sealed x = whole.apply(events.get(i), i);
            if (x != null) {
                uninterrupted.add(x.batch().bytes());
            }
        }
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        ShardPipeline old = pipelineWritingFormat(bytes, 40, 3);
        List<byte[]> stream = new ArrayList<>();
        for (int i = 0; i < cut; i++) {
            ShardPipeline.Sealed x = old.apply(events.get(i), i);
            if (x != null) {
                stream.add(x.batch().bytes());
            }
        }
        byte[] v4 = old.checkpoint().encode();
        old.close();
        byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - 1); // as the build before v4 wrote it
        v3[0] = 3;
        ShardPipeline restored = pipeline(bytes.copy(), 40); // a writer of the current format, v4
        assertEquals(4, restored.encoder().writer().formatVersion());
        restored.restore(ShardCheckpoint.decode(v3));
        assertEquals(io.snapdelta.digest.DigestVersion.V1, restored.state().digestVersion());
        assertEquals(3, restored.encoder().writer().formatVersion());
        for (int i = cut; i < events.size(); i++) {
            ShardPipeline.Sealed x = restored.apply(events.get(i), i);
            if (x != null) {
                stream.add(x.batch().bytes());
            }
        }
        assertEquals(uninterrupted.size(), stream.size());
        for (int i = 0; i < stream.size(); i++) {
            assertArrayEquals(uninterrupted.get(i), stream.get(i), "batch " + i);
        }
        assertEquals(restored.state().digest(), replay(stream).digest());
        assertEquals(io.snapdelta.digest.DigestVersion.V1, ShardCheckpoint.decode(restored.checkpoint().encode()).progress().digest().version());
        restored.close();
        whole.close();
    }

    /** A replica rejects a shard's stream whose digest version changes mid-stream, naming shard and sequence. */
    @Test
    void aReplicaRejectsAStreamWhoseDigestVersionChanges() throws Exception {
        ShardPipeline v3 = pipelineWritingFormat(new HeapShardStateBytes(), 50, 3);
        ShardPipeline v4 = pipeline(new HeapShardStateBytes(), 50);
        List<byte[]> old = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        long now = 0;
        for (ChangeEvent e : events(300, 23)) {
            ShardPipeline.Sealed x = v3.apply(e, now);
            ShardPipeline.Sealed y = v4.apply(e, now++);
            if (x != null) {
                old.add(x.batch().bytes());
            }
            if (y != null) {
                current.add(y.batch().bytes());
            }
        }
        List<byte[]> mixed = new ArrayList<>(old.subList(0, 2));
        mixed.add(current.get(2));
        StateDivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(StateDivergenceException.class, () -> replay(mixed));
        assertTrue(e.getMessage().contains("shard 5 batch 2") && e.getMessage().contains("V2") && e.getMessage().contains("V1"),
                e.getMessage());
        v3.close();
        v4.close();
    }
}
