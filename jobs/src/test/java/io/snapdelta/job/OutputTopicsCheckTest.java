package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.KafkaOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.junit.jupiter.api.Test;

class OutputTopicsCheckTest {

    @Test
    void eachNamingMapsToTheConnectorsStrategyOfTheSameName() {
        for (KafkaOptions.TransactionNaming n : KafkaOptions.TransactionNaming.values()) {
            assertEquals(n.name(), OutputTopicsCheck.strategy(n).name());
        }
        assertEquals(TransactionNamingStrategy.POOLING, OutputTopicsCheck.strategy(KafkaOptions.TransactionNaming.POOLING));
    }

    @Test
    void everySinkSerializerNamesItsTopicAsPoolingRequires() {
        for (KafkaDatasetFacetProvider p : List.<KafkaDatasetFacetProvider>of(new DeltaRecordSerializationSchema("t"),
                new DeadLetterSerializationSchema("t"), new ValidEventSerializationSchema("t"))) {
            var id = (DefaultKafkaDatasetIdentifier) p.getKafkaDatasetFacet().orElseThrow().getTopicIdentifier();
            assertEquals(List.of("t"), id.getTopics(), p.getClass().getSimpleName());
        }
    }

    @Test
    void brokersThatDoNotAnswerFailTheCheckWithinItsTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Configuration config = Configuration.fromMap(Map.of("kafka.bootstrap-servers", "127.0.0.1:" + port, "kafka.input-topics", "x"));
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OutputTopicsCheck.requireOutputTopics(config, Duration.ofSeconds(2)));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("the Kafka brokers 127.0.0.1:" + port + " did not answer within 2 s"), e.getMessage());
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    @Test
    void incrementingDoesNotLook() {
        OutputTopicsCheck.requireOutputTopics(Configuration.fromMap(Map.of("kafka.bootstrap-servers", "127.0.0.1:1",
                "kafka.input-topics", "x", "kafka.transaction-naming", "incrementing")), Duration.ofSeconds(1));
    }
}
