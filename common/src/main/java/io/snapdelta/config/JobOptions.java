package io.snapdelta.config;

import io.snapdelta.ingest.InputFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Flink job's own options: per-topic formats, where sources start and whether they stop, the optional
 * valid-events topic, checkpointing and parallelism. Input topics, the dead-letter topic, the transactional
 * producer settings and the Kafka client settings are {@link KafkaOptions}.
 */
public final class JobOptions {
    private JobOptions() {
    }

    public static final ConfigOption<String> JOB_NAME = ConfigOption.key("job.name")
            .stringType().defaultValue("snapdelta").validator(Validators.nonEmpty())
            .description("Name of the Flink job as shown by the Flink UI and CLI.");

    public static final ConfigOption<List<String>> INPUT_TOPIC_FORMATS = ConfigOption.key("job.input.topic-formats")
            .stringListType().defaultValue(List.of()).validator(JobOptions::checkTopicFormats)
            .description("Per-topic input format overrides, comma-separated topic:format pairs, e.g. "
                    + "'orders:snapdelta-avro,users:debezium-json'. Topics not listed carry kafka.input-format.");

    public static final ConfigOption<StartingOffsets> INPUT_STARTING_OFFSETS = ConfigOption.key("job.input.starting-offsets")
            .enumType(StartingOffsets.class, StartingOffsets::id).defaultValue(StartingOffsets.COMMITTED)
            .description("Where a source starts when the job starts without a checkpoint or savepoint: "
                    + "'committed' (the consumer group's committed offsets, earliest where there are none), "
                    + "'earliest' or 'latest'. A restore always resumes from the checkpointed offsets.");

    public static final ConfigOption<Boolean> INPUT_BOUNDED = ConfigOption.key("job.input.bounded")
            .booleanType().defaultValue(false)
            .description("Stop each source at the topic's end offsets as of job start, so the job finishes "
                    + "by itself once that input is drained (the final checkpoint commits the sinks). "
                    + "For replays and `bin/snapdelta local`; a production job runs unbounded.");

    public static final ConfigOption<String> VALID_EVENTS_TOPIC = ConfigOption.key("job.valid-events-topic")
            .stringType().defaultValue("")
            .description("Optional topic receiving every valid change event re-encoded as snapdelta JSON, "
                    + "exactly once. Empty (the default) disables it; valid events are then counted only.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.key("job.checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(1)).validator(Validators.positiveDuration())
            .description("Checkpoint interval. Exactly-once output becomes visible to read_committed consumers "
                    + "only when a checkpoint completes, so this bounds end-to-end latency.");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOption.key("job.checkpoint.dir")
            .stringType().defaultValue("")
            .description("Checkpoint storage URI (e.g. s3://bucket/chk, file:///var/chk). Empty: whatever "
                    + "the Flink cluster is configured with (execution.checkpointing.dir).");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.key("job.parallelism")
            .intType().defaultValue(0).validator(Validators.atLeast(0))
            .description("Parallelism of the job's operators; 0 keeps the cluster's or the CLI's (-p) default.");

    public static final ConfigOption<Boolean> STATE_BLOOM_FILTER = ConfigOption.key("job.state.bloom-filter")
            .booleanType().defaultValue(true)
            .description("Bloom filters in the job's RocksDB state files (Flink's state.backend.rocksdb.use-bloom-filter, "
                    + "10 bits per key, set in the job's configuration). The shard operator looks up the stored row of every "
                    + "change, and the keys of inserts and snapshot reads are absent: a filter answers those without reading "
                    + "data blocks. false leaves it to the cluster's configuration (Flink's default: no filter).");

