package io.snapdelta.job;

/**
 * Names of what the shard operator reports: Flink metrics in group {@code snapdelta.shard} (counters
 * unless noted). Counts carried by the shard checkpoints (events, drops, no-ops, coalesced) survive a
 * restore; batch and byte counts are per task attempt.
 */
public final class DeltaMetrics {
    private DeltaMetrics() {
    }

    public static final String GROUP = "snapdelta";
    public static final String SUBGROUP = "shard";

    public static final String EVENTS_IN = "eventsIn";
    public static final String DUPLICATES_DROPPED = "duplicatesDropped";
    public static final String STALE_DROPPED = "staleDropped";
    public static final String NOOP_UPDATES = "noopUpdates";
    public static final String COALESCED = "coalescedChanges";
    public static final String TOMBSTONES_PURGED = "tombstonesPurged";
    public static final String BATCHES = "batches";
    public static final String STREAM_ORDERED_BATCHES = "streamOrderedBatches";
    public static final String DELTA_BYTES = "deltaBytes";
    public static final String SHIPPED_OPS = "shippedOps";
    /** Gauge: delta bytes per applied change. */
    public static final String BYTES_PER_CHANGE = "bytesPerChange";
    /** Gauge: codec of the last sealed batch, e.g. {@code zstd-3}. */
    public static final String CODEC = "codec";
    /**
     * Gauge: why the selector chose that codec ({@code io.snapdelta.codec.CodecDecision.Reason}, lower case, e.g.
     * {@code smallest_within_budget}, {@code over_budget_cheapest} under CPU pressure).
     */
    public static final String CODEC_REASON = "codecReason";
    /** Zstd dictionary trainings run on the sealing thread (published or not; see delta.codec.dictionary.*). */
    public static final String DICTIONARY_TRAININGS = "dictionaryTrainings";
    /** Trained dictionaries published (each one a new id replicas fetch). */
    public static final String DICTIONARIES_PUBLISHED = "dictionariesPublished";
    /**
     * Training attempts declined before training because a raw-content dictionary of the recent bodies saved too
     * little (adaptive mode; not counted in {@link #DICTIONARY_TRAININGS}).
     */
    public static final String DICTIONARY_ATTEMPTS_SCREENED_OUT = "dictionaryAttemptsScreenedOut";
    /** Histogram: how long batches were open before sealing, in milliseconds. */
    public static final String SEAL_LATENCY_MS = "sealLatencyMs";
    /**
     * Key look-ups of the shard state answered from the heap (shard.state.cache-entries), per task attempt. With
     * {@link #STATE_READS} and {@link #STATE_READS_SKIPPED}: every look-up is one of the three, so the cache's hit
     * rate is hits / (hits + reads + reads skipped).
     */
    public static final String STATE_CACHE_HITS = "stateCacheHits";
    /** Key look-ups that read RocksDB, per task attempt. */
    public static final String STATE_READS = "stateReads";
    /** Key look-ups the written-keys filter answered "absent" without a RocksDB read, per task attempt. */
    public static final String STATE_READS_SKIPPED = "stateReadsSkipped";

    /** Accumulators (job-wide sums in the JobExecutionResult; {@code bin/snapdelta local} prints them under these names). */
    public static final String ACC_DUPLICATES_DROPPED = "duplicates_dropped";
    public static final String ACC_STALE_DROPPED = "stale_dropped";
    public static final String ACC_NOOP_UPDATES = "noop_updates";
    public static final String ACC_COALESCED = "coalesced";
    /** The three state look-up counts above as accumulators (sums over the job's last attempt). */
    public static final String ACC_STATE_CACHE_HITS = "state_cache_hits";
    public static final String ACC_STATE_READS = "state_reads";
    public static final String ACC_STATE_READS_SKIPPED = "state_reads_skipped";
}
