package io.snapdelta.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM settings a benchmark's rates depend on, for its JSON: the heap's initial and maximum size, whether it
 * was touched before the run, the options given on the command line that shape the heap, GC or JIT, and the
 * garbage collectors in effect. A rate
 * measured in a JVM seconds old, whose heap takes fresh pages from the kernel, reads lower than the same code in
 * a long-running TaskManager ({@code bin/snapdelta} pre-touches a fixed heap for the measuring benchmarks).
 */
final class JvmSettings {
    private JvmSettings() {
    }

    static Map<String, Object> inEffect() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heap_initial_bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit());
        m.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        m.put("heap_pretouched", alwaysPreTouch());
        m.put("options", args.stream().filter(JvmSettings::shapesTheRun).toList());
        m.put("garbage_collectors", garbageCollectors());
        m.put("gc_pause_goal_ms", pauseGoalMillis());
        return m;
    }

    /**
     * The collector's pause-time goal in effect ({@code MaxGCPauseMillis}: G1's default 200 ms, which the
     * launcher's job commands spell out; Parallel GC's default is no goal, reported as -1): under G1 it sizes the young
     * generation, and with it how long each young pause of the latency phase takes.
     */
    static long pauseGoalMillis() {
        String value = vmOption("MaxGCPauseMillis");
        // An unsigned flag: Parallel GC's "no goal" is its maximum value, which does not fit a long.
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException notALong) {
            return -1;
        }
    }

    /**
     * The collectors in effect, by the names the JVM gives them (G1: "G1 Young Generation", ...; Parallel GC:
     * "PS Scavenge", "PS MarkSweep"): the default collector is chosen without a flag, so the options alone do not
     * say which one ran, and a run's rates differ between them (bin/snapdelta, gc_jvm_opts).
     */
    static List<String> garbageCollectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(java.lang.management.GarbageCollectorMXBean::getName).toList();
    }

    /** The flag's value in effect (a later -XX:-AlwaysPreTouch in JAVA_OPTS overrides the launcher's +). */
    static boolean alwaysPreTouch() {
        return Boolean.parseBoolean(vmOption("AlwaysPreTouch"));
    }

    /** A HotSpot flag's value in effect, or null on a JVM without HotSpot's diagnostic bean. */
    private static String vmOption(String name) {
        com.sun.management.HotSpotDiagnosticMXBean hotspot =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        return hotspot == null ? null : hotspot.getVMOption(name).getValue();
    }

    /** Heap, GC and JIT options (not the module opens, agents or system properties). */
    static boolean shapesTheRun(String arg) {
        return arg.startsWith("-Xm") || arg.startsWith("-Xs") || (arg.startsWith("-XX:") && !arg.startsWith("-XX:+UnlockDiagnosticVMOptions"));
    }
}