    public static final ConfigOption<List<String>> STATE_COMPRESSION_PER_LEVEL = ConfigOption.key("job.state.compression-per-level")
            .stringListType().defaultValue(List.of("none", "none", "lz4")).validator(JobOptions::checkCompressionPerLevel)
            .description("Block compression of the job's RocksDB state files per LSM level, level 0 first, the last entry "
                    + "also for the deeper levels (Flink's state.backend.rocksdb.compression.per.level, set in the job's "
                    + "configuration); each one of " + String.join(", ", StateCompression.ids()) + ". Every checkpoint "
                    + "flushes the memtables into new level-0 files that are soon compacted into level 1, so those two levels "
                    + "are rewritten over and over: the default leaves them uncompressed (Flink's default, snappy on every "
                    + "level, cost several times the RocksDB CPU, docs/benchmark-log.md) and uses lz4 for the colder deeper "
                    + "levels. Uncompressed files make incremental checkpoints larger. Empty: the cluster's setting.");

    public static final ConfigOption<StateCompactionStyle> STATE_COMPACTION_STYLE = ConfigOption.key("job.state.compaction-style")
            .enumType(StateCompactionStyle.class, StateCompactionStyle::id).defaultValue(StateCompactionStyle.UNIVERSAL)
            .description("Compaction style of the job's RocksDB state (Flink's state.backend.rocksdb.compaction.style, set in "
                    + "the job's configuration): 'universal' (the default), 'level' (RocksDB's and Flink's default) or "
                    + "'cluster' (the cluster's setting). Every checkpoint flushes the memtables into new level-0 files; with "
                    + "a large state whose updated keys are spread over the whole key space, each level-0 to level-1 "
                    + "compaction under 'level' rewrites most of level 1, and that background work competes with the shard "
                    + "tasks. 'universal' merges sorted runs of similar size instead: less rewriting (in three alternating pairs "
                    + "on a 1M-account capture RocksDB's background threads took 1.5-2.6x less CPU, docs/benchmark-log.md "
                    + "\"Session 20\"), up to about twice the disk space before a full merge. A checkpoint or savepoint "
                    + "taken under either style restores under the other.");

    public static final ConfigOption<Integer> STATE_COMPACTION_TRIGGER = ConfigOption.key("job.state.compaction-trigger")
            .intType().defaultValue(8).validator(Validators.between(0, 19))
            .description("Sorted runs (under universal compaction; level-0 files under level compaction) at which the job's "
                    + "RocksDB starts a compaction (RocksDB's level0_file_num_compaction_trigger, set by the job's options "
                    + "factory io.snapdelta.job.RocksDbTuning through Flink's state.backend.rocksdb.options-factory). Every "
                    + "checkpoint flushes a new small run, so RocksDB's default of 4 merges runs every few checkpoints; each "
                    + "merge costs the compaction thread's CPU and drops the merged files' blocks from the block cache. With "
                    + "8 and job.state.max-size-amplification-percent 400, on a 2M-account capture, compaction read and wrote "
                    + "about half the bytes and more of the reads hit the block cache (docs/benchmark-log.md \"Session 33\"); a "
                    + "read may check up to this many runs' Bloom filters. Below RocksDB's write slow-down at 20 runs. 0: "
                    + "RocksDB's default (4).");

    public static final ConfigOption<Integer> STATE_MAX_SIZE_AMPLIFICATION_PERCENT =
            ConfigOption.key("job.state.max-size-amplification-percent")
            .intType().defaultValue(400).validator(Validators.between(0, 10_000))
            .description("Under universal compaction, the job's RocksDB rewrites all its sorted runs into one once the newer "
                    + "runs together exceed this percentage of the oldest one (RocksDB's max_size_amplification_percent, set "
                    + "by the job's options factory io.snapdelta.job.RocksDbTuning). RocksDB's default, 200, rewrites a growing "
                    + "state every time it triples; 400 every time it quintuples. Cost: a state whose newer runs are mostly "
                    + "overwrites of older rows takes up to 1 + this/100 times its live size on local disk (and in the "
                    + "retained checkpoint) before the rewrite. 0: RocksDB's default.");

