package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmupPolicyTest {
    private static final Duration LONG = Duration.ofHours(1);

    /** A warm-up run of {@code wall} seconds that spent {@code jit} seconds compiling. */
    private static ThroughputPhase.Run run(double wall, double jit) {
        return new ThroughputPhase.Run(10, 10, 0, 0, wall, 2 * wall, Map.of(), null, null, 10, new JitActivity.Reading(0, 0, 0), jit,
                new ThroughputPhase.StateLookups(0, 0, 0));
    }

    private static List<ThroughputPhase.Run> runs(double... jitSecondsOfFourSecondRuns) {
        List<ThroughputPhase.Run> r = new ArrayList<>();
        for (double jit : jitSecondsOfFourSecondRuns) {
            r.add(run(4, jit));
        }
        return r;
    }

    @Test
    void theWarmUpGoesOnWhileTheJitCompilesForMoreThanItsShare() {
        WarmupPolicy p = new WarmupPolicy(40, LONG, 0.2);
        assertNull(p.stopAfter(runs(), Duration.ZERO));
        assertNull(p.stopAfter(runs(15), LONG.minusSeconds(1)));
        assertNull(p.stopAfter(runs(15, 0.5), LONG.minusSeconds(1)), "one settled run is not enough");
        assertNull(p.stopAfter(runs(15, 0.5, 0.81), LONG.minusSeconds(1)), "0.81 s of 4 s is above 0.2");
        assertNull(p.stopAfter(runs(15, 0.8, 0.9, 0.7), LONG.minusSeconds(1)));
    }

    @Test
    void twoRunsInARowAtOrBelowTheShareSettleIt() {
        WarmupPolicy p = new WarmupPolicy(40, LONG, 0.2);
        assertEquals(WarmupPolicy.Stop.JIT_SETTLED, p.stopAfter(runs(15, 3, 0.8, 0.4), Duration.ZERO));
        assertEquals(WarmupPolicy.Stop.JIT_SETTLED, p.stopAfter(runs(0.1, 0.1), Duration.ZERO));
        assertEquals(WarmupPolicy.Stop.JIT_SETTLED, new WarmupPolicy(4, LONG, 0.2).stopAfter(runs(15, 3, 0.8, 0.4), Duration.ZERO),
                "settled at the last allowed run: the JIT is the reason given");
        assertEquals(WarmupPolicy.Stop.MAX_RUNS, new WarmupPolicy(4, LONG, 0.2).stopAfter(runs(15, 3, 0.9, 0.4), Duration.ZERO));
    }

    @Test
    void aJvmThatDoesNotReportCompileTimeNeverSettlesAndStopsOnRunsOrTime() {
        WarmupPolicy p = new WarmupPolicy(3, Duration.ofSeconds(10), 0.2);
        assertNull(p.stopAfter(runs(-1, -1), Duration.ofSeconds(9)));
        assertEquals(WarmupPolicy.Stop.TIME_BUDGET, p.stopAfter(runs(-1, -1), Duration.ofSeconds(10)));
        assertEquals(WarmupPolicy.Stop.MAX_RUNS, p.stopAfter(runs(-1, -1, -1), Duration.ZERO));
    }

    @Test
    void aZeroShareRunsTheFixedCountAsBefore() {
        WarmupPolicy p = new WarmupPolicy(8, LONG, 0);
        assertNull(p.stopAfter(runs(0, 0, 0, 0, 0, 0, 0), Duration.ZERO));
        assertEquals(WarmupPolicy.Stop.MAX_RUNS, p.stopAfter(runs(0, 0, 0, 0, 0, 0, 0, 0), Duration.ZERO));
        assertEquals(WarmupPolicy.Stop.MAX_RUNS, new WarmupPolicy(0, LONG, 0.2).stopAfter(runs(), Duration.ZERO));
    }

    @Test
    void aZeroBudgetMeasuresTheRunAfterTheColdOne() {
        WarmupPolicy p = new WarmupPolicy(40, Duration.ZERO, 0.2);
        assertNull(p.stopAfter(runs(), Duration.ZERO), "the cold run always runs");
        assertEquals(WarmupPolicy.Stop.TIME_BUDGET, p.stopAfter(runs(15), Duration.ZERO));
    }

    /** A latency run's shape: compile time against the time the input was produced (~9 s at 20,000/s). */
    private record LatencyRun(double jitCompileSeconds, double wallSeconds) implements WarmupPolicy.WarmupRun {
    }

    @Test
    void theLatencyWarmUpSettlesOnItsOwnRunsShareOfTheirWallTime() {
        WarmupPolicy p = new WarmupPolicy(12, LONG, 0.1);
        assertNull(p.stopAfter(List.of(), Duration.ZERO), "the latency phase warms up at least once unless told 0");
        assertNull(p.stopAfter(List.of(new LatencyRun(4.7, 9), new LatencyRun(3.5, 9), new LatencyRun(0.9, 9)), Duration.ZERO),
                "one run at or below 0.9 s of 9 s is not enough");
        assertEquals(WarmupPolicy.Stop.JIT_SETTLED,
                p.stopAfter(List.of(new LatencyRun(4.7, 9), new LatencyRun(0.9, 9), new LatencyRun(0.27, 9)), Duration.ZERO));
        assertNull(p.stopAfter(List.of(new LatencyRun(0.27, 9), new LatencyRun(0.91, 9)), Duration.ZERO), "0.91 s of 9 s is above 0.1");
        assertEquals(WarmupPolicy.Stop.TIME_BUDGET, new WarmupPolicy(12, Duration.ofSeconds(300), 0.1)
                .stopAfter(List.of(new LatencyRun(4, 9)), Duration.ofSeconds(300)));
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(-1, LONG, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(1, LONG, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(1, LONG, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(1, Duration.ofSeconds(-1), 0.2));
    }
}
