package io.snapdelta.job;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.KafkaOptions;
import io.snapdelta.config.OutputTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The Kafka side of the job's transaction naming: the connector's strategy for {@code kafka.transaction-naming},
 * the topic facet the serializers expose (pooling lists open transactions on it), and the submission check that
 * every output topic exists ({@link OutputTopics} holds which topics and the message; this is the thin Admin call).
 */
final class OutputTopicsCheck {
    /** Bound of the whole check: brokers that do not answer within it fail the submission with a clear error. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private OutputTopicsCheck() {
    }

    static TransactionNamingStrategy strategy(KafkaOptions.TransactionNaming naming) {
        return switch (naming) {
            case POOLING -> TransactionNamingStrategy.POOLING;
            case INCREMENTING -> TransactionNamingStrategy.INCREMENTING;
        };
    }

    static KafkaDatasetFacet facet(String topic) {
        return new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic)));
    }

    /**
     * With pooling, fails (IllegalStateException, {@link OutputTopics#problemMessage}) unless every output topic
     * exists and is visible to the job's principal; with incrementing does nothing. One Admin client with the job's
     * client properties (they can hold secrets: never logged), every call bounded by {@link #TIMEOUT}.
     */
    static void requireOutputTopics(Configuration config) {
        requireOutputTopics(config, TIMEOUT);
    }

    static void requireOutputTopics(Configuration config, Duration timeout) {
        if (config.get(KafkaOptions.TRANSACTION_NAMING) != KafkaOptions.TransactionNaming.POOLING) {
            return;
        }
        List<OutputTopics.Topic> topics = OutputTopics.of(config);
        String where = String.join(",", config.get(KafkaOptions.BOOTSTRAP_SERVERS));
        Map<String, Object> props = new HashMap<>(KafkaOptions.clientProperties(config));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 15_000));
        List<OutputTopics.Topic> missing = new ArrayList<>();
        List<OutputTopics.Topic> notAuthorized = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = Admin.create(props);
        try {
            DescribeTopicsResult described = admin.describeTopics(topics.stream().map(OutputTopics.Topic::name).distinct().toList());
            Map<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> byName = described.topicNameValues();
            for (OutputTopics.Topic t : topics) {
                try {
                    byName.get(t.name()).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add(t);
                    } else if (e.getCause() instanceof TopicAuthorizationException) {
                        notAuthorized.add(t);
                    } else if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                        throw unreachable(where, timeout, e.getCause());
                    } else {
                        throw new IllegalStateException("Cannot check that output topic '" + t.name() + "' (" + t.option()
                                + ") exists on " + where + ": " + e.getCause(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw unreachable(where, timeout, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the output topics on " + where, e);
        } finally {
            admin.close(Duration.ofSeconds(1)); // not the default close, which waits for calls to brokers that never answered
        }
        String problem = OutputTopics.problemMessage(where, missing, notAuthorized);
        if (!problem.isEmpty()) {
            throw new IllegalStateException(problem);
        }
    }

    private static IllegalStateException unreachable(String where, Duration timeout, Throwable cause) {
        return new IllegalStateException("Cannot check that the output topics exist (" + KafkaOptions.TRANSACTION_NAMING.key()
                + " is 'pooling'): the Kafka brokers " + where + " did not answer within " + timeout.toSeconds()
                + " s. Check kafka.bootstrap-servers, the network and the security settings.", cause);
    }
}