    public static final ConfigOption<Integer> STATE_FLUSH_THREADS = ConfigOption.key("job.state.flush-threads")
            .intType().defaultValue(4).validator(Validators.between(0, 64))
            .description("Memtable flushes each RocksDB instance of the job may run at once (RocksDB's max_background_flushes, "
                    + "set by the job's options factory io.snapdelta.job.RocksDbTuning through Flink's "
                    + "state.backend.rocksdb.options-factory). Every checkpoint flushes each column family with new writes, "
                    + "and the shard operator's synchronous checkpoint part waits for those flushes, which mostly wait for "
                    + "fdatasync; with RocksDB's default split of Flink's 2 background jobs only one flush runs at a time, on a "
                    + "pool all RocksDB instances of the TaskManager share. Compactions stay at one at a time. 0: RocksDB's default. "
                    + "The job's options factory replaces one the cluster configures (state.backend.rocksdb.options-factory) "
                    + "unless this, job.state.compaction-trigger and job.state.max-size-amplification-percent are all 0.");

    /** RocksDB block compressions {@link #STATE_COMPRESSION_PER_LEVEL} accepts (mapped to Flink's names in the job). */
    public enum StateCompression {
        NONE("none"), SNAPPY("snappy"), LZ4("lz4"), LZ4HC("lz4hc"), ZSTD("zstd"), ZLIB("zlib");

        private final String id;

        StateCompression(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static StateCompression fromId(String id) {
            for (StateCompression c : values()) {
                if (c.id.equals(id.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("'" + id.trim() + "' is not one of " + ids());
        }

        static List<String> ids() {
            return java.util.Arrays.stream(values()).map(StateCompression::id).toList();
        }
    }

    /** {@link #STATE_COMPRESSION_PER_LEVEL} of {@code config}, level 0 first; empty: the cluster's setting. */
    public static List<StateCompression> stateCompressionPerLevel(Configuration config) {
        return config.get(STATE_COMPRESSION_PER_LEVEL).stream().map(StateCompression::fromId).toList();
    }

    private static String checkCompressionPerLevel(List<String> levels) {
        for (int i = 0; i < levels.size(); i++) {
            try {
                StateCompression.fromId(levels.get(i));
            } catch (IllegalArgumentException e) {
                return "level " + i + ": " + e.getMessage();
            }
        }
        return null;
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
     * The input format of each input topic, in {@link KafkaOptions#INPUT_TOPICS} order: the per-topic override, else
     * {@link KafkaOptions#INPUT_FORMAT}. Rejects overrides for topics that are not inputs (almost always a typo).
     */
    public static Map<String, InputFormat> topicFormats(Configuration config) {
        List<String> topics = config.get(KafkaOptions.INPUT_TOPICS);
        InputFormat fallback = config.get(KafkaOptions.INPUT_FORMAT);
        Map<String, InputFormat> overrides = parseTopicFormats(config.get(INPUT_TOPIC_FORMATS));
        for (String t : overrides.keySet()) {
            if (!topics.contains(t)) {
                throw new ConfigException(INPUT_TOPIC_FORMATS.key(), String.join(",", config.get(INPUT_TOPIC_FORMATS)),
                        "topic '" + t + "' is not one of " + KafkaOptions.INPUT_TOPICS.key() + " " + topics);
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
        Duration timeout = config.get(KafkaOptions.TRANSACTION_TIMEOUT);
        Duration interval = config.get(CHECKPOINT_INTERVAL);
        if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
            throw new ConfigException(KafkaOptions.TRANSACTION_TIMEOUT.key(), OptionType.formatDuration(timeout),
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

    /** Values of {@link #STATE_COMPACTION_STYLE}; the job maps each but {@code CLUSTER} to RocksDB's style of the same name. */
    public enum StateCompactionStyle {
        UNIVERSAL("universal"), LEVEL("level"), CLUSTER("cluster");

        private final String id;

        StateCompactionStyle(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
