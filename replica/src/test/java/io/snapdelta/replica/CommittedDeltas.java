package io.snapdelta.replica;

import io.snapdelta.localstack.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes delta records into a topic of a real broker the way the job's exactly-once sink does
 * (schemas/deltas-topic-v1.md): keyed by the 4-byte big-endian shard, partition = shard mod partitions, in
 * Kafka transactions of a few records each, as checkpoints would commit them.
 */
final class CommittedDeltas {
    /** A record to commit: the shard it is keyed by (-1: a 2-byte key, which no shard claims) and its value. */
    record Rec(int shard, byte[] value) {
    }

    private CommittedDeltas() {
    }

    static Rec record(ProducedStream.Sealed b) {
        return new Rec(b.shard(), b.bytes());
    }

    /** Attempts of {@link #freshTopicWith}, each on a fresh topic with a fresh producer. */
    private static final int ATTEMPTS = 3;

    /** What a test writes with a transactional producer into a topic it just created. */
    @FunctionalInterface
    interface TransactionalWrites {
        void write(KafkaProducer<byte[], byte[]> producer, String topic);
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions, commits {@code records} into it in order and returns
     * the topic's name once every commit is readable; see {@link #freshTopicWith}.
     */
    static String topicWith(EmbeddedKafkaBroker kafka, String topic, int partitions, List<Rec> records) {
        return freshTopicWith(kafka, topic, partitions, (p, name) -> commit(p, name, partitions, records));
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions, runs {@code writes} on it with a new transactional
     * producer, waits until its committed records are readable and returns the topic's name. A transactional produce
     * to a topic created a moment before can fail on the embedded broker with {@link InvalidTxnStateException} (the
     * partition leader's check with the transaction coordinator that the partition was added to the transaction,
     * KIP-890), which is fatal to the producer: seen in CI in session 25. Then the fixture starts over on a new topic
     * ({@code <topic>-attempt-2}, ...) with a new producer, so no test reads a topic whose records were only partly
     * written; the caller uses the name returned.
     */
    static String freshTopicWith(EmbeddedKafkaBroker kafka, String topic, int partitions, TransactionalWrites writes) {
        for (int attempt = 1; ; attempt++) {
            String name = attempt == 1 ? topic : topic + "-attempt-" + attempt;
            kafka.createTopic(name, partitions);
            try (KafkaProducer<byte[], byte[]> p = transactional(kafka)) {
                writes.write(p, name);
            } catch (InvalidTxnStateException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                System.err.println("CommittedDeltas: writing into " + name + " failed (" + e.getMessage() + "); starting over on a new topic");
                continue;
            }
            awaitSettled(kafka, name);
            return name;
        }
    }

    /** Waits until every committed record of {@code topic} is readable (its last commit's markers landed). */
    static void awaitSettled(EmbeddedKafkaBroker kafka, String topic) {
        try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(kafka.bootstrapServers(), topic, Duration.ofSeconds(30))) {
            reader.awaitSettledEnd(reader.partitionsOf(null));
        }
    }

    /** Commits in transactions of a few records each, as checkpoints would. */
    static void commit(KafkaProducer<byte[], byte[]> p, String topic, int partitions, List<Rec> records) {
        for (int i = 0; i < records.size(); i += 7) {
            p.beginTransaction();
            for (Rec r : records.subList(i, Math.min(records.size(), i + 7))) {
                p.send(producerRecord(topic, partitions, r));
            }
            p.commitTransaction();
        }
    }

    static ProducerRecord<byte[], byte[]> producerRecord(String topic, int partitions, Rec r) {
        byte[] key = r.shard() < 0 ? new byte[] {0, 1}
                : new byte[] {(byte) (r.shard() >>> 24), (byte) (r.shard() >>> 16), (byte) (r.shard() >>> 8), (byte) r.shard()};
        int partition = Math.floorMod(Math.max(0, r.shard()), partitions);
        return new ProducerRecord<>(topic, partition, key, r.value());
    }

    static KafkaProducer<byte[], byte[]> transactional(EmbeddedKafkaBroker kafka) {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "verifier-test-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }
}
