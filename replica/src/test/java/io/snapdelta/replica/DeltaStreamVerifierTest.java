package io.snapdelta.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.format.BatchLayout;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import io.snapdelta.replica.CommittedDeltas.Rec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier against a real (embedded) Kafka broker: batches produced Flink-free by the per-shard
 * producer logic, committed in Kafka transactions the way the job commits them, read back with
 * read_committed. Each way a stream can be wrong is injected and must be reported as exactly that.
 */
class DeltaStreamVerifierTest {
    private static final int SHARDS = 4;
    private static final int PARTITIONS = 3;
    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static EmbeddedKafkaBroker kafka;
    private static ProducedStream stream;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.start();
        stream = ProducedStream.produce(SHARDS, 3000, 300, 50, 42);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void cleanStreamReplaysToTheProducersRowsAndDigestsForEveryShard() {
        String topic = topicWith(stream.batches.stream().map(CommittedDeltas::record).toList());
        VerificationReport report = verify(topic, null);

        assertTrue(report.clean(), report.toText());
        assertEquals(List.of(), report.compareWith(stream.finals));
        assertEquals(stream.batches.size(), report.batches());
        for (int s = 0; s < SHARDS; s++) {
            ShardReport r = report.shard(s);
            assertEquals(stream.batchCount(s) - 1, r.lastSequence());
            assertEquals(stream.finals.get(s).digest(), r.finalDigest());
            assertEquals(0, r.duplicates() + r.gaps() + r.corruptBatches() + r.digestMismatches());
            assertNull(r.stopReason());
        }
        assertEquals(stream.rows, replayedRows(topic, null));
    }

    @Test
    void aSubsetOfShardsIsReadAndReportedAlone() {
        String topic = topicWith(stream.batches.stream().map(CommittedDeltas::record).toList());
        VerificationReport report = verify(topic, Set.of(1, 3));

        assertEquals(List.of(1, 3), report.shards().stream().map(ShardReport::shard).toList());
        assertTrue(report.clean(), report.toText());
        assertEquals(List.of(), report.compareWith(stream.finals));
        assertEquals(stream.batchCount(1) + stream.batchCount(3), report.batches());
    }

    @Test
    void duplicateBatchIsCountedSkippedAndNeverAppliedTwice() {
        ProducedStream.Sealed again = stream.batch(2, 3);
        List<Rec> records = new ArrayList<>();
        for (ProducedStream.Sealed b : stream.batches) {
            records.add(CommittedDeltas.record(b));
            if (b.shard() == 2 && b.sequence() == 5) {
                records.add(CommittedDeltas.record(again));
            }
        }
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(2);
        assertEquals(1, r.duplicates());
        assertEquals(0, r.conflictingDuplicates());
        assertTrue(r.clean(), report.toText());
        assertEquals(stream.batchCount(2), r.batches());
        assertEquals(List.of(), report.compareWith(stream.finals), "a duplicate applied twice would change the digest");
    }

    @Test
    void gapStopsThatShardAloneAndIsReportedWithTheMissingSequence() {
        List<Rec> records = stream.batches.stream().filter(b -> !(b.shard() == 0 && b.sequence() == 4))
                .map(CommittedDeltas::record).toList();
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(0);
        assertEquals(1, r.gaps());
        assertEquals(3, r.lastSequence());
        assertEquals(4, r.batches());
        // The batch after the gap stops the shard; the rest of the shard's batches are only counted.
        assertEquals(stream.batchCount(0) - 6, r.ignoredAfterStop());
        assertEquals(ProblemKind.GAP, r.problems().get(0).kind());
        assertEquals(5, r.problems().get(0).sequence());
        assertTrue(r.stopReason().contains("expected sequence 4, got 5"), r.stopReason());
        assertEquals(1, report.gaps());
        assertEquals(1, report.compareWith(stream.finals).size(), report.compareWith(stream.finals).toString());
        for (int s = 1; s < SHARDS; s++) {
            assertTrue(report.shard(s).clean(), "a broken shard must not block the others: " + report.toText());
        }
    }

    @Test
    void corruptCopyIsReportedAndTheIntactCopyAfterItStillApplies() {
        ProducedStream.Sealed victim = stream.batch(1, 2);
        List<Rec> records = new ArrayList<>();
        for (ProducedStream.Sealed b : stream.batches) {
            if (b == victim) {
                records.add(new Rec(b.shard(), flipBodyByte(b.bytes())));
            }
            records.add(CommittedDeltas.record(b));
        }
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(1);
        assertEquals(1, r.corruptBatches());
        assertEquals(0, r.gaps());
        assertEquals(ProblemKind.CORRUPT, r.problems().get(0).kind());
        assertTrue(r.problems().get(0).detail().startsWith("CHECKSUM_MISMATCH"), r.problems().get(0).detail());
        assertEquals(stream.finals.get(1).digest(), r.finalDigest());
        assertFalse(report.clean());
    }

