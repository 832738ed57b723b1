package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.InputFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
    @Test
    void topicsWithoutOverrideCarryTheDefaultFormatInTopicOrder() {
        Configuration c = Configuration.fromMap(Map.of(
                "kafka.input-topics", "a,b,c",
                "kafka.input-format", "snapdelta-json",
                "job.input.topic-formats", "c:snapdelta-avro, a:debezium-json"));
        assertEquals(Map.of("a", InputFormat.DEBEZIUM_JSON, "b", InputFormat.SNAPDELTA_JSON, "c", InputFormat.SNAPDELTA_AVRO),
                JobOptions.topicFormats(c));
        assertEquals(java.util.List.of("a", "b", "c"), java.util.List.copyOf(JobOptions.topicFormats(c).keySet()));
    }

    @Test
    void overrideForATopicThatIsNotAnInputIsRejectedNamingIt() {
        Configuration c = Configuration.fromMap(Map.of("kafka.input-topics", "orders", "job.input.topic-formats", "order:snapdelta-avro"));
        ConfigException e = assertThrows(ConfigException.class, () -> JobOptions.topicFormats(c));
        assertEquals("job.input.topic-formats", e.key());
        assertTrue(e.getMessage().contains("'order' is not one of kafka.input-topics [orders]"), e.getMessage());
    }

    @Test
    void malformedOrUnknownOrDuplicateTopicFormatsAreRejected() {
        for (String bad : new String[] {"orders", "orders:", ":json", "orders:protobuf", "a:debezium-json,a:snapdelta-json"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> JobOptions.INPUT_TOPIC_FORMATS.parse(bad), bad);
            assertTrue(e.getMessage().contains("job.input.topic-formats"), e.getMessage());
        }
    }

    @Test
    void transactionTimeoutMustOutliveTwoCheckpointIntervals() {
        JobOptions.checkTransactionTimeout(Configuration.fromMap(Map.of("kafka.transaction-timeout", "2s", "job.checkpoint.interval", "1s")));
        ConfigException e = assertThrows(ConfigException.class, () -> JobOptions.checkTransactionTimeout(
                Configuration.fromMap(Map.of("kafka.transaction-timeout", "90s", "job.checkpoint.interval", "1min"))));
        assertEquals("kafka.transaction-timeout", e.key());
        assertTrue(e.getMessage().contains("twice job.checkpoint.interval (1min)"), e.getMessage());
    }
}
