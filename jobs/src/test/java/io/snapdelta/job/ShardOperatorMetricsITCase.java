package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecDecision;
import io.snapdelta.codec.FileDictionaryStore;
import io.snapdelta.config.Configuration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The Flink metrics the job promises operators (infra/OPERATIONS.md): a bounded run over a pgbench slice with
 * injected duplicates, stale versions and one malformed record, on a MiniCluster whose metric reporter keeps every
 * snapdelta metric's value when its task ends; each is checked against what the input holds or against the
 * committed deltas topic, read back independently.
 */
class ShardOperatorMetricsITCase extends KafkaAndFlinkServers {
    private static final int SHARDS = 8;
    private static final int DELTA_PARTITIONS = 3;
    private static final String NAME = "metrics";

    @Test
    void theJobReportsItsCountsCodecChoiceAndSealLatencyAsFlinkMetrics() throws Exception {
        RecordingMetricReporter.FINAL_VALUES.clear(); // the reporter is the cluster's: only this run's values count
        kafka.createTopic(NAME + ".input", 1);
        kafka.createTopic(NAME + ".dlq", 1);
        kafka.createTopic(NAME + ".deltas", DELTA_PARTITIONS);
        CaptureSlice slice = CaptureSlice.of(2000, 3000, 40);
        List<byte[]> lines = new ArrayList<>(slice.lines);
        lines.add(7, "{\"payload\": not json".getBytes(StandardCharsets.UTF_8));
        produce(NAME + ".input", lines);

        Configuration config = Configuration.fromMap(shardedJobConfig(NAME, SHARDS, true));
        StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobExecutionResult result = env.executeAsync("metrics IT").getJobExecutionResult().get(3, TimeUnit.MINUTES);
        DeltasTopicReplay replay = DeltasTopicReplay.readCommitted(kafka.bootstrapServers(), NAME + ".deltas", DELTA_PARTITIONS,
                new FileDictionaryStore(dir.resolve(NAME + "-dictionaries")));

        // Ingest: every record counted once, the malformed one dead-lettered.
        assertEquals(lines.size(), ingest(IngestMetrics.EVENTS_IN));
        assertEquals(1, ingest(IngestMetrics.DEAD_LETTERS));
        assertEquals(lines.size() - 1, ingest(IngestMetrics.EVENTS_VALID));

        // Shard operators: what reached them, what they dropped, what they shipped.
        assertEquals(lines.size() - 1, shard(DeltaMetrics.EVENTS_IN));
        assertEquals(slice.duplicates, shard(DeltaMetrics.DUPLICATES_DROPPED), "duplicates the slice injected");
        assertEquals(slice.stale, shard(DeltaMetrics.STALE_DROPPED), "stale versions the slice injected");
        assertEquals((long) result.<Long>getAccumulatorResult(DeltaMetrics.ACC_NOOP_UPDATES), shard(DeltaMetrics.NOOP_UPDATES));
        long coalesced = shard(DeltaMetrics.COALESCED);
        assertTrue(coalesced > 0, "pgbench updates each teller and branch many times per batch: some changes coalesce");
        assertEquals((long) result.<Long>getAccumulatorResult(DeltaMetrics.ACC_COALESCED), coalesced);
        assertEquals(replay.batches, shard(DeltaMetrics.BATCHES), "batches committed to the deltas topic");
        assertEquals(replay.bytes, shard(DeltaMetrics.DELTA_BYTES), "bytes committed to the deltas topic");
        assertEquals(replay.batches, shard(DeltaMetrics.SEAL_LATENCY_MS), "one seal latency per batch");
        // State look-ups: metrics and accumulators agree; tellers and branches, changed again and again, hit the cache.
        long hits = shard(DeltaMetrics.STATE_CACHE_HITS);
        assertTrue(hits > 0, "state cache hits " + hits);
        assertEquals((long) result.<Long>getAccumulatorResult(DeltaMetrics.ACC_STATE_CACHE_HITS), hits);
        assertEquals((long) result.<Long>getAccumulatorResult(DeltaMetrics.ACC_STATE_READS), shard(DeltaMetrics.STATE_READS));
        assertEquals((long) result.<Long>getAccumulatorResult(DeltaMetrics.ACC_STATE_READS_SKIPPED),
                shard(DeltaMetrics.STATE_READS_SKIPPED));
        assertTrue(shard(DeltaMetrics.STATE_READS_SKIPPED) > 0, "new keys are answered by the written-keys filter");

        // Gauges, one value per subtask.
        Set<String> codecs = gauges(DeltaMetrics.CODEC);
        assertFalse(codecs.isEmpty(), "codec gauges");
        assertTrue(codecs.stream().allMatch(c -> c.matches("(none|zstd|zstd-dict)-\\d+")), "codec gauges: " + codecs);
        Set<String> reasons = Arrays.stream(CodecDecision.Reason.values())
                .map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> reported = gauges(DeltaMetrics.CODEC_REASON);
        assertFalse(reported.isEmpty(), "codecReason gauges");
        assertTrue(reasons.containsAll(reported), "codecReason gauges: " + reported);
        for (Object v : RecordingMetricReporter.finalValues(DeltaMetrics.GROUP, DeltaMetrics.SUBGROUP, DeltaMetrics.BYTES_PER_CHANGE)) {
            double perChange = ((Number) v).doubleValue();
            assertTrue(perChange > 0 && perChange < 1000, "bytesPerChange " + perChange);
        }
        for (String dictionaryCount : List.of(DeltaMetrics.DICTIONARY_TRAININGS, DeltaMetrics.DICTIONARIES_PUBLISHED,
                DeltaMetrics.DICTIONARY_ATTEMPTS_SCREENED_OUT)) {
            assertFalse(RecordingMetricReporter.finalValues(DeltaMetrics.GROUP, DeltaMetrics.SUBGROUP, dictionaryCount).isEmpty(),
                    dictionaryCount + " is reported");
        }
        assertTrue(shard(DeltaMetrics.DICTIONARIES_PUBLISHED) <= shard(DeltaMetrics.DICTIONARY_TRAININGS),
                "every published dictionary was trained");
    }

    private static long ingest(String name) {
        return RecordingMetricReporter.finalSum(IngestMetrics.GROUP, IngestMetrics.SUBGROUP, name);
    }

    private static long shard(String name) {
        return RecordingMetricReporter.finalSum(DeltaMetrics.GROUP, DeltaMetrics.SUBGROUP, name);
    }

    private static Set<String> gauges(String name) {
        return RecordingMetricReporter.finalValues(DeltaMetrics.GROUP, DeltaMetrics.SUBGROUP, name).stream()
                .map(String::valueOf).collect(Collectors.toSet());
    }
}
