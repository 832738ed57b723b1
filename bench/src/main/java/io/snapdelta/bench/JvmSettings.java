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
        return m;
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
        com.sun.management.HotSpotDiagnosticMXBean hotspot =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        return hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("AlwaysPreTouch").getValue());
    }

    /** Heap, GC and JIT options (not the module opens, agents or system properties). */
    static boolean shapesTheRun(String arg) {
        return arg.startsWith("-Xm") || arg.startsWith("-Xs") || (arg.startsWith("-XX:") && !arg.startsWith("-XX:+UnlockDiagnosticVMOptions"));
    }
}
