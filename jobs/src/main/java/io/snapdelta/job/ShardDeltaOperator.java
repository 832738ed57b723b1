package io.snapdelta.job;

import io.snapdelta.codec.CodecDecision;
import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.shard.FlushPolicy;
import io.snapdelta.shard.SerializedShardStateStore;
import io.snapdelta.shard.ShardBatchEncoder;
import io.snapdelta.shard.ShardCheckpoint;
import io.snapdelta.shard.ShardCounters;
import io.snapdelta.shard.ShardDeltaState;
import io.snapdelta.shard.ShardPipeline;
import io.snapdelta.shard.ShardingVersion;
import io.snapdelta.shard.StateEntryCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-shard delta operator: keyed by shard, a thin Flink wrapper around one {@link ShardPipeline} per
 * shard (dedup, field diff, coalescing, adaptive batching, encode + compress + seal).
 *
 * <p>State (RocksDB, keyed by shard): the rows ({@code MapState} table-key -> entry, see
 * {@link io.snapdelta.shard.StateEntryCodec}), a tombstone index by delete time, the row schemas, and one
 * {@link ShardCheckpoint} value (sequence, digest, counters, schemas the stream has defined, rate estimates,
 * and the open batch with the time it opened), and the sharding version the shard's keys were routed with
 * (written with the shard's first checkpoint value of a run; checked against {@code shard.hash-version} on the
 * shard's first use after a restore, see {@link ShardingVersion#restoreMismatch}). Rows changed since the last checkpoint may sit in the
 * store's write-back cache; they and the checkpoint value of every shard touched since the last checkpoint
 * are written in {@link #prepareSnapshotPreBarrier}, before the barrier goes on and the keyed state is
 * snapshotted. The rows of a checkpoint already hold its open batches' changes and the
 * checkpoint value holds those batches, so a checkpoint does not cut a batch: a restored job reopens each
 * shard's batch and seals it to the bytes an uninterrupted run would have sealed (given the same
 * boundaries). The batches emitted before a barrier are exactly those in the sink's transaction that the
 * checkpoint commits; those sealed after it are in the next one, which a failure aborts and the restored
 * job seals again under the same sequence numbers. So the committed sequence continues gap-free and the
 * digests chain. The heap pipelines are caches of that state, loaded per shard on first use. A checkpoint
 * value without an open batch (every savepoint of builds that sealed at each barrier) restores with none.
 *
 * <p>Batches are sealed on count or estimated size ({@link FlushPolicy}), on the latency budget (a
 * processing-time timer per open batch; timers are checkpointed with the keyed state), and at the end of a
 * bounded input, where each subtask also reports its shards' final digests as the accumulator
 * {@value ShardFinalAccumulator#NAME}. With {@code batch.seal-on-checkpoint} every barrier also seals.
 */
final class ShardDeltaOperator extends AbstractStreamOperator<DeltaRecord>
        implements OneInputStreamOperator<ShardedChangeEvent, DeltaRecord>, Triggerable<Integer, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ShardDeltaOperator.class);

    /** Serializable settings of the operator (the options it needs, resolved at graph-building time). */
    record Settings(int shards, Duration tombstoneRetention, Duration latencyBudget, int maxChanges, long maxBytes,
                    boolean sealOnCheckpoint, Duration checkpointInterval, Map<String, String> formatOptions,
                    DictionaryStoreFactory dictionaries, int stateCacheEntries, int stateWriteBatchEntries, boolean stateWrittenKeysFilter,
                    long stateWrittenKeysFilterRebuildMaxKeys,
                    ShardingVersion sharding)
            implements Serializable {
    }

    /** Creates the dictionary store on the task manager (stores hold clients, which do not serialize). */
    interface DictionaryStoreFactory extends Serializable {
        /** The store, or null for none (dictionary codecs off). */
        DictionaryStore create();
    }

    private final Settings settings;

    private transient RocksDbShardStateBytes bytes;
    private transient ValueState<byte[]> checkpoints;
    /** Per shard, the sharding version its state was routed with; absent in state of builds before sharding v2. */
    private transient ValueState<Integer> shardingVersions;
    /** Shards whose sharding version this run has written (once per shard per run, with its checkpoint value). */
    private transient java.util.BitSet shardingRecorded;
    private transient InternalTimerService<VoidNamespace> deadlines;
    private transient StateEntryCodec codec;
    private transient DeltaFormatOptions formatOptions;
    private transient DictionaryStore dictionaryStore;
    /** By shard; read by the metric threads, hence the concurrent map. */
    private transient Map<Integer, ShardPipeline> pipelines;
    /** The same pipelines indexed by shard, for the per-record lookup (no boxing, no hashing). */
    private transient ShardPipeline[] pipelineOf;
    private transient Map<Integer, SerializedShardStateStore> stores;
    /** Shards changed since the last checkpoint, in shard order. */
    private transient java.util.BitSet touched;
    private transient long batches;
    private transient long deltaBytes;
    private transient long shippedOps;
    private transient long streamOrderedBatches;
    private transient volatile String lastCodec;
    private transient volatile String lastCodecReason;
    private transient Histogram sealLatency;

    ShardDeltaOperator(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void open() throws Exception {
        super.open();
        var runtime = getRuntimeContext();
        bytes = new RocksDbShardStateBytes(
                runtime.getMapState(new MapStateDescriptor<>("entries",
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)),
                runtime.getMapState(new MapStateDescriptor<>("tombstone-index",
                        BasicTypeInfo.LONG_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)),
                runtime.getMapState(new MapStateDescriptor<>("row-schemas",
                        BasicTypeInfo.LONG_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
        checkpoints = runtime.getState(new ValueStateDescriptor<>("shard-checkpoint", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        shardingVersions = runtime.getState(new ValueStateDescriptor<>("sharding-version", BasicTypeInfo.INT_TYPE_INFO));
        shardingRecorded = new java.util.BitSet(settings.shards());
        String backend = getKeyedStateBackend().getClass().getSimpleName();
        if (!backend.contains("RocksDB")) {
            throw new IllegalStateException("the shard operator needs the RocksDB state backend (ordered tombstone index, "
                    + "byte[] map keys); the keyed backend is " + backend);
        }
        deadlines = getInternalTimerService("batch-deadlines", VoidNamespaceSerializer.INSTANCE, this);
        codec = new StateEntryCodec();
        formatOptions = DeltaFormatOptions.fromConfiguration(io.snapdelta.config.Configuration.fromMap(settings.formatOptions()));
        dictionaryStore = settings.dictionaries().create();
        pipelines = new ConcurrentHashMap<>();
        pipelineOf = new ShardPipeline[settings.shards()];
        stores = new ConcurrentHashMap<>(); // read by the metrics (sumStores) on Flink's reporter thread
        touched = new java.util.BitSet(settings.shards());
        sealLatency = new DescriptiveStatisticsHistogram(1000);
        registerMetrics();
        LOG.info("Shard operator subtask {} of {} owns key groups {} ({} shards in all, sharding v{}), latency budget {} ms, batch caps {} changes / {} bytes, "
                        + "open batches {} at checkpoints, codec {}",
                runtime.getTaskInfo().getIndexOfThisSubtask(), runtime.getTaskInfo().getNumberOfParallelSubtasks(),
                ownedKeyGroups(), settings.shards(), settings.sharding().number(), settings.latencyBudget().toMillis(),
                settings.maxChanges(), settings.maxBytes(), settings.sealOnCheckpoint() ? "sealed" : "kept",
                formatOptions.get(DeltaFormatOptions.CODEC).configName());
    }

    private KeyGroupRange ownedKeyGroups() {
        var task = getRuntimeContext().getTaskInfo();
        return KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(task.getMaxNumberOfParallelSubtasks(),
                task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
    }

    private void registerMetrics() {
        MetricGroup g = getMetricGroup().addGroup(DeltaMetrics.GROUP).addGroup(DeltaMetrics.SUBGROUP);
        g.counter(DeltaMetrics.EVENTS_IN, new LiveCounter(() -> sum(c -> c.sourceChanges)));
        g.counter(DeltaMetrics.DUPLICATES_DROPPED, new LiveCounter(() -> sum(c -> c.duplicatesDropped)));
        g.counter(DeltaMetrics.STALE_DROPPED, new LiveCounter(() -> sum(c -> c.staleDropped)));
        g.counter(DeltaMetrics.NOOP_UPDATES, new LiveCounter(() -> sum(c -> c.noopUpdates)));
        g.counter(DeltaMetrics.COALESCED, new LiveCounter(() -> sum(c -> c.coalescedChanges)));
        g.counter(DeltaMetrics.TOMBSTONES_PURGED, new LiveCounter(() -> sum(c -> c.tombstonesPurged)));
        g.counter(DeltaMetrics.BATCHES, new LiveCounter(() -> batches));
        g.counter(DeltaMetrics.STREAM_ORDERED_BATCHES, new LiveCounter(() -> streamOrderedBatches));
        g.counter(DeltaMetrics.DELTA_BYTES, new LiveCounter(() -> deltaBytes));
        g.counter(DeltaMetrics.SHIPPED_OPS, new LiveCounter(() -> shippedOps));
        g.gauge(DeltaMetrics.BYTES_PER_CHANGE, (Gauge<Double>) () -> {
            long applied = sum(c -> c.appliedChanges);
            return applied == 0 ? 0.0 : (double) deltaBytes / applied;
        });
        g.gauge(DeltaMetrics.CODEC, (Gauge<String>) () -> lastCodec == null ? "" : lastCodec);
        g.gauge(DeltaMetrics.CODEC_REASON, (Gauge<String>) () -> lastCodecReason == null ? "" : lastCodecReason);
        g.counter(DeltaMetrics.DICTIONARY_TRAININGS, new LiveCounter(() -> sumSelectors(CodecSelector::dictionaryTrainings)));
        g.counter(DeltaMetrics.DICTIONARIES_PUBLISHED, new LiveCounter(() -> sumSelectors(CodecSelector::dictionariesPublished)));
        g.counter(DeltaMetrics.DICTIONARY_ATTEMPTS_SCREENED_OUT,
                new LiveCounter(() -> sumSelectors(CodecSelector::dictionariesScreenedOut)));
        g.histogram(DeltaMetrics.SEAL_LATENCY_MS, sealLatency);
        g.counter(DeltaMetrics.STATE_CACHE_HITS, new LiveCounter(() -> sumStores(SerializedShardStateStore::cacheHits)));
        g.counter(DeltaMetrics.STATE_READS, new LiveCounter(() -> sumStores(SerializedShardStateStore::reads)));
        g.counter(DeltaMetrics.STATE_READS_SKIPPED, new LiveCounter(() -> sumStores(SerializedShardStateStore::readsSkipped)));
        // The same numbers as job-wide accumulators, so a bounded run's result carries them.
        var ctx = getRuntimeContext();
        ctx.addAccumulator(DeltaMetrics.ACC_DUPLICATES_DROPPED, new LiveCountAccumulator(() -> sum(c -> c.duplicatesDropped)));
        ctx.addAccumulator(DeltaMetrics.ACC_STALE_DROPPED, new LiveCountAccumulator(() -> sum(c -> c.staleDropped)));
        ctx.addAccumulator(DeltaMetrics.ACC_NOOP_UPDATES, new LiveCountAccumulator(() -> sum(c -> c.noopUpdates)));
        ctx.addAccumulator(DeltaMetrics.ACC_COALESCED, new LiveCountAccumulator(() -> sum(c -> c.coalescedChanges)));
        ctx.addAccumulator(DeltaMetrics.ACC_STATE_CACHE_HITS, new LiveCountAccumulator(() -> sumStores(SerializedShardStateStore::cacheHits)));
        ctx.addAccumulator(DeltaMetrics.ACC_STATE_READS, new LiveCountAccumulator(() -> sumStores(SerializedShardStateStore::reads)));
        ctx.addAccumulator(DeltaMetrics.ACC_STATE_READS_SKIPPED,
                new LiveCountAccumulator(() -> sumStores(SerializedShardStateStore::readsSkipped)));
    }

    /** A state store count summed over this subtask's shards. */
    private long sumStores(ToLongFunction<SerializedShardStateStore> count) {
        long n = 0;
        for (SerializedShardStateStore s : stores.values()) {
            n += count.applyAsLong(s);
        }
        return n;
    }

    /** A codec selector count summed over this subtask's shard pipelines. */
    private long sumSelectors(ToLongFunction<CodecSelector> count) {
        long n = 0;
        for (ShardPipeline p : pipelines.values()) {
            n += count.applyAsLong(p.encoder().writer().selector());
        }
        return n;
    }

    private long sum(ToLongFunction<ShardCounters> f) {
        long s = 0;
        for (ShardPipeline p : pipelines.values()) {
            s += f.applyAsLong(p.state().counters());
        }
        return s;
    }

    /** The pipeline of the current key's shard, restored from state on first use. */
    private ShardPipeline pipeline(int shard) throws Exception {
        if (shard < 0 || shard >= pipelineOf.length) {
            throw new IllegalStateException("shard " + shard + " is outside 0.." + (pipelineOf.length - 1) + " (S=" + settings.shards()
                    + "): state or a timer written by a deployment with another shard count");
        }
        ShardPipeline p = pipelineOf[shard];
        if (p != null) {
            return p;
        }
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, codec, settings.stateCacheEntries(),
                settings.stateWriteBatchEntries(), settings.stateWrittenKeysFilter());
        ShardDeltaState state = new ShardDeltaState(shard, store, Integer.MAX_VALUE, settings.tombstoneRetention());
        FlushPolicy policy = new FlushPolicy(settings.latencyBudget().toMillis(), settings.maxChanges(), settings.maxBytes());
        ShardBatchEncoder encoder = new ShardBatchEncoder(new DeltaBatchWriter(new TableSchemaRegistry(),
                CodecSelector.create(formatOptions, dictionaryStore)));
        p = new ShardPipeline(state, policy, encoder, store, formatOptions.rankKeys());
        byte[] saved = checkpoints.value();
        if (saved != null) {
            // The shard's first use in this run (pipelines are cached): its state must have been routed like this job routes.
            String mismatch = ShardingVersion.restoreMismatch(shard, shardingVersions.value(), settings.sharding());
            if (mismatch != null) {
                // Restarting cannot help: fail the job (no restart loop) with the fix in the message.
                throw new SuppressRestartsException(new IllegalStateException(mismatch));
            }
            p.restore(ShardCheckpoint.decode(saved));
            String filter = restoredFilter(store);
            if (p.isOpen()) {
                // Timers are checkpointed too, so this one normally exists already (then it is not added twice).
                deadlines.registerProcessingTimeTimer(VoidNamespace.INSTANCE, p.deadline());
            }
            LOG.info("Shard {} restored: next batch sequence {}, {} live rows, {} tombstones, digest {}, open batch of {} source changes, "
                            + "written-keys filter {}",
                    shard, state.nextSequence(), store.liveCount(), store.tombstoneCount(), state.digest().toHex(),
                    state.openSourceChanges(), filter);
        }
        pipelines.put(shard, p);
        pipelineOf[shard] = p;
        stores.put(shard, store);
        return p;
    }

    /**
     * Turns on the written-keys filter of a shard restored with rows, from one scan of its keys, if the shard is
     * within {@code shard.state.written-keys-filter.rebuild-max-keys}; says what it did, for the restore's log line.
     */
    private String restoredFilter(SerializedShardStateStore store) {
        if (store.filtersWrittenKeys()) {
            return "on (no rows)";
        }
        if (!settings.stateWrittenKeysFilter()) {
            return "off (shard.state.written-keys-filter)";
        }
        long held = store.liveCount() + store.tombstoneCount();
        if (held > settings.stateWrittenKeysFilterRebuildMaxKeys()) {
            return "off (" + held + " rows and tombstones > shard.state.written-keys-filter.rebuild-max-keys "
                    + settings.stateWrittenKeysFilterRebuildMaxKeys() + ": every cache miss reads RocksDB)";
        }
        long start = System.nanoTime();
        long keys = store.rebuildWrittenKeysFilter();
        return "rebuilt from " + keys + " stored keys in " + (System.nanoTime() - start) / 1_000_000 + " ms";
    }

    @Override
    public void processElement(StreamRecord<ShardedChangeEvent> element) throws Exception {
        int shard = (Integer) getCurrentKey();
        ShardPipeline p = pipeline(shard);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        boolean wasOpen = p.isOpen();
        ShardPipeline.Sealed sealed = p.apply(element.getValue().event(), now);
        touched.set(shard);
        if (sealed != null) {
            emit(sealed);
        } else if (!wasOpen && p.isOpen()) {
            deadlines.registerProcessingTimeTimer(VoidNamespace.INSTANCE, p.deadline());
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<Integer, VoidNamespace> timer) throws Exception {
        ShardPipeline p = pipeline(timer.getKey());
        // A timer of a batch that was sealed earlier (count, size, checkpoint) finds a newer batch or none:
        // sealIfDue only seals a batch whose own deadline has passed.
        ShardPipeline.Sealed sealed = p.sealIfDue(timer.getTimestamp());
        if (sealed != null) {
            emit(sealed);
            // The shard's checkpoint value still holds the batch as open: rewrite it at the next checkpoint.
            touched.set(timer.getKey());
        }
    }

    @Override
    public void onEventTime(InternalTimer<Integer, VoidNamespace> timer) {
    }

    private void emit(ShardPipeline.Sealed s) {
        ShardBatchEncoder.Encoded b = s.batch();
        batches++;
        deltaBytes += b.bytes().length;
        shippedOps += b.ops();
        if (b.body() == ShardBatchEncoder.Body.STREAM_ORDERED) {
            streamOrderedBatches++;
        }
        CodecDecision d = b.codec();
        lastCodec = d == null ? "" : d.codec().configName() + "-" + d.level();
        lastCodecReason = d == null ? "" : d.reason().name().toLowerCase(java.util.Locale.ROOT);
        sealLatency.update(s.openMillis());
        if (b.sequence() == 0 || LOG.isDebugEnabled()) {
            LOG.info("Shard {} sealed batch {} ({}): {} source changes, {} {} ops, {} bytes ({} for the other body), codec {}",
                    b.shard(), b.sequence(), s.reason(), b.sourceChanges(), b.ops(), b.body(), b.bytes().length,
                    b.alternativeBytes(), lastCodec);
        }
        output.collect(new StreamRecord<>(new DeltaRecord(b.shard(), b.sequence(), b.bytes())));
    }

    /**
     * Writes each touched shard's checkpoint value (with its open batch), before the barrier goes
     * downstream: the batches emitted so far belong to this checkpoint's transaction, and the state after
     * them, open batches included, to this checkpoint. With {@code batch.seal-on-checkpoint} the open
     * batches are sealed and emitted first; without it, those whose latency budget runs out before the next
     * barrier ({@link ShardPipeline#sealIfDueBefore}), which then commit one checkpoint earlier.
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        saveTouched(settings.sealOnCheckpoint() ? FlushPolicy.Reason.CHECKPOINT : FlushPolicy.Reason.LATENCY);
    }

    /**
     * Seals the touched shards' open batches (for LATENCY only those due before the next barrier), writes their checkpoint values, and
     * writes every shard's cached row changes to RocksDB ({@link SerializedShardStateStore#flush}, write-back),
     * so the keyed state snapshotted next holds exactly the rows the checkpoint values describe.
     */
    private void saveTouched(FlushPolicy.Reason sealReason) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        for (int shard = touched.nextSetBit(0); shard >= 0; shard = touched.nextSetBit(shard + 1)) {
            setCurrentKey(shard);
            ShardPipeline p = pipeline(shard);
            if (sealReason != null) {
                ShardPipeline.Sealed sealed = sealReason == FlushPolicy.Reason.LATENCY
                        ? p.sealIfDueBefore(now + settings.checkpointInterval().toMillis(), now)
                        : p.sealForCheckpoint(sealReason, now);
                if (sealed != null) {
                    emit(sealed);
                }
            }
            checkpoints.update(p.checkpoint().encode()); // flushes the shard's cached rows first
            recordSharding(shard);
        }
        touched.clear();
        // Every change marks its shard touched, so nothing should be left; flushed anyway, since a missed
        // row would be lost on restore while the checkpoint value claims it.
        for (Map.Entry<Integer, SerializedShardStateStore> e : stores.entrySet()) {
            if (e.getValue().dirtyEntries() > 0) {
                setCurrentKey(e.getKey());
                e.getValue().flush();
            }
        }
    }

    /** Writes the current shard's sharding version beside its checkpoint value, the first time in this run. */
    private void recordSharding(int shard) throws java.io.IOException {
        if (!shardingRecorded.get(shard)) {
            shardingVersions.update(settings.sharding().number());
            shardingRecorded.set(shard);
        }
    }

    /**
     * End of a bounded input: seal every open batch (also those restored from a checkpoint and not touched
     * since) and report every owned shard's final digest. Processing-time timers do not fire after this.
     */
    @Override
    public void endInput() throws Exception {
        saveTouched(FlushPolicy.Reason.END_OF_INPUT);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        KeyGroupRange range = ownedKeyGroups();
        TreeMap<Integer, String> finals = new TreeMap<>();
        List<Integer> idle = new ArrayList<>();
        for (int shard = 0; shard < settings.shards(); shard++) {
            if (!range.contains(KeyGroupRangeAssignment.assignToKeyGroup(shard, maxParallelism))) {
                continue;
            }
            setCurrentKey(shard);
            if (pipelineOf[shard] == null && checkpoints.value() == null) {
                finals.put(shard, ShardFinalAccumulator.format(-1, new StateDigest().toHex()));
                idle.add(shard);
                continue;
            }
            ShardPipeline p = pipeline(shard);
            ShardPipeline.Sealed sealed = p.sealForCheckpoint(FlushPolicy.Reason.END_OF_INPUT, now);
            if (sealed != null) {
                emit(sealed);
                checkpoints.update(p.checkpoint().encode());
                recordSharding(shard);
            }
            ShardDeltaState s = p.state();
            finals.put(shard, ShardFinalAccumulator.format(s.nextSequence() - 1, s.digest().toHex()));
        }
        ShardFinalAccumulator acc = new ShardFinalAccumulator();
        acc.add(finals);
        getRuntimeContext().addAccumulator(ShardFinalAccumulator.NAME, acc);
        LOG.info("Input ended: subtask {} sealed its last batches; {} shards ({} never saw a change), {} batches and {} delta bytes since this attempt started; final {}",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), finals.size(), idle.size(), batches, deltaBytes, finals);
    }

    @Override
    public void close() throws Exception {
        if (pipelines != null) {
            pipelines.values().forEach(ShardPipeline::close);
        }
        super.close();
    }
}
