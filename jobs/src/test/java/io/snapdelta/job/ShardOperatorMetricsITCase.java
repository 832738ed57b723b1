package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecDecision;
import io.snapdelta.codec.FileDictionaryStore;
import io.snapdelta.config.Configuration;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.LocalFlink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink metrics the job promises operators (infra/OPERATIONS.md): a bounded run over a pgbench slice with
 * injected duplicates, stale versions and one malformed record, on a MiniCluster whose metric reporter keeps every
 * snapdelta metric's value when its task ends; each is checked against what the input holds or against the
 * committed deltas topic, read back independently.
 */
class ShardOperatorMetricsITCase {
    private static final int SHARDS = 8;
    private static final int DELTA_PARTITIONS = 3;
    private static final String NAME = "metrics";

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker kafka;
    static LocalFlink flink;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.start(dir, Map.of());
        flink = LocalFlink.start(dir, 2, RecordingMetricReporter.clusterConfiguration());
    }

    @AfterAll
    static void stop() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theJobReportsItsCountsCodecChoiceAndSealLatencyAsFlinkMetrics() throws Exception {
        kafka.createTopic(NAME + ".input", 1);
        kafka.createTopic(NAME + ".dlq", 1);
        kafka.createTopic(NAME + ".deltas", DELTA_PARTITIONS);
        CaptureSlice slice = CaptureSlice.of(2000, 3000, 40);
        List<byte[]> lines = new ArrayList<>(slice.lines);
        lines.add(7, "{\"payload\": not json".getBytes(StandardCharsets.UTF_8));
        produce(NAME + ".input", lines);

        Configuration config = Configuration.fromMap(config());
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

    private static Map<String, String> config() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        m.put("kafka.input-topics", NAME + ".input");
        m.put("kafka.input-format", "debezium-json");
        m.put("kafka.dead-letter-topic", NAME + ".dlq");
        m.put("kafka.transaction-timeout", "60s");
        m.put("kafka.transactional-id-prefix", NAME);
        m.put("deltas.topic", NAME + ".deltas");
        m.put("deltas.dictionary-location", dir.resolve(NAME + "-dictionaries").toUri().toString());
        m.put("shard.count", Integer.toString(SHARDS));
        m.put("batch.max-changes", "400");
        m.put("batch.latency-budget", "50ms");
        m.put("job.input.bounded", "true");
        m.put("job.input.starting-offsets", "earliest");
        m.put("job.checkpoint.interval", "300ms");
        return m;
    }

    private static void produce(String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, 0, null, v));
            }
            producer.flush();
        }
    }
}
