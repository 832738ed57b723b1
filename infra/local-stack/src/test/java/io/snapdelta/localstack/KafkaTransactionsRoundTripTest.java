package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker is a real transactional Kafka: commit and abort markers work end to end. */
class KafkaTransactionsRoundTripTest {
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker(@TempDir Path dir) {
        kafka = EmbeddedKafkaBroker.start(dir, Map.of());
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void readCommittedConsumerSeesOnlyCommittedTransactionsAndReadUncommittedSeesAll() {
        String topic = "tx-round-trip";
        kafka.createTopic(topic, 1);

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "round-trip-tx");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofSeconds(30).toMillis());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "c1"));
            producer.send(new ProducerRecord<>(topic, "k", "c2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "a1"));
            producer.flush(); // a1 is physically in the log before the abort marker
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "c3"));
            producer.commitTransaction();
        }

        assertEquals(List.of("c1", "c2", "c3"), readAll(topic, "read_committed", 3));
        assertEquals(List.of("c1", "c2", "a1", "c3"), readAll(topic, "read_uncommitted", 4));
    }

    @Test
    void brokerDataLivesInItsOwnDirectoryUnderTheGivenParent(@TempDir Path parent) {
        EmbeddedKafkaBroker other = EmbeddedKafkaBroker.start(parent, Map.of("transaction.max.timeout.ms", "120000"));
        Path dataDir = other.dataDir();
        try {
            assertTrue(dataDir.startsWith(parent), dataDir + " is not under " + parent);
            assertTrue(Files.exists(dataDir.resolve("log").resolve("meta.properties")), "storage was not formatted");
            assertEquals(Duration.ofMinutes(2), other.transactionMaxTimeout());
        } finally {
            other.close();
        }
        assertFalse(Files.exists(dataDir), "close() must delete " + dataDir);
        other.close(); // idempotent
    }

    private static List<String> readAll(String topic, String isolation, int expected) {
        return KafkaTopicReader.readValues(kafka.bootstrapServers(), topic, isolation, expected,
                Duration.ofSeconds(30), Duration.ofMillis(500));
    }
}
