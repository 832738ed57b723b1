package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuMeterTest {
    @Test
    void classifiesJavaThreadsOfTheJobTheBrokerAndTheClientsByName() {
        assertEquals(CpuMeter.Group.FLINK_TASKS, CpuMeter.javaGroupOf(
                "shard-deltas (S=16) -> deltas -> snapdelta.bench.throughput.deltas: Writer -> deltas: Committer (2/2)#0"));
        assertEquals(CpuMeter.Group.KAFKA_BROKER, CpuMeter.javaGroupOf("data-plane-kafka-request-handler-3"));
        assertEquals(CpuMeter.Group.KAFKA_BROKER, CpuMeter.javaGroupOf("kafka-1-raft-io-thread"));
        assertEquals(CpuMeter.Group.KAFKA_BROKER, CpuMeter.javaGroupOf("TxnMarkerSenderThread-1"));
        assertEquals(CpuMeter.Group.KAFKA_CLIENTS, CpuMeter.javaGroupOf(
                "kafka-producer-network-thread | producer-snapdelta-bench-throughput-deltas-0-3"));
        assertEquals(CpuMeter.Group.KAFKA_CLIENTS, CpuMeter.javaGroupOf("Source Data Fetcher for Source: source-x (1/2)#0"));
        assertEquals(CpuMeter.Group.OTHER, CpuMeter.javaGroupOf("flink-pekko.actor.default-dispatcher-5"));
    }

    @Test
    void classifiesNativeThreadsByTheirLinuxNameAndLeavesJavaThreadsAlone() {
        assertEquals(CpuMeter.Group.JIT, CpuMeter.nativeGroupOf("C2 CompilerThre"));
        assertEquals(CpuMeter.Group.GC, CpuMeter.nativeGroupOf("GC Thread#1"));
        assertEquals(CpuMeter.Group.ROCKSDB, CpuMeter.nativeGroupOf("rocksdb:low"));
        assertNull(CpuMeter.nativeGroupOf("shard-deltas (S"));
    }

    @Test
    void groupsAddUpToTheProcessCpuTimeWithOtherAsTheRemainder() throws Exception {
        CpuMeter m = CpuMeter.start();
        long x = 0;
        for (int i = 0; i < 20_000_000; i++) {
            x += Long.hashCode(x * 31 + i);
        }
        m.close();
        Map<CpuMeter.Group, Long> g = m.byGroup();
        long sum = g.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(x != 1);
        assertEquals(CpuMeter.Group.values().length, g.size());
        assertTrue(sum >= m.processCpuNanos(), sum + " < " + m.processCpuNanos());
        assertTrue(g.get(CpuMeter.Group.OTHER) > 0, "this test's own thread is in no named group: " + g);
    }

    @Test
    void theMetersOwnSamplingThreadIsMeasuredApartAndLeftOutOfTheProcessTotal() throws Exception {
        CpuMeter m = CpuMeter.start();
        long x = 0;
        for (int i = 0; i < 20_000_000; i++) {
            x += Long.hashCode(x * 31 + i);
        }
        m.close();
        assertTrue(x != 1);
        assertTrue(m.meterCpuNanos() > 0, "the sampler ran, so it used some CPU: " + m.meterCpuNanos());
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assertTrue(java.util.Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .noneMatch(t -> t != null && t.getThreadName().equals("snapdelta-bench-cpu-sampler")), "the sampler stopped");
        long sum = m.byGroup().values().stream().mapToLong(Long::longValue).sum();
        assertTrue(sum >= m.processCpuNanos(), sum + " < " + m.processCpuNanos());
    }

    @Test
    void nativeThreadsAreCountedFromTheirStartWhetherKnownAtTheStartOrFoundLater(@TempDir Path tasks) throws Exception {
        writeStat(tasks, 101, "C2 CompilerThre", 10, 5);
        writeStat(tasks, 102, "java", 50, 50);
        CpuMeter m = CpuMeter.start(null, tasks);
        writeStat(tasks, 101, "C2 CompilerThre", 30, 5); // 20 ticks of compiling while measured
        writeStat(tasks, 103, "rocksdb:low", 3, 1); // started while measured: all of its 4 ticks count
        writeStat(tasks, 102, "java", 90, 90); // a Java thread's /proc time is not a native group's
        m.close();
        Map<CpuMeter.Group, Long> g = m.byGroup();
        assertEquals(200_000_000L, g.get(CpuMeter.Group.JIT), g.toString());
        assertEquals(40_000_000L, g.get(CpuMeter.Group.ROCKSDB), g.toString());
        assertEquals(0L, g.get(CpuMeter.Group.GC), g.toString());
    }

    /** Writes {@code tasks/tid/stat} as Linux does: utime and stime are fields 14 and 15, in ticks of 10 ms. */
    private static void writeStat(Path tasks, int tid, String comm, long utime, long stime) throws Exception {
        Path dir = Files.createDirectories(tasks.resolve(Integer.toString(tid)));
        Path tmp = Files.writeString(dir.resolve("stat.tmp"),
                tid + " (" + comm + ") S 1 1 1 0 -1 4194368 10 0 0 0 " + utime + " " + stime + " 0 0 20 0 40 0 100 0\n");
        Files.move(tmp, dir.resolve("stat"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
