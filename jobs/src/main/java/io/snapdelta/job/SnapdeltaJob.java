package io.snapdelta.job;

import io.snapdelta.config.ConfigLoader;
import io.snapdelta.config.ConfigOption;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaOptions;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.JobOptions;
import io.snapdelta.config.KafkaOptions;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardingVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapdelta Flink job: reads every input topic, parses and validates each record in the topic's
 * format, sends every record that fails to the dead-letter topic (exactly once, original bytes,
 * {@code __snapdelta.errors.*} headers), shards the valid change events ({@code shard = stable hash(table,
 * key) mod S}), runs the per-shard delta operator ({@link ShardDeltaOperator}: dedup, field diff,
 * coalescing, adaptive batching, encode + compress + seal, state in RocksDB) and writes the sealed batches
 * to the deltas topic exactly once (schemas/deltas-topic-v1.md). Optionally ({@code job.valid-events-topic})
 * the valid events are also written as snapdelta JSON.
 *
 * <p>Graph and stable operator uids (never change one: a savepoint maps state by uid):
 * <pre>
 *   source-&lt;topic&gt; ─► parse-&lt;topic&gt; ─┬─► shard-of-&lt;topic&gt; ─► keyBy(shard) ─► shard-deltas ─► deltas-sink
 *   (one pair per input topic)         ├─► valid-events           (only with job.valid-events-topic)
 *                                      └─► dead-letter-sink       (side output, union of all topics)
 * </pre>
 *
 * <p>Usage: {@code flink run -c io.snapdelta.job.SnapdeltaJob snapdelta-jobs-job.jar [--config FILE] [--key value ...]}.
 */
public final class SnapdeltaJob {
    private static final Logger LOG = LoggerFactory.getLogger(SnapdeltaJob.class);

    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";
    public static final String VALID_EVENTS_SINK_UID = "valid-events";
    public static final String SHARD_DELTAS_UID = "shard-deltas";
    public static final String DELTAS_SINK_UID = "deltas-sink";

    private SnapdeltaJob() {
    }

