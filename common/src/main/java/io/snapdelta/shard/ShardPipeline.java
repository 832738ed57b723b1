package io.snapdelta.shard;

import io.snapdelta.format.HeldKeys;
import io.snapdelta.model.ChangeEvent;

/**
 * One shard's producer pipeline, Flink-free: {@link ShardDeltaState} (dedup, diff, coalescing, digest)
 * over any {@link ShardStateStore}, the {@link FlushPolicy} deciding when to seal, and the
 * {@link ShardBatchEncoder} sealing the smaller body. The Flink operator drives one per shard with its
 * clock, timers and checkpoints; tests and benchmarks drive it directly.
 *
 * <p>A checkpoint ({@link #checkpoint}) can be taken at any moment: it holds the open batch and the time it
 * opened, so checkpoints do not cut batches. A pipeline restored from it ({@link #restore}) over the rows of
 * the same checkpoint seals the same batches, byte for byte, as a run that was never interrupted (given the
 * same clock readings and a deterministic codec), continuing the sequence and the digest chain.
 * {@link #sealForCheckpoint} still seals on demand (end of input, or a job configured to seal at every
 * checkpoint).
 *
 * <p>A shard's state digest version is fixed for its life and names its batches' format: a new shard takes the
 * writer's format (by default v4, state digest v2); a shard restored from a checkpoint written before digest v2
 * existed continues on digest v1 and format v3.
 */
public final class ShardPipeline implements AutoCloseable {
    /** A sealed batch and why and when it was sealed. */
    public record Sealed(ShardBatchEncoder.Encoded batch, FlushPolicy.Reason reason, long openMillis) {
    }

    private final ShardDeltaState state;
    private final FlushPolicy policy;
    private final ShardBatchEncoder encoder;
    private final SerializedShardStateStore serializedStore;
    /** The receiver's keys for rank-coded keys (format v3), or null when keys travel as values. */
    private final ReceiverKeys receiverKeys;
    private long openedAtMillis = -1;

    /**
     * A pipeline that codes the keys of updates and deletes as ranks among the receiver's keys
     * ({@code delta.format.rank-keys} true).
     */
    public ShardPipeline(ShardDeltaState state, FlushPolicy policy, ShardBatchEncoder encoder,
                         SerializedShardStateStore serializedStore) {
        this(state, policy, encoder, serializedStore, true);
    }

    /**
     * @param serializedStore the state's store when it is one (its counts go into checkpoints), else null
     * @param rankKeys code the keys of updates and deletes as ranks among the receiver's keys (format v3;
     *     {@code delta.format.rank-keys}): fewer bytes, and heap for an ordered index of each updated table's keys
     */
    public ShardPipeline(ShardDeltaState state, FlushPolicy policy, ShardBatchEncoder encoder,
                         SerializedShardStateStore serializedStore, boolean rankKeys) {
        this.state = state;
        this.policy = policy;
        this.encoder = encoder;
        this.serializedStore = serializedStore;
        this.receiverKeys = rankKeys ? new ReceiverKeys(state.store()) : null;
        // The state's digest and the writer's format go together (format v1-v3 carry digest v1, v4 digest v2): a new
        // shard takes the writer's; a shard that already has a life keeps its digest version and the writer follows.
        if (encoder == null) {
            return; // a pipeline that never seals (tests of the state alone)
        }
        if (state.isNew()) {
            state.useDigestVersion(encoder.writer().digestVersion());
        } else {
            encoder.useDigestVersion(state.digestVersion());
        }
    }

    /** Takes one event at {@code nowMillis}; returns the batch it sealed (count or size), or null. */
    public Sealed apply(ChangeEvent event, long nowMillis) {
        if (openedAtMillis < 0) {
            openedAtMillis = nowMillis;
        }
        ShardBatch full = state.apply(event);
        if (full != null) {
            throw new IllegalStateException("shard " + state.shard() + " sealed by itself; the pipeline's state must not cap batches");
        }
        FlushPolicy.Reason reason = policy.sealNow(state.openSourceChanges(), state.openAppliedChanges());
        return reason == null ? null : seal(reason, nowMillis);
    }

    /** True if a batch is open (it has taken a change since the last seal). */
    public boolean isOpen() {
        return openedAtMillis >= 0;
    }

