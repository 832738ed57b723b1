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

    /** Accumulators (job-wide sums in the JobExecutionResult; {@code bin/snapdelta local} prints them under these names). */
    public static final String ACC_DUPLICATES_DROPPED = "duplicates_dropped";
    public static final String ACC_STALE_DROPPED = "stale_dropped";
    public static final String ACC_NOOP_UPDATES = "noop_updates";
    public static final String ACC_COALESCED = "coalesced";
}