    public static void main(String[] args) throws Exception {
        Configuration config = ConfigLoader.forRegistry().load(Arrays.asList(args));
        LOG.info("snapdelta job configuration: {}", config);
        org.apache.flink.configuration.Configuration flink = flinkConfiguration(config); // validates first, no network
        // Before anything starts: with pooling transaction naming a missing output topic would only show as a
        // restart loop of the sinks ("Failed to get open transactions for topics ..."). Here and not in define(),
        // which the tests, the local runner and the bench call right after creating their topics themselves, and
        // which builds the graph only: it never talks to Kafka.
        OutputTopicsCheck.requireOutputTopics(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        define(env, config, Parsers.from(config));
        env.execute(config.get(JobOptions.JOB_NAME));
    }

    /**
     * The Flink settings the job needs, from our options: RocksDB with incremental checkpoints (bloom
     * filters, {@code job.state.bloom-filter}; compression per level, {@code job.state.compression-per-level}; compaction style,
     * {@code job.state.compaction-style}; concurrent flushes, {@code job.state.flush-threads}; compaction trigger,
     * {@code job.state.compaction-trigger}; universal size amplification, {@code job.state.max-size-amplification-percent}),
     * exactly-once checkpoints at {@code job.checkpoint.interval}, retained on cancellation, object reuse.
     */
    public static org.apache.flink.configuration.Configuration flinkConfiguration(Configuration config) {
        JobOptions.checkTransactionTimeout(config);
        var flink = new org.apache.flink.configuration.Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (config.get(JobOptions.STATE_BLOOM_FILTER)) {
            // Most row lookups of the shard operator are for keys not in state (inserts, snapshot reads).
            flink.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        }
        List<JobOptions.StateCompression> compression = JobOptions.stateCompressionPerLevel(config);
        if (!compression.isEmpty()) {
            flink.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, compression.stream().map(SnapdeltaJob::rocksDb).toList());
        }
        switch (config.get(JobOptions.STATE_COMPACTION_STYLE)) {
            case LEVEL -> flink.set(RocksDBConfigurableOptions.COMPACTION_STYLE, CompactionStyle.LEVEL);
            case UNIVERSAL -> flink.set(RocksDBConfigurableOptions.COMPACTION_STYLE, CompactionStyle.UNIVERSAL);
            case CLUSTER -> {
                // left to the cluster's state.backend.rocksdb.compaction.style
            }
        }
        int flushThreads = config.get(JobOptions.STATE_FLUSH_THREADS);
        int compactionTrigger = config.get(JobOptions.STATE_COMPACTION_TRIGGER);
        int sizeAmplification = config.get(JobOptions.STATE_MAX_SIZE_AMPLIFICATION_PERCENT);
        if (flushThreads > 0 || compactionTrigger > 0 || sizeAmplification > 0) {
            flink.set(RocksDBOptions.OPTIONS_FACTORY, RocksDbTuning.class.getName());
            flink.set(RocksDbTuning.FLUSH_THREADS, flushThreads);
            flink.set(RocksDbTuning.COMPACTION_TRIGGER, compactionTrigger);
            flink.set(RocksDbTuning.MAX_SIZE_AMPLIFICATION_PERCENT, sizeAmplification);
        }
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(JobOptions.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        String dir = config.get(JobOptions.CHECKPOINT_DIR);
        if (!dir.isEmpty()) {
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        }
        // Our operators never keep a reference to a record they have emitted or received, so chained
        // operators may hand objects on without a defensive copy.
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        // Every record type has a Flink serializer of its own (POJOs, ChangeEventSerializer): a type that
        // would fall back to Kryo is a bug (slow, and its bytes are not versioned), so fail at submission.
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        return flink;
    }

    private static CompressionType rocksDb(JobOptions.StateCompression c) {
        return switch (c) {
            case NONE -> CompressionType.NO_COMPRESSION;
            case SNAPPY -> CompressionType.SNAPPY_COMPRESSION;
            case LZ4 -> CompressionType.LZ4_COMPRESSION;
            case LZ4HC -> CompressionType.LZ4HC_COMPRESSION;
            case ZSTD -> CompressionType.ZSTD_COMPRESSION;
            case ZLIB -> CompressionType.ZLIB_COMPRESSION;
        };
    }

    /** Adds the job's operators to {@code env}. Tests and the local runner call this, then execute. */
    public static void define(StreamExecutionEnvironment env, Configuration config, ParserFactory parsers) {
        int parallelism = config.get(JobOptions.PARALLELISM);
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        Map<String, InputFormat> topics = JobOptions.topicFormats(config);
        Map<String, String> kafka = KafkaOptions.clientProperties(config);
        Duration txTimeout = config.get(KafkaOptions.TRANSACTION_TIMEOUT);
        String txPrefix = config.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX);
        TransactionNamingStrategy txNaming = OutputTopicsCheck.strategy(config.get(KafkaOptions.TRANSACTION_NAMING));
        boolean bounded = config.get(JobOptions.INPUT_BOUNDED);

        int shards = config.get(ShardOptions.SHARDS);
        ShardingVersion sharding = config.get(ShardOptions.HASH_VERSION);
        List<DataStream<ChangeEvent>> valid = new ArrayList<>();
        List<DataStream<ShardedChangeEvent>> sharded = new ArrayList<>();
        List<DataStream<DeadLetterRecord>> dead = new ArrayList<>();
        for (Map.Entry<String, InputFormat> t : topics.entrySet()) {
            String topic = t.getKey();
            KafkaSource<RawRecord> source = source(topic, config, kafka, bounded);
            SingleOutputStreamOperator<ChangeEvent> parsed = env
                    .fromSource(source, WatermarkStrategy.noWatermarks(), "source-" + topic)
                    .uid("source-" + topic)
                    .process(new ParseFunction(topic, t.getValue(), parsers), ChangeEventTypeInfo.INSTANCE)
                    .name("parse-" + topic + " (" + t.getValue().id() + ")")
                    .uid("parse-" + topic);
            valid.add(parsed);
            // Chained to the parse operator (before the union: an operator with several inputs is not chained).
            sharded.add(parsed.map(new ShardAssignFunction(shards, sharding), ShardedChangeEventTypeInfo.INSTANCE)
                    .name("shard-of-" + topic).uid("shard-of-" + topic));
            dead.add(parsed.getSideOutput(ParseFunction.DEAD_LETTERS));
            LOG.info("Input topic {} as {}{}", topic, t.getValue().id(), bounded ? ", bounded at its end offsets as of job start" : "");
        }

        String dlqTopic = config.get(KafkaOptions.DEAD_LETTER_TOPIC);
        union(dead).sinkTo(exactlyOnceSink(kafka, txTimeout, txPrefix + "-dlq", txNaming, new DeadLetterSerializationSchema(dlqTopic)))
                .name("dead-letters -> " + dlqTopic).uid(DEAD_LETTER_SINK_UID);

        DataStream<ChangeEvent> events = union(valid);
        String eventsTopic = config.get(JobOptions.VALID_EVENTS_TOPIC);
        if (!eventsTopic.isEmpty()) {
            events.sinkTo(exactlyOnceSink(kafka, txTimeout, txPrefix + "-events", txNaming,
                            new ValidEventSerializationSchema(eventsTopic)))
                    .name("valid events -> " + eventsTopic + " (snapdelta-json)").uid(VALID_EVENTS_SINK_UID);
        }

        String deltasTopic = config.get(DeltaOptions.TOPIC);
        union(sharded).keyBy(new ShardKeySelector(shards, sharding))
                .transform("shard-deltas (S=" + shards + ")", TypeInformation.of(DeltaRecord.class),
                        new ShardDeltaOperator(shardSettings(config)))
                .uid(SHARD_DELTAS_UID)
                // Key groups >= shards, so that every shard can sit on its own subtask at any parallelism.
                .setMaxParallelism(maxParallelism(shards))
                .sinkTo(exactlyOnceSink(kafka, txTimeout, txPrefix + "-deltas", txNaming, new DeltaRecordSerializationSchema(deltasTopic)))
                .name("deltas -> " + deltasTopic).uid(DELTAS_SINK_UID);
        LOG.info("Dead letters to {} (exactly once, transactional id prefix {}-dlq, transaction timeout {} ms, {} transaction naming); "
                        + "{} shards (sharding v{}) to {} (exactly once, prefix {}-deltas); valid events {}",
                dlqTopic, txPrefix, txTimeout.toMillis(), txNaming, shards, sharding.number(), deltasTopic, txPrefix,
                eventsTopic.isEmpty() ? "not written" : "to " + eventsTopic);
    }

