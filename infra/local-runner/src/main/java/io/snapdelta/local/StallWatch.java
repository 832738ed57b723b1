package io.snapdelta.local;

import java.time.Duration;

/**
 * Tells a running job from a stalled one by its progress, not its age: stalled once the records its tasks report
 * parsed have not grown for the stall timeout. A large input may take hours; a job that parses nothing new for
 * minutes, and has not finished, is stuck (a final checkpoint that never commits, a source that never ends).
 */
final class StallWatch {
    private final long stallNanos;
    private long lastParsed = -1;
    private long lastProgressNanos;

    StallWatch(Duration stallTimeout, long startNanos) {
        this.stallNanos = stallTimeout.toNanos();
        this.lastProgressNanos = startNanos;
    }

    /**
     * @param parsed records the tasks last reported parsed, -1 when they reported nothing
     * @return whether the job has made no progress for the stall timeout as of {@code nowNanos}
     */
    boolean stalled(long parsed, long nowNanos) {
        if (parsed > lastParsed) {
            lastParsed = parsed;
            lastProgressNanos = nowNanos;
            return false;
        }
        return nowNanos - lastProgressNanos > stallNanos;
    }

    /** The most records ever reported parsed, 0 if none. */
    long lastParsed() {
        return Math.max(0, lastParsed);
    }
}