    /** When the open batch must be sealed at the latest; only while {@link #isOpen()}. */
    public long deadline() {
        return policy.deadline(openedAtMillis);
    }

    /** Seals the open batch if its latency budget has run out at {@code nowMillis}. */
    public Sealed sealIfDue(long nowMillis) {
        return isOpen() && nowMillis >= deadline() ? seal(FlushPolicy.Reason.LATENCY, nowMillis) : null;
    }

    /**
     * At a checkpoint barrier: seals the open batch if its latency budget runs out at or before
     * {@code nextBarrierMillis}. Such a batch would be sealed by its deadline before the next barrier and
     * then wait for that barrier's checkpoint to become visible (exactly-once output commits with
     * checkpoints); sealed now, it commits with this checkpoint, one interval earlier, and holds nearly the
     * same changes. A budget longer than the checkpoint interval never seals here, so batch boundaries of
     * such runs (e.g. {@code batch.latency-budget 1d}) stay independent of checkpoint timing.
     */
    public Sealed sealIfDueBefore(long nextBarrierMillis, long nowMillis) {
        return isOpen() && deadline() <= nextBarrierMillis ? seal(FlushPolicy.Reason.LATENCY, nowMillis) : null;
    }

    /**
     * Seals whatever is open ({@code reason} CHECKPOINT or END_OF_INPUT). Returns null if nothing was open
     * or the open batch only held dropped or no-op events (nothing to ship, no sequence used).
     */
    public Sealed sealForCheckpoint(FlushPolicy.Reason reason, long nowMillis) {
        return isOpen() ? seal(reason, nowMillis) : null;
    }

    private Sealed seal(FlushPolicy.Reason reason, long nowMillis) {
        long source = state.openSourceChanges();
        long applied = state.openAppliedChanges();
        long openMillis = nowMillis - openedAtMillis;
        openedAtMillis = -1;
        ShardBatch batch = state.seal();
        ShardBatchEncoder.Encoded encoded = null;
        if (batch != null) {
            encoded = encoder.encode(batch, receiverKeys == null ? HeldKeys.NONE : receiverKeys.before(batch));
            if (receiverKeys != null) {
                receiverKeys.sealed(batch, state.sealedKeyChanges());
            }
        }
        policy.sealed(source, applied, encoded == null ? 0 : encoded.bytes().length, openMillis);
        return encoded == null ? null : new Sealed(encoded, reason, openMillis);
    }

    /**
     * The shard's checkpoint, with its open batch if one is open. First writes the serialized store's cached
     * row changes to its bytes ({@link SerializedShardStateStore#flush}), so that the bytes, snapshotted with
     * this value, hold the rows it describes.
     */
    public ShardCheckpoint checkpoint() {
        state.hashUnhashedRows(); // rows stored with their hashes, as the bytes would hold them had none waited
        if (serializedStore != null) {
            serializedStore.flush();
        }
        ShardDeltaState.OpenBatch open = state.openBatch();
        return new ShardCheckpoint(state.progress(), serializedStore == null ? new long[2] : serializedStore.counts(),
                encoder.emittedSchemaIds(), policy.changesPerMilli(), policy.bytesPerChange(),
                open == null ? -1 : openedAtMillis, open, encoder.probeState());
    }

    /** Continues from a checkpoint; the store must hold the rows of the same checkpoint. */
    public void restore(ShardCheckpoint c) {
        state.restore(c.progress());
        // The checkpoint's digest version is the shard's for life (v1 for checkpoints written before digest v2):
        // its batches keep the format that carries it.
        if (encoder != null) {
            encoder.useDigestVersion(state.digestVersion());
        }
        state.restoreOpenBatch(c.openBatch());
        openedAtMillis = c.openBatch() == null ? -1 : c.openedAtMillis();
        if (serializedStore != null) {
            serializedStore.restoreCounts(c.storeCounts());
        }
        encoder.restoreEmittedSchemaIds(c.emittedSchemaIds());
        encoder.restoreProbeState(c.probe());
        if (receiverKeys != null) {
            receiverKeys.clear();
        }
        policy.restore(c.changesPerMilli(), c.bytesPerChange());
    }

    public ShardDeltaState state() {
        return state;
    }

    public FlushPolicy policy() {
        return policy;
    }

    public ShardBatchEncoder encoder() {
        return encoder;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