    @Test
    void corruptOnlyCopyIsReportedAndTheNextBatchShowsTheGap() {
        ProducedStream.Sealed victim = stream.batch(3, 1);
        List<Rec> records = stream.batches.stream()
                .map(b -> b == victim ? new Rec(b.shard(), flipBodyByte(b.bytes())) : CommittedDeltas.record(b)).toList();
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(3);
        assertEquals(1, r.corruptBatches());
        assertEquals(1, r.gaps());
        assertEquals(0, r.lastSequence());
        assertEquals(List.of(ProblemKind.CORRUPT, ProblemKind.GAP), r.problems().stream().map(Problem::kind).toList());
    }

    @Test
    void digestAfterThatTheReplicaDoesNotReachIsAMismatchAndStopsTheShard() {
        ProducedStream.Sealed victim = stream.batch(2, 6);
        byte[] lying = ProducedStream.withDigestByteChanged(victim.bytes(), BatchLayout.digestAfterOffset(victim.bytes()) + 7);
        List<Rec> records = stream.batches.stream().map(b -> b == victim ? new Rec(b.shard(), lying) : CommittedDeltas.record(b)).toList();
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(2);
        assertEquals(1, r.digestMismatches());
        assertEquals(0, r.corruptBatches(), "the checksum is intact: it is the chain that breaks");
        assertEquals(ProblemKind.DIGEST_MISMATCH, r.problems().get(0).kind());
        assertEquals(6, r.problems().get(0).sequence());
        assertTrue(r.stopReason().contains("digest after"), r.stopReason());
        assertEquals(5, r.lastSequence());
    }

    @Test
    void digestBeforeThatDiffersFromTheReplicaIsAMismatchBeforeAnythingIsApplied() {
        // Only format v2 and older carry the digest before (v3's is the previous batch's digest after).
        ProducedStream v2 = ProducedStream.produce(SHARDS, 3000, 300, 50, 42, BatchLayout.FORMAT_VERSION_2);
        ProducedStream.Sealed victim = v2.batch(0, 2);
        byte[] sealed = victim.bytes();
        byte[] lying = ProducedStream.withDigestByteChanged(sealed, BatchLayout.digestAfterOffset(sealed) - BatchLayout.DIGEST_LENGTH);
        List<Rec> records = v2.batches.stream().map(b -> b == victim ? new Rec(b.shard(), lying) : CommittedDeltas.record(b)).toList();
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(0);
        assertEquals(1, r.digestMismatches());
        assertTrue(r.stopReason().contains("digest before"), r.stopReason());
        assertEquals(1, r.lastSequence());
    }

    /** Every format version's stream verifies (v1-v3 carry state digest v1, v4 digest v2). */
    @Test
    void streamsOfEveryFormatVersionVerify() {
        for (int version = 1; version <= BatchLayout.NEWEST_FORMAT_VERSION; version++) {
            ProducedStream p = ProducedStream.produce(SHARDS, 2000, 200, 50, 43, version);
            VerificationReport report = verify(topicWith(p.batches.stream().map(CommittedDeltas::record).toList()), null);
            for (int s = 0; s < SHARDS; s++) {
                ShardReport r = report.shard(s);
                assertEquals(null, r.stopReason(), "format v" + version + " shard " + s);
                assertEquals(p.finals.get(s).digest(), r.finalDigest(), "format v" + version + " shard " + s);
            }
        }
    }

