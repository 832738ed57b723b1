package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTopicsTest {

    private static Configuration config(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--kafka.bootstrap-servers", "b1:9092", "--kafka.input-topics", "cdc"));
        all.addAll(List.of(args));
        return ConfigLoader.forRegistry().load(null, all);
    }

    @Test
    void theOutputTopicsAreTheDeadLettersTheDeltasAndTheValidEventsWhenSet() {
        assertEquals(List.of("snapdelta.dead-letters", "snapdelta.deltas"),
                OutputTopics.of(config()).stream().map(OutputTopics.Topic::name).toList());
        List<OutputTopics.Topic> all = OutputTopics.of(config("--kafka.dead-letter-topic", "dl", "--deltas.topic", "d",
                "--job.valid-events-topic", "ev"));
        assertEquals(List.of("dl", "d", "ev"), all.stream().map(OutputTopics.Topic::name).toList());
        assertEquals(List.of("kafka.dead-letter-topic", "deltas.topic", "job.valid-events-topic"),
                all.stream().map(OutputTopics.Topic::option).toList());
    }

    @Test
    void theMessageNamesEachMissingTopicWhatToCreateAndTheAlternative() {
        List<OutputTopics.Topic> topics = OutputTopics.of(config("--deltas.topic", "x.deltas", "--shard.count", "16",
                "--job.valid-events-topic", "x.events"));
        String m = OutputTopics.problemMessage("b1:9092", List.of(topics.get(1), topics.get(2)), List.of());
        assertTrue(m.startsWith("kafka.transaction-naming is 'pooling': "), m);
        assertTrue(m.contains("These output topics do not exist on b1:9092: 'x.deltas' (deltas.topic), 'x.events' (job.valid-events-topic)."), m);
        assertTrue(m.contains("'x.deltas' with P partitions with 1 <= P <= 16 (shard.count)"), m);
        assertTrue(m.contains("schemas/deltas-topic-v1.md"), m);
        assertTrue(m.contains("min(shard.count, 4) = 4"), m);
        assertTrue(m.contains("'x.events' with any partition count"), m);
        assertFalse(m.contains("snapdelta.dead-letters"), "only missing topics are named: " + m);
        assertTrue(m.contains("Or run with --kafka.transaction-naming incrementing"), m);
        assertFalse(m.contains("may not describe"), m);
    }

    @Test
    void oneMissingTopicIsNamedInTheSingularAndAnUnauthorizedOneAsksForPermissions() {
        List<OutputTopics.Topic> topics = OutputTopics.of(config("--shard.count", "2"));
        String m = OutputTopics.problemMessage("b1:9092", List.of(topics.get(1)), List.of(topics.get(0)));
        assertTrue(m.contains("This output topic does not exist on b1:9092: 'snapdelta.deltas' (deltas.topic). Create it first: "
                + "'snapdelta.deltas' with P partitions with 1 <= P <= 2 (shard.count)"), m);
        assertTrue(m.contains("The job's principal may not describe 'snapdelta.dead-letters' (kafka.dead-letter-topic) on b1:9092: "
                + "grant it Describe and Read on that topic."), m);
    }

    @Test
    void nothingMissingIsNoMessage() {
        assertEquals("", OutputTopics.problemMessage("b1:9092", List.of(), List.of()));
    }

    @Test
    void transactionNamingDefaultsToPoolingAndAcceptsIncrementing() {
        assertEquals(KafkaOptions.TransactionNaming.POOLING, config().get(KafkaOptions.TRANSACTION_NAMING));
        assertEquals(KafkaOptions.TransactionNaming.INCREMENTING,
                config("--kafka.transaction-naming", "incrementing").get(KafkaOptions.TRANSACTION_NAMING));
    }
}
