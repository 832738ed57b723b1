package io.snapdelta.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Kafka topics the job writes to, and what to say when some of them are missing at submission. With
 * {@code kafka.transaction-naming=pooling} the connector's sinks list, at every start, the open transactions of
 * the producers on their output topics; a topic that does not exist fails that listing and the job restart-loops,
 * so the job's {@code main} checks first (the Kafka call itself is in the jobs module) and fails with
 * {@link #problemMessage}. No Kafka and no Flink here, so the wording is unit-tested.
 */
public final class OutputTopics {

    /** One output topic: its name, the option that names it, and how to create it. */
    public record Topic(String name, String option, String howToCreate) {
    }

    private OutputTopics() {
    }

    /** The dead-letter topic, the deltas topic and, when set, the valid-events topic, in that order. */
    public static List<Topic> of(Configuration config) {
        List<Topic> topics = new ArrayList<>();
        topics.add(new Topic(config.get(KafkaOptions.DEAD_LETTER_TOPIC), KafkaOptions.DEAD_LETTER_TOPIC.key(),
                "any partition count (the broker picks the partition of each dead letter)"));
        int shards = config.get(ShardOptions.SHARDS);
        topics.add(new Topic(config.get(DeltaOptions.TOPIC), DeltaOptions.TOPIC.key(),
                "P partitions with 1 <= P <= " + shards + " (" + ShardOptions.SHARDS.key() + "): shard s is written to "
                        + "partition s mod P (schemas/deltas-topic-v1.md), so more than " + shards + " partitions stay empty; "
                        + "bin/snapdelta local uses min(" + ShardOptions.SHARDS.key() + ", 4) = " + Math.min(shards, 4)));
        String events = config.get(JobOptions.VALID_EVENTS_TOPIC);
        if (!events.isEmpty()) {
            topics.add(new Topic(events, JobOptions.VALID_EVENTS_TOPIC.key(),
                    "any partition count (records are keyed by table and key, so each key's changes stay in order)"));
        }
        return topics;
    }

    /**
     * Why the job cannot start with pooling transaction naming: each missing topic named with the option that
     * names it and how to create it, each topic the job's principal may not describe, and the alternative. Empty
     * when both lists are empty. {@code where} names the cluster (the bootstrap servers: never a secret).
     */
    public static String problemMessage(String where, Collection<Topic> missing, Collection<Topic> notAuthorized) {
        if (missing.isEmpty() && notAuthorized.isEmpty()) {
            return "";
        }
        StringBuilder m = new StringBuilder();
        m.append(KafkaOptions.TRANSACTION_NAMING.key()).append(" is '").append(KafkaOptions.TransactionNaming.POOLING.id())
                .append("': at every start the job's exactly-once sinks list the open transactions on their output topics, "
                        + "so every output topic must exist before the job starts, and the job's Kafka principal needs Describe "
                        + "and Read on them (plus the DescribeProducers and ListTransactions admin calls).");
        if (!missing.isEmpty()) {
            m.append(missing.size() == 1 ? " This output topic does not exist on " : " These output topics do not exist on ")
                    .append(where).append(": ").append(names(missing)).append(". Create ")
                    .append(missing.size() == 1 ? "it" : "them").append(" first: ")
                    .append(missing.stream().map(t -> "'" + t.name() + "' with " + t.howToCreate()).collect(Collectors.joining("; ")))
                    .append('.');
        }
        if (!notAuthorized.isEmpty()) {
            m.append(" The job's principal may not describe ").append(names(notAuthorized))
                    .append(" on ").append(where).append(": grant it Describe and Read on ")
                    .append(notAuthorized.size() == 1 ? "that topic." : "those topics.");
        }
        m.append(" Or run with --").append(KafkaOptions.TRANSACTION_NAMING.key()).append(' ')
                .append(KafkaOptions.TransactionNaming.INCREMENTING.id())
                .append(" (a new transactional id per checkpoint per sink subtask, each kept by the brokers for "
                        + "transactional.id.expiration.ms, 7 days by default; no listing, so topics may be created by the first "
                        + "write where the brokers auto-create topics). A job that has run with pooling cannot switch back to "
                        + "incrementing.");
        return m.toString();
    }

    private static String names(Collection<Topic> topics) {
        return topics.stream().map(t -> "'" + t.name() + "' (" + t.option() + ")").collect(Collectors.joining(", "));
    }
}
