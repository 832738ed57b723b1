package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which measured throughput run is reported ({@link ThroughputPhase#medianIndex}) and how many are measured. */
class ThroughputMeasurementTest {
    /** A run of the same input that took {@code cpu} process CPU seconds. */
    private static ThroughputPhase.Run run(double cpu) {
        return new ThroughputPhase.Run(10, 10, 0, 0, 1.0, cpu, Map.of(), null, null, 10, new JitActivity.Reading(0, 0, 0), 0,
                new ThroughputPhase.StateLookups(0, 0, 0));
    }

    private static List<ThroughputPhase.Run> runs(double... cpuSeconds) {
        List<ThroughputPhase.Run> r = new ArrayList<>();
        for (double cpu : cpuSeconds) {
            r.add(run(cpu));
        }
        return r;
    }

    @Test
    void theReportedRunHasTheMedianProcessCpu() {
        assertEquals(0, ThroughputPhase.medianIndex(runs(1.5)));
        assertEquals(3, ThroughputPhase.medianIndex(runs(1.9, 1.4, 2.6, 1.6, 1.5)), "1.4 1.5 [1.6] 1.9 2.6");
        assertEquals(1, ThroughputPhase.medianIndex(runs(1.6, 1.6, 1.6)), "ties sort in the order the runs ran");
        assertEquals(1, ThroughputPhase.medianIndex(runs(1.2, 1.8, 2.0)));
    }

    @Test
    void anEvenCountReportsTheSlowerOfTheMiddleTwo() {
        assertEquals(1, ThroughputPhase.medianIndex(runs(1.4, 1.7)), "of two, the one with more CPU: the lower rate");
        assertEquals(2, ThroughputPhase.medianIndex(runs(1.7, 1.2, 1.6, 1.3)), "1.2 1.3 [1.6] 1.7");
    }

    @Test
    void noRunIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ThroughputPhase.medianIndex(List.of()));
    }

    @Test
    void theReportedRunIsAMeasuredOneNeverAWarmUp() {
        List<ThroughputPhase.Run> all = runs(9.0, 1.0, 1.1, 1.6, 1.5, 1.4);
        ThroughputPhase.Result r = new ThroughputPhase.Result(10, all, 3, WarmupPolicy.Stop.MAX_RUNS, 2, 0, 0, Map.of());
        assertEquals(3, r.warmups());
        assertSame(all.get(0), r.cold());
        assertEquals(all.subList(3, 6), r.measuredRunsInOrder());
        assertEquals(1, r.measuredIndex());
        assertSame(all.get(4), r.measured(), "measured 1.6 1.5 1.4: the run of 1.5 CPU s");
        assertEquals(10 / 1.5, r.changesPerCoreSecond(), 1e-9);
    }

    @Test
    void atLeastOneRunIsMeasuredThenUpToTheCountWithinTheBudget() {
        ThroughputPhase.Measurement m = new ThroughputPhase.Measurement(5, Duration.ofSeconds(60));
        assertTrue(m.another(0, Duration.ofHours(1)), "the first measured run even past the budget");
        assertTrue(m.another(1, Duration.ofSeconds(59)));
        assertFalse(m.another(1, Duration.ofSeconds(60)), "a long capture's one run is enough");
        assertTrue(m.another(4, Duration.ofSeconds(10)));
        assertFalse(m.another(5, Duration.ofSeconds(10)), "at most the count");
        ThroughputPhase.Measurement one = new ThroughputPhase.Measurement(1, Duration.ofSeconds(60));
        assertTrue(one.another(0, Duration.ZERO));
        assertFalse(one.another(1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ThroughputPhase.Measurement(0, Duration.ofSeconds(60)));
        assertThrows(IllegalArgumentException.class, () -> new ThroughputPhase.Measurement(3, Duration.ofSeconds(-1)));
    }
}
