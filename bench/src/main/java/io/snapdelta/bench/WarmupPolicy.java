package io.snapdelta.bench;

import java.time.Duration;
import java.util.List;

/**
 * When {@code bench job} stops warming up and measures: once the JIT has settled, i.e. {@link #SETTLED_RUNS} warm-up
 * runs in a row each spent at most {@code jitSettledShare} of their wall time compiling
 * ({@link WarmupRun#jitCompileSeconds()}), or at {@code maxRuns} warm-up runs, or once the warm-up runs have
 * taken {@code budget}, whichever comes first.
 *
 * <p>Why the JIT: on this 2-core machine HotSpot has one C2 thread, and a bounded job re-submitted over the same input
 * keeps pushing code over the compile thresholds for minutes (the Kafka broker and clients, Flink's runtime, the job's
 * start-up code: 1,100-2,100 compilations per 5 s, two thirds of them recompilations at a higher tier, around the
 * ninth run; NOTES.md, session 15). After 8 runs the measured run still spent 2.1-2.2 of its 5.5-6.0 CPU s in the compiler
 * threads; after 30, 0.43 of 3.6. A job that has run for minutes pays none of that, so a fixed count of runs
 * measured the JVM's start-up more than the job. {@code jitSettledShare} 0 disables the JIT criterion (exactly {@code maxRuns}, as before).
 */
record WarmupPolicy(int maxRuns, Duration budget, double jitSettledShare) {
    /** Consecutive warm-up runs that must each be at or below the JIT share. */
    static final int SETTLED_RUNS = 2;

    /** What the policy reads of a warm-up run: the throughput phase's job runs and the latency phase's runs. */
    interface WarmupRun {
        /** Time the compiler threads spent compiling during the run (elapsed, summed over them); -1 if unknown. */
        double jitCompileSeconds();

        /** The run's wall time, the denominator of the JIT share. */
        double wallSeconds();
    }

    /** Why the warm-up ended. */
    enum Stop {
        /** {@link #SETTLED_RUNS} runs in a row compiled for at most the JIT share of their wall time. */
        JIT_SETTLED("jit_settled"),
        /** {@code maxRuns} warm-up runs were done. */
        MAX_RUNS("max_runs"),
        /** The warm-up runs took the time budget. */
        TIME_BUDGET("time_budget");

        final String id;

        Stop(String id) {
            this.id = id;
        }
    }

    WarmupPolicy {
        if (maxRuns < 0 || budget.isNegative() || !(jitSettledShare >= 0 && jitSettledShare <= 1)) {
            throw new IllegalArgumentException("warm-up: runs and budget must be >= 0 and the JIT share within [0, 1], got "
                    + maxRuns + ", " + budget + ", " + jitSettledShare);
        }
    }

    /**
     * Whether to measure now, after {@code warmups} (the runs done so far, the cold one first; all of them warm-ups)
     * that took {@code elapsed}: the reason to stop, or null to run another warm-up.
     */
    Stop stopAfter(List<? extends WarmupRun> warmups, Duration elapsed) {
        // The JIT criterion first: when it holds at the last allowed run too, that is the more telling reason.
        if (jitSettledShare > 0 && warmups.size() >= SETTLED_RUNS && warmups.size() <= maxRuns) {
            boolean settled = true;
            for (WarmupRun r : warmups.subList(warmups.size() - SETTLED_RUNS, warmups.size())) {
                settled &= r.jitCompileSeconds() >= 0 && r.jitCompileSeconds() <= jitSettledShare * r.wallSeconds();
            }
            if (settled) {
                return Stop.JIT_SETTLED;
            }
        }
        if (warmups.size() >= maxRuns) {
            return Stop.MAX_RUNS;
        }
        return !warmups.isEmpty() && elapsed.compareTo(budget) >= 0 ? Stop.TIME_BUDGET : null;
    }
}
