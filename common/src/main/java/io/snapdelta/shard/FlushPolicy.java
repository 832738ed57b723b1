package io.snapdelta.shard;

/**
 * When a shard seals its open batch: on count, on estimated size, or on the latency budget, whichever
 * comes first. The count target follows the observed rate (the changes that arrive within one latency
 * budget, so a busy shard seals on count just before its deadline and a quiet one on the deadline), and
 * both targets are capped by what receivers declare they can take ({@code batch.max-changes},
 * {@code batch.max-bytes}).
 *
 * <p>The size of a batch is only known once it is encoded, so the policy estimates it from the sealed
 * bytes per applied change of recent batches (exponential moving average; a conservative
 * {@link #INITIAL_BYTES_PER_CHANGE} before the first batch). A batch seals before the change that would
 * take the estimate over the byte cap; a batch whose changes are much larger than the recent average can
 * exceed the cap by that misestimate. Flink-free; one instance per shard; the clock is the caller's
 * (milliseconds).
 */
public final class FlushPolicy {
    /** Assumed sealed bytes per applied change before any batch was measured. */
    public static final double INITIAL_BYTES_PER_CHANGE = 256;
    private static final double ALPHA = 0.3;

    private final long latencyBudgetMillis;
    private final int maxChanges;
    private final long maxBytes;
    /** Source changes per millisecond while a batch was open; 0 until the first batch. */
    private double changesPerMilli;
    private double bytesPerChange = INITIAL_BYTES_PER_CHANGE;
    private boolean bytesMeasured;
    private int countTarget;

    public FlushPolicy(long latencyBudgetMillis, int maxChanges, long maxBytes) {
        if (latencyBudgetMillis < 1 || maxChanges < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("latency budget, max changes and max bytes must be positive: "
                    + latencyBudgetMillis + " ms, " + maxChanges + ", " + maxBytes + " bytes");
        }
        this.latencyBudgetMillis = latencyBudgetMillis;
        this.maxChanges = maxChanges;
        this.maxBytes = maxBytes;
        this.countTarget = maxChanges;
    }

    /** Why a batch was sealed (a metric label and a log word). */
    public enum Reason { COUNT, SIZE, LATENCY, CHECKPOINT, END_OF_INPUT }

    /**
     * Checked after each change the open batch takes: {@link Reason#COUNT}, {@link Reason#SIZE}, or
     * {@code null} to keep it open.
     */
    public Reason sealNow(long openSourceChanges, long openAppliedChanges) {
        if (openSourceChanges >= countTarget) {
            return Reason.COUNT;
        }
        if ((openAppliedChanges + 1) * bytesPerChange > maxBytes) {
            return Reason.SIZE;
        }
        return null;
    }

    /** When a batch opened at {@code openedAtMillis} must be sealed at the latest. */
    public long deadline(long openedAtMillis) {
        return openedAtMillis + latencyBudgetMillis;
    }

    /**
     * Feeds back a sealed batch: source changes it took, the changes that altered state, its sealed bytes
     * (0 if it had nothing to ship) and how long it was open.
     */
    public void sealed(long sourceChanges, long appliedChanges, long sealedBytes, long openMillis) {
        double rate = (double) sourceChanges / Math.max(1, openMillis);
        changesPerMilli = changesPerMilli == 0 ? rate : changesPerMilli + ALPHA * (rate - changesPerMilli);
        if (appliedChanges > 0 && sealedBytes > 0) {
            double bpc = (double) sealedBytes / appliedChanges;
            bytesPerChange = bytesMeasured ? bytesPerChange + ALPHA * (bpc - bytesPerChange) : bpc;
            bytesMeasured = true;
        }
        retarget();
    }

    private void retarget() {
        double perBudget = changesPerMilli * latencyBudgetMillis;
        countTarget = changesPerMilli == 0 ? maxChanges : (int) Math.max(1, Math.min(maxChanges, Math.ceil(perBudget)));
    }

    /** Restores the estimates from a checkpoint. */
    public void restore(double changesPerMilli, double bytesPerChange) {
        this.changesPerMilli = changesPerMilli;
        this.bytesMeasured = bytesPerChange > 0;
        this.bytesPerChange = bytesMeasured ? bytesPerChange : INITIAL_BYTES_PER_CHANGE;
        retarget();
    }

    public int countTarget() {
        return countTarget;
    }

    public double changesPerMilli() {
        return changesPerMilli;
    }

    /** The estimate; 0 while nothing was measured (what a checkpoint stores). */
    public double bytesPerChange() {
        return bytesMeasured ? bytesPerChange : 0;
    }

    public long latencyBudgetMillis() {
        return latencyBudgetMillis;
    }
}
