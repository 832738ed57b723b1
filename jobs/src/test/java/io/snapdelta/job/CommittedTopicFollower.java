package io.snapdelta.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a topic from its beginning as a consumer does in production: read_committed, every partition, each
 * record handed once, in offset order per partition, to a handler (e.g. {@link DeltasTopicReplay#accept}).
 * {@link #awaitUntil} waits on the broker (the consumer's poll), not on a clock: it returns as soon as the
 * records committed so far make the condition true, and fails when the bound runs out.
 */
final class CommittedTopicFollower implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(250);
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private long records;

    CommittedTopicFollower(String bootstrapServers, String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this.topic = topic;
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Records handed to the handler so far. */
    long records() {
        return records;
    }

    /** Polls and handles committed records until {@code condition} holds; fails after {@code timeout}. */
    void awaitUntil(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " following " + topic + " (" + records
                        + " committed records read) waiting for " + what);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                handler.accept(r);
                records++;
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
