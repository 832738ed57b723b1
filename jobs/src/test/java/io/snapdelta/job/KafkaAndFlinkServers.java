package io.snapdelta.job;

import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.LocalFlink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real servers most job ITCases share, one set per test class: an embedded Kafka broker and a Flink
 * MiniCluster (2 slots, RocksDB, with {@link RecordingMetricReporter}), both on 127.0.0.1 under one temp dir, and
 * what their tests share: producing capture lines and the sharded job's settings. A subclass adds servers in its own
 * {@code @BeforeAll} (run after this one) and stops them in its own {@code @AfterAll} (run before this one).
 */
abstract class KafkaAndFlinkServers {
    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker kafka;
    static LocalFlink flink;

    @BeforeAll
    static void startKafkaAndFlink() {
        kafka = EmbeddedKafkaBroker.start(dir, Map.of());
        flink = LocalFlink.start(dir, 2, RecordingMetricReporter.clusterConfiguration());
    }

    /** Appends {@code values} (no key) to partition 0 of {@code topic}, idempotently, and waits for the acks. */
    static void produce(String topic, List<byte[]> values) {
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

    /**
     * The sharded job's settings over topics {@code <name>.input}, {@code .dlq} and {@code .deltas} (Debezium JSON
     * in; dictionaries under the temp dir): small batches, a 50 ms latency budget and 300 ms checkpoints, so that
     * a few thousand changes make many batches and checkpoints.
     */
    static Map<String, String> shardedJobConfig(String name, int shards, boolean bounded) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        m.put("kafka.input-topics", name + ".input");
        m.put("kafka.input-format", "debezium-json");
        m.put("kafka.dead-letter-topic", name + ".dlq");
        m.put("kafka.transaction-timeout", "60s");
        m.put("kafka.transactional-id-prefix", name);
        m.put("deltas.topic", name + ".deltas");
        m.put("deltas.dictionary-location", dir.resolve(name + "-dictionaries").toUri().toString());
        m.put("shard.count", Integer.toString(shards));
        m.put("batch.max-changes", "400");
        m.put("batch.latency-budget", "50ms");
        m.put("job.input.bounded", Boolean.toString(bounded));
        m.put("job.input.starting-offsets", "earliest");
        m.put("job.checkpoint.interval", "300ms");
        return m;
    }

    @AfterAll
    static void stopKafkaAndFlink() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
