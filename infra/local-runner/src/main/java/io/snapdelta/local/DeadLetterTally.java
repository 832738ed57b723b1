package io.snapdelta.local;

import io.snapdelta.ingest.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts what is really in the dead-letter topic: every committed record (read_committed, so records of
 * aborted transactions, e.g. from a failed attempt before a restore, are not counted), by error class as
 * its {@value DeadLetter#CLASS} header says.
 */
record DeadLetterTally(long total, Map<String, Long> byClass) {

    static DeadLetterTally read(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "snapdelta-local-dlq-tally");
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> byClass = new TreeMap<>();
        long total = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed, endOffsets is the last stable offset: everything committed so far.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out after " + timeout + " reading dead-letter topic " + topic
                            + " up to " + end + " (counted " + total + " so far)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    total++;
                    Header h = r.headers().lastHeader(DeadLetter.CLASS);
                    String cls = h == null ? "(no " + DeadLetter.CLASS + " header)" : new String(h.value(), StandardCharsets.UTF_8);
                    byClass.merge(cls, 1L, Long::sum);
                }
            }
        }
        return new DeadLetterTally(total, byClass);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
