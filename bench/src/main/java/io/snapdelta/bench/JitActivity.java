package io.snapdelta.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * What HotSpot's JIT compilers are doing, read beside {@link CpuMeter}'s JIT CPU time to tell why a warm run still
 * spends it: the time spent in compilations ({@link CompilationMXBean#getTotalCompilationTime()}: elapsed time summed
 * over the compiler threads, not CPU time) and how many methods wait in the C1 and C2 compile queues (the
 * {@code Compiler.queue} diagnostic command, as {@code jcmd PID Compiler.queue} prints it). On pgbench-small after 8
 * warm-up runs the queues held 0-12 methods at submission while the compile time during the ~4 s run was 1.9-4.6 s:
 * the run's JIT work is not left over from earlier runs but started by it, as methods C1 compiled at start-up or in
 * the first run (Kafka clients, Flink's runtime, the broker) cross C2's thresholds one submission at a time; it falls
 * to ~1 s per run after ~13 runs and to 0.4-0.7 s after ~28 ({@code jit_compile_seconds_per_run}), and a job that has run
 * for minutes pays none ({@link WarmupPolicy} warms up until then).
 */
final class JitActivity {
    /** One reading; a figure the JVM does not offer is -1. */
    record Reading(long compileMillis, int c1Queued, int c2Queued) {
        /** Seconds of compilation (elapsed, summed over the compiler threads) from this reading to now; -1 if unknown. */
        double compileSecondsUntilNow() {
            long millis = compileMillisNow();
            return millis >= 0 && compileMillis >= 0 ? (millis - compileMillis) / 1e3 : -1;
        }
    }

    private static final ObjectName DIAGNOSTIC_COMMAND = objectName("com.sun.management:type=DiagnosticCommand");

    private JitActivity() {
    }

    static Reading now() {
        int[] queued = queued(compilerQueueText());
        return new Reading(compileMillisNow(), queued[0], queued[1]);
    }

    /** HotSpot's total compilation time so far, without the compile queues (a diagnostic command), or -1. */
    private static long compileMillisNow() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** The {@code Compiler.queue} diagnostic command's output, or null where the JVM has no such command. */
    private static String compilerQueueText() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(DIAGNOSTIC_COMMAND, "compilerQueue",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return out instanceof String s ? s : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /**
     * {C1, C2} queue lengths from a {@code Compiler.queue} text: the lines under "C1 compile queue:" and
     * "C2 compile queue:" up to the next blank line ("Empty" counts 0); -1 for a queue the text does not show.
     */
    static int[] queued(String text) {
        int[] n = {-1, -1};
        if (text == null) {
            return n;
        }
        int current = -1;
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.equals("C1 compile queue:") || t.equals("C2 compile queue:")) {
                current = t.charAt(1) - '1';
                n[current] = 0;
            } else if (t.isEmpty()) {
                current = -1;
            } else if (current >= 0 && !t.equals("Empty")) {
                n[current]++;
            }
        }
        return n;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