    /** Max parallelism of the shard operator: at least S and at least Flink's default floor of 128. */
    static int maxParallelism(int shards) {
        return Math.max(128, Integer.highestOneBit(shards - 1) << 1);
    }

    static ShardDeltaOperator.Settings shardSettings(Configuration config) {
        Map<String, String> format = new java.util.TreeMap<>();
        Map<String, String> all = config.toMap();
        for (ConfigOption<?> o : DeltaFormatOptions.ALL) {
            if (all.containsKey(o.key())) {
                format.put(o.key(), all.get(o.key()));
            }
        }
        DeltaFormatOptions.fromConfiguration(config); // validate now, at submission
        return new ShardDeltaOperator.Settings(config.get(ShardOptions.SHARDS), config.get(ShardOptions.TOMBSTONE_RETENTION),
                config.get(DeltaOptions.BATCH_LATENCY_BUDGET), config.get(ShardOptions.BATCH_MAX_CHANGES),
                config.get(DeltaOptions.BATCH_MAX_BYTES).bytes(), config.get(DeltaOptions.BATCH_SEAL_ON_CHECKPOINT),
                config.get(JobOptions.CHECKPOINT_INTERVAL), format, DictionaryStores.factory(config),
                config.get(ShardOptions.STATE_CACHE_ENTRIES), config.get(ShardOptions.STATE_WRITE_BATCH_ENTRIES),
                config.get(ShardOptions.STATE_WRITTEN_KEYS_FILTER), config.get(ShardOptions.STATE_WRITTEN_KEYS_FILTER_REBUILD_MAX_KEYS),
                config.get(ShardOptions.HASH_VERSION));
    }

    private static KafkaSource<RawRecord> source(String topic, Configuration config, Map<String, String> kafka, boolean bounded) {
        KafkaSourceBuilder<RawRecord> b = KafkaSource.<RawRecord>builder()
                .setProperties(sourceProperties(config, kafka))
                .setTopics(topic)
                .setGroupId(config.get(KafkaOptions.GROUP_ID))
                .setClientIdPrefix(config.get(JobOptions.JOB_NAME) + "-" + topic)
                .setDeserializer(new RawRecordDeserializationSchema())
                // Never read records of aborted or open transactions (e.g. an upstream exactly-once producer).
                .setProperty("isolation.level", "read_committed")
                // Commit offsets on checkpoints so lag is visible; restores use the checkpointed offsets.
                .setProperty("commit.offsets.on.checkpoint", "true");
        switch (config.get(JobOptions.INPUT_STARTING_OFFSETS)) {
            case EARLIEST -> b.setStartingOffsets(OffsetsInitializer.earliest());
            case LATEST -> b.setStartingOffsets(OffsetsInitializer.latest());
            case COMMITTED -> b.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        }
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The input consumers' client properties: {@code kafka}, plus {@code receive.buffer.bytes} from
     * {@link KafkaOptions#SOURCE_RECEIVE_BUFFER_BYTES} unless {@code kafka} (the kafka.properties.* pass-through) sets it.
     */
    static Properties sourceProperties(Configuration config, Map<String, String> kafka) {
        Properties p = properties(kafka);
        p.putIfAbsent("receive.buffer.bytes", Integer.toString(config.get(KafkaOptions.SOURCE_RECEIVE_BUFFER_BYTES)));
        return p;
    }

    /** An exactly-once Kafka sink (the connector's, without its leaked admin client: {@link AdminReleasingKafkaSink}). */
    private static <T> AdminReleasingKafkaSink<T> exactlyOnceSink(Map<String, String> kafka, Duration txTimeout, String txPrefix,
                                                                 TransactionNamingStrategy txNaming,
                                                                 KafkaRecordSerializationSchema<T> serializer) {
        return new AdminReleasingKafkaSink<>(KafkaSink.<T>builder()
                .setKafkaProducerConfig(producerProperties(kafka, txTimeout))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(txPrefix)
                .setTransactionNamingStrategy(txNaming)
                .build());
    }

    private static Properties producerProperties(Map<String, String> kafka, Duration txTimeout) {
        Properties p = properties(kafka);
        // Below the brokers' transaction.max.timeout.ms (else InitProducerId is refused and the job
        // restart-loops) and above a checkpoint interval (checked in flinkConfiguration()).
        p.setProperty("transaction.timeout.ms", Long.toString(txTimeout.toMillis()));
        return p;
    }

    private static Properties properties(Map<String, String> kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        return p;
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1 ? first : first.union(streams.subList(1, streams.size()).toArray(DataStream[]::new));
    }
}
