package io.snapdelta.config;

import io.snapdelta.ingest.InputFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Flink job's own options (inputs, dead letters, checkpointing, sinks). Kafka connection options
 * (bootstrap servers, security pass-through) live in {@link KafkaOptions}.
 */
public final class JobOptions {
    private JobOptions() {
    }

    public static final ConfigOption<String> JOB_NAME = ConfigOption.key("job.name")
            .stringType().defaultValue("snapdelta").validator(Validators.nonEmpty())
            .description("Name of the Flink job as shown by the Flink UI and CLI.");

    public static final ConfigOption<List<String>> INPUT_TOPICS = ConfigOption.key("input.topics")
            .stringListType().noDefaultValue().validator(JobOptions::checkTopics)
            .description("Comma-separated Kafka topics of change events to read. Each gets its own source "
                    + "and parse operator (uids source-<topic>, parse-<topic>).");

    public static final ConfigOption<InputFormat> INPUT_FORMAT = ConfigOption.key("input.format")
            .enumType(InputFormat.class, InputFormat::id).defaultValue(InputFormat.DEBEZIUM_JSON)
            .description("Format of every input topic not listed in input.topic-formats.");

    public static final ConfigOption<List<String>> INPUT_TOPIC_FORMATS = ConfigOption.key("input.topic-formats")
            .stringListType().defaultValue(List.of()).validator(JobOptions::checkTopicFormats)
            .description("Per-topic input format overrides, comma-separated topic:format pairs, e.g. "
                    + "'orders:snapdelta-avro,users:debezium-json'.");

    public static final ConfigOption<StartingOffsets> INPUT_STARTING_OFFSETS = ConfigOption.key("input.starting-offsets")
            .enumType(StartingOffsets.class, StartingOffsets::id).defaultValue(StartingOffsets.COMMITTED)
            .description("Where a source starts when the job starts without a checkpoint or savepoint: "
                    + "'committed' (the consumer group's committed offsets, earliest where there are none), "
                    + "'earliest' or 'latest'. A restore always resumes from the checkpointed offsets.");

    public static final ConfigOption<Boolean> INPUT_BOUNDED = ConfigOption.key("input.bounded")
            .booleanType().defaultValue(false)
            .description("Stop each source at the topic's end offsets as of job start, so the job finishes "
                    + "by itself once that input is drained (the final checkpoint commits the sinks). "
                    + "For replays and `bin/snapdelta local`; a production job runs unbounded.");

    public static final ConfigOption<String> INPUT_GROUP_ID = ConfigOption.key("input.group-id")
            .stringType().defaultValue("snapdelta").validator(Validators.nonEmpty())
            .description("Kafka consumer group id of the sources. Offsets are committed to it on every "
                    + "completed checkpoint (for monitoring lag only: the job restores from its checkpoints).");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOption.key("dead-letter.topic")
            .stringType().defaultValue("snapdelta.dead-letters").validator(Validators.nonEmpty())
            .description("Topic that receives every input record that cannot be parsed or validated: the "
                    + "original key and value bytes untouched, with __snapdelta.errors.* headers naming the "
                    + "source topic, partition, offset, format, error class, field path and reason.");

