package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The steady part of a run, found from sampled progress and CPU clocks. */
class CpuMeterWindowTest {
    private static CpuMeter.Sample sample(long wallMillis, long cpuMillis, long taskMillis, long progress) {
        long[] groups = new long[CpuMeter.Group.values().length];
        groups[CpuMeter.Group.FLINK_TASKS.ordinal()] = taskMillis * 1_000_000;
        groups[CpuMeter.Group.OTHER.ordinal()] = (cpuMillis - taskMillis) * 1_000_000;
        return new CpuMeter.Sample(wallMillis * 1_000_000, cpuMillis * 1_000_000, groups, progress);
    }

    @Test
    void theWindowRunsFromTheFirstSampleAtTheLowerFractionToTheLastBelowTheUpperOne() {
        // Start-up (no progress, much CPU), then 100 changes per sample, then the end (counters gone: 0).
        List<CpuMeter.Sample> samples = List.of(
                sample(0, 0, 0, 0),
                sample(50, 400, 10, 0),
                sample(100, 450, 50, 50),
                sample(150, 500, 90, 150),
                sample(200, 560, 140, 250),
                sample(250, 620, 190, 350),
                sample(300, 700, 230, 420),
                sample(350, 900, 240, 0));
        CpuMeter.Window w = CpuMeter.window(samples, 400, 0.1, 0.9).orElseThrow();
        // first sample with progress >= 40 is the third (50); last with progress <= 360 is the sixth (350)
        assertEquals(300, w.progress());
        assertEquals(150_000_000L, w.wallNanos());
        assertEquals(170_000_000L, w.processCpuNanos());
        assertEquals(140_000_000L, w.cpuNanosByGroup().get(CpuMeter.Group.FLINK_TASKS));
        assertEquals(30_000_000L, w.cpuNanosByGroup().get(CpuMeter.Group.OTHER));
        assertEquals(0L, w.cpuNanosByGroup().get(CpuMeter.Group.JIT));
    }

    @Test
    void aRunTooShortForTwoSamplesInsideTheFractionsHasNoWindow() {
        List<CpuMeter.Sample> samples = List.of(sample(0, 0, 0, 0), sample(50, 300, 20, 5), sample(100, 600, 80, 0));
        assertFalse(CpuMeter.window(samples, 400, 0.1, 0.9).isPresent());
        assertFalse(CpuMeter.window(List.of(), 400, 0.1, 0.9).isPresent());
        // one sample in the window is not a window either
        List<CpuMeter.Sample> one = List.of(sample(0, 0, 0, 0), sample(50, 300, 20, 200), sample(100, 600, 80, 400));
        assertFalse(CpuMeter.window(one, 400, 0.1, 0.9).isPresent());
    }

    @Test
    void theRunSplitsIntoStartUpChangesAndFinishAtTheSamplesWhereTheCounterLeftZeroAndReachedTheTotal() {
        List<CpuMeter.Sample> samples = List.of(
                sample(0, 0, 0, 0),
                sample(50, 300, 10, 0),
                sample(100, 400, 40, 0),
                sample(150, 500, 90, 150),
                sample(200, 560, 140, 399),
                sample(250, 620, 190, 400),
                sample(300, 700, 230, 400),
                sample(350, 900, 240, 0));
        java.util.Map<CpuMeter.Group, Long> end = new java.util.EnumMap<>(CpuMeter.Group.class);
        for (CpuMeter.Group g : CpuMeter.Group.values()) {
            end.put(g, 0L);
        }
        end.put(CpuMeter.Group.FLINK_TASKS, 260_000_000L);
        end.put(CpuMeter.Group.OTHER, 740_000_000L);
        CpuMeter.Phases p = CpuMeter.phases(samples, 400, 380_000_000L, 1_000_000_000L, end).orElseThrow();
        // start-up: to the last sample at 0 before the counter moved (the third; the last one, after the tasks ended, is not)
        assertEquals(100_000_000L, p.startUp().wallNanos());
        assertEquals(400_000_000L, p.startUp().processCpuNanos());
        assertEquals(40_000_000L, p.startUp().cpuNanosByGroup().get(CpuMeter.Group.FLINK_TASKS));
        // changes: from there to the first sample at the total (the sixth)
        assertEquals(150_000_000L, p.changes().wallNanos());
        assertEquals(220_000_000L, p.changes().processCpuNanos());
        assertEquals(150_000_000L, p.changes().cpuNanosByGroup().get(CpuMeter.Group.FLINK_TASKS));
        // finish: from there to the meter's totals at the run's end
        assertEquals(130_000_000L, p.finish().wallNanos());
        assertEquals(380_000_000L, p.finish().processCpuNanos());
        assertEquals(70_000_000L, p.finish().cpuNanosByGroup().get(CpuMeter.Group.FLINK_TASKS));
        assertEquals(310_000_000L, p.finish().cpuNanosByGroup().get(CpuMeter.Group.OTHER));
        assertEquals(1_000_000_000L, p.startUp().processCpuNanos() + p.changes().processCpuNanos() + p.finish().processCpuNanos());
    }

    @Test
    void withoutASampleBeforeTheCounterMovedOrOneAfterThereAreNoPhases() {
        java.util.Map<CpuMeter.Group, Long> end = new java.util.EnumMap<>(CpuMeter.Group.class);
        // the first sample already saw changes
        assertFalse(CpuMeter.phases(List.of(sample(0, 0, 0, 10), sample(50, 300, 20, 400)), 400, 1, 1, end).isPresent());
        // the counter never moved
        assertFalse(CpuMeter.phases(List.of(sample(0, 0, 0, 0), sample(50, 300, 20, 0)), 400, 1, 1, end).isPresent());
        assertFalse(CpuMeter.phases(List.of(), 400, 1, 1, end).isPresent());
        // no sample saw the total: the changes end at the highest reading
        CpuMeter.Phases p = CpuMeter.phases(List.of(sample(0, 0, 0, 0), sample(50, 100, 20, 0), sample(100, 300, 60, 350),
                sample(150, 500, 90, 0)), 400, 200_000_000L, 600_000_000L, end).orElseThrow();
        assertEquals(200_000_000L, p.changes().processCpuNanos());
        assertEquals(300_000_000L, p.finish().processCpuNanos());
    }

    @Test
    void onlyTheShardOperatorsEventsInCounterCountsAsProgress() {
        assertTrue(ShardProgressReporter.isShardEventsIn("127.0.0.1.taskmanager.tm-1.job.shard-deltas.0.snapdelta.shard.eventsIn"));
        assertFalse(ShardProgressReporter.isShardEventsIn("127.0.0.1.taskmanager.tm-1.job.parse.0.snapdelta.ingest.eventsIn"));
        assertFalse(ShardProgressReporter.isShardEventsIn("127.0.0.1.taskmanager.tm-1.job.shard-deltas.0.snapdelta.shard.batches"));
    }
}