    /** A shard whose batches switch from format v3 (digest v1) to v4 (digest v2) mid-stream stops there, named. */
    @Test
    void aShardWhoseDigestVersionChangesMidStreamStops() {
        ProducedStream v3 = ProducedStream.produce(SHARDS, 3000, 300, 50, 42, BatchLayout.FORMAT_VERSION_3);
        ProducedStream v4 = ProducedStream.produce(SHARDS, 3000, 300, 50, 42, BatchLayout.FORMAT_VERSION_4);
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < v3.batches.size(); i++) {
            ProducedStream.Sealed b = v3.batches.get(i);
            records.add(CommittedDeltas.record(b.shard() == 0 && b.sequence() >= 2 ? v4.batch(0, b.sequence()) : b));
        }
        ShardReport r = verify(topicWith(records), null).shard(0);
        assertEquals(ProblemKind.DIGEST_MISMATCH, r.problems().get(0).kind());
        assertEquals(2, r.problems().get(0).sequence());
        assertTrue(r.stopReason().contains("shard 0 batch 2 carries state digest V2"), r.stopReason());
        assertEquals(1, r.lastSequence());
    }

    @Test
    void duplicateSequenceWithOtherBytesIsAConflictingDuplicate() {
        ProducedStream.Sealed first = stream.batch(3, 2);
        byte[] other = ProducedStream.withDigestByteChanged(first.bytes(), BatchLayout.digestAfterOffset(first.bytes()));
        List<Rec> records = new ArrayList<>();
        for (ProducedStream.Sealed b : stream.batches) {
            records.add(CommittedDeltas.record(b));
            if (b == first) {
                records.add(new Rec(3, other));
            }
        }
        VerificationReport report = verify(topicWith(records), null);

        ShardReport r = report.shard(3);
        assertEquals(1, r.duplicates());
        assertEquals(1, r.conflictingDuplicates());
        assertEquals(stream.finals.get(3).digest(), r.finalDigest());
    }

    @Test
    void batchesOfAnAbortedTransactionAreNeverRead() {
        String topic = CommittedDeltas.freshTopicWith(kafka, "deltas-" + TOPICS.incrementAndGet(), PARTITIONS, (p, name) -> {
            p.beginTransaction();
            // Garbage that would break every shard if read: a shifted copy of shard 0's second batch.
            p.send(CommittedDeltas.producerRecord(name, PARTITIONS, new Rec(0, stream.batch(0, 1).bytes())));
            p.flush();
            p.abortTransaction();
            CommittedDeltas.commit(p, name, PARTITIONS, stream.batches.stream().map(CommittedDeltas::record).toList());
        });
        VerificationReport report = verify(topic, null);
        assertTrue(report.clean(), report.toText());
        assertEquals(List.of(), report.compareWith(stream.finals));
    }

    @Test
    void waitingForASettledEndFailsNamingTheTopicWhileATransactionIsOpen() {
        CommittedDeltas.freshTopicWith(kafka, "deltas-" + TOPICS.incrementAndGet(), PARTITIONS, (p, topic) -> {
            try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(kafka.bootstrapServers(), topic, Duration.ofMillis(500))) {
                p.beginTransaction();
                p.send(CommittedDeltas.producerRecord(topic, PARTITIONS, new Rec(0, stream.batch(0, 0).bytes())));
                p.flush();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.awaitSettledEnd(reader.partitionsOf(null)));
                assertTrue(e.getMessage().contains(topic) && e.getMessage().contains("transaction still open"), e.getMessage());
                p.commitTransaction();
                reader.awaitSettledEnd(reader.partitionsOf(null)); // settles once committed
            }
        });
    }

    @Test
    void readStopsAtTheGivenEndOffsets() {
        String topic = topicWith(stream.batches.stream().map(CommittedDeltas::record).toList());
        Map<Integer, Long> stops = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            stops.put(p, 5L);
        }
        List<String> all = new ArrayList<>();
        List<String> upToStops = new ArrayList<>();
        try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(kafka.bootstrapServers(), topic, IDLE)) {
            reader.read(reader.endOffsets(reader.partitionsOf(null)), r -> all.add(r.partition() + "@" + r.offset()));
        }
        try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(kafka.bootstrapServers(), topic, IDLE)) {
            reader.read(stops, r -> upToStops.add(r.partition() + "@" + r.offset()));
        }
        assertEquals(stream.batches.size(), all.size());
        // Offsets count transaction markers too, so compare with the full read's records below the stops.
        // Partitions interleave in any order; within one partition the order is the offsets'.
        List<String> expected = all.stream().filter(k -> Long.parseLong(k.substring(k.indexOf('@') + 1)) < 5).sorted().toList();
        assertFalse(expected.isEmpty());
        assertEquals(expected, upToStops.stream().sorted().toList());
    }

    @Test
    void recordWithoutAShardKeyIsReportedAsMisrouted() {
        List<Rec> records = new ArrayList<>(stream.batches.stream().map(CommittedDeltas::record).toList());
        records.add(new Rec(-1, stream.batch(0, 0).bytes()));
        VerificationReport report = verify(topicWith(records), null);
        assertEquals(1, report.unattributed().size());
        assertEquals(ProblemKind.MISROUTED, report.unattributed().get(0).kind());
        assertFalse(report.clean());
        assertEquals(List.of(), report.compareWith(stream.finals));
    }

    // --- helpers ---

    static byte[] flipBodyByte(byte[] sealed) {
        byte[] b = sealed.clone();
        b[BatchLayout.bodyOffset(sealed) + 3] ^= 0x01;
        return b;
    }

    private static String topicWith(List<Rec> records) {
        return CommittedDeltas.topicWith(kafka, "deltas-" + TOPICS.incrementAndGet(), PARTITIONS, records);
    }

    private static VerificationReport verify(String topic, Set<Integer> shards) {
        try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(kafka.bootstrapServers(), topic, IDLE);
             DeltaStreamVerifier verifier = shards == null
                     ? DeltaStreamVerifier.allShards(SHARDS, DeltaFormatOptions.defaults(), new InMemoryDictionaryStore())
                     : new DeltaStreamVerifier(shards, DeltaFormatOptions.defaults(), new InMemoryDictionaryStore())) {
            return reader.verify(verifier);
        }
    }

    private static Map<Integer, Map<TableKey, Row>> replayedRows(String topic, Set<Integer> shards) {
        try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(kafka.bootstrapServers(), topic, IDLE);
             DeltaStreamVerifier verifier = DeltaStreamVerifier.allShards(SHARDS, DeltaFormatOptions.defaults(),
                     new InMemoryDictionaryStore())) {
            reader.verify(verifier);
            Map<Integer, Map<TableKey, Row>> out = new HashMap<>();
            verifier.replicas().forEach((s, st) -> out.put(s, new HashMap<>(st.rows())));
            return out;
        }
    }
}