    public static final ConfigOption<String> VALID_EVENTS_TOPIC = ConfigOption.key("valid-events.topic")
            .stringType().defaultValue("")
            .description("Optional topic receiving every valid change event re-encoded as snapdelta JSON, "
                    + "exactly once. Empty (the default) disables it; valid events are then counted only.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOption.key("sink.transactional-id-prefix")
            .stringType().defaultValue("snapdelta").validator(Validators.nonEmpty())
            .description("Prefix of the Kafka transactional ids of the exactly-once sinks; each sink appends "
                    + "its own suffix (-dlq, -events). Must be unique per job deployment on a cluster: two "
                    + "jobs sharing a prefix fence each other's transactions.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOption.key("sink.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10)).validator(Validators.positiveDuration())
            .description("transaction.timeout.ms of the exactly-once sinks. Must not exceed the brokers' "
                    + "transaction.max.timeout.ms (default 15 min; the producer is refused otherwise) and must "
                    + "exceed checkpoint.interval plus the time a checkpoint takes, or the broker aborts "
                    + "transactions that Flink still means to commit. Flink's own default (1 h) is above the "
                    + "broker default, hence ours.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(1)).validator(Validators.positiveDuration())
            .description("Checkpoint interval. Exactly-once output becomes visible to read_committed consumers "
                    + "only when a checkpoint completes, so this bounds end-to-end latency.");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOption.key("checkpoint.dir")
            .stringType().defaultValue("")
            .description("Checkpoint storage URI (e.g. s3://bucket/chk, file:///var/chk). Empty: whatever "
                    + "the Flink cluster is configured with (execution.checkpointing.dir).");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.key("parallelism")
            .intType().defaultValue(0).validator(Validators.atLeast(0))
            .description("Parallelism of the job's operators; 0 keeps the cluster's or the CLI's (-p) default.");

    /** Every option of this class, in declaration order, for the options reference and the registry. */
    public static List<ConfigOption<?>> all() {
        return List.of(JOB_NAME, INPUT_TOPICS, INPUT_FORMAT, INPUT_TOPIC_FORMATS, INPUT_STARTING_OFFSETS,
                INPUT_BOUNDED, INPUT_GROUP_ID, DEAD_LETTER_TOPIC, VALID_EVENTS_TOPIC, TRANSACTIONAL_ID_PREFIX,
                TRANSACTION_TIMEOUT, CHECKPOINT_INTERVAL, CHECKPOINT_DIR, PARALLELISM);
    }

    /** Where a source starts without a checkpoint. */
    public enum StartingOffsets {
        COMMITTED("committed"), EARLIEST("earliest"), LATEST("latest");

        private final String id;

        StartingOffsets(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * The input format of each input topic, in {@link #INPUT_TOPICS} order: the per-topic override, else
     * {@link #INPUT_FORMAT}. Rejects overrides for topics that are not inputs (almost always a typo).
     */
    public static Map<String, InputFormat> topicFormats(Configuration config) {
        List<String> topics = config.get(INPUT_TOPICS);
        InputFormat fallback = config.get(INPUT_FORMAT);
        Map<String, InputFormat> overrides = parseTopicFormats(config.get(INPUT_TOPIC_FORMATS));
        for (String t : overrides.keySet()) {
            if (!topics.contains(t)) {
                throw new ConfigException(INPUT_TOPIC_FORMATS.key(), String.join(",", config.get(INPUT_TOPIC_FORMATS)),
                        "topic '" + t + "' is not one of " + INPUT_TOPICS.key() + " " + topics);
            }
        }
        Map<String, InputFormat> out = new LinkedHashMap<>();
        for (String t : topics) {
            out.put(t, overrides.getOrDefault(t, fallback));
        }
        return out;
    }

    /**
     * Checks the transaction timeout against the checkpoint interval: a transaction stays open for at
     * least one interval, so a shorter timeout makes the broker abort what Flink will try to commit.
     */
    public static void checkTransactionTimeout(Configuration config) {
        Duration timeout = config.get(TRANSACTION_TIMEOUT);
        Duration interval = config.get(CHECKPOINT_INTERVAL);
        if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
            throw new ConfigException(TRANSACTION_TIMEOUT.key(), OptionType.formatDuration(timeout),
                    "must be at least twice " + CHECKPOINT_INTERVAL.key() + " (" + OptionType.formatDuration(interval)
                    + ") so a transaction outlives the checkpoint that commits it");
        }
    }

    private static Map<String, InputFormat> parseTopicFormats(List<String> pairs) {
        Map<String, InputFormat> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair + "' is not topic:format");
            }
            String topic = pair.substring(0, colon).trim();
            InputFormat format = InputFormat.fromId(pair.substring(colon + 1).trim());
            if (out.put(topic, format) != null) {
                throw new IllegalArgumentException("topic '" + topic + "' is listed twice");
            }
        }
        return out;
    }

    private static String checkTopicFormats(List<String> pairs) {
        try {
            parseTopicFormats(pairs);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String checkTopics(List<String> topics) {
        if (topics.isEmpty()) {
            return "at least one topic is required";
        }
        if (topics.stream().distinct().count() != topics.size()) {
            return "a topic is listed twice";
        }
        for (String t : topics) {
            // Kafka's own rule (Topic.validate): legal characters, at most 249 of them.
            if (!t.matches("[a-zA-Z0-9._-]{1,249}") || t.equals(".") || t.equals("..")) {
                return "'" + t + "' is not a legal Kafka topic name";
            }
        }
        return null;
    }
}
