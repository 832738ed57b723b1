package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmSettingsTest {
    @Test
    void reportsTheHeapInEffectAndTheFlagValueNotItsSpelling() {
        Map<String, Object> m = JvmSettings.inEffect();
        assertEquals(Runtime.getRuntime().maxMemory(), m.get("heap_max_bytes"));
        boolean spelledOn = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
        // Surefire's fork does not pre-touch; the value comes from the VM, so it is false here unless asked for.
        assertEquals(spelledOn, m.get("heap_pretouched"));
        // The collector is named even when no flag chose it (the JVM's default).
        assertTrue(m.get("garbage_collectors") instanceof List<?> names && !names.isEmpty(), String.valueOf(m));
        // The pause goal is the VM's value, set or not: under G1 (the default collector of Surefire's fork) a number
        // of milliseconds (200 unless a flag says else); under Parallel GC "no goal", reported as -1.
        String goal = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxGCPauseMillis").getValue();
        boolean g1 = JvmSettings.garbageCollectors().contains("G1 Young Generation");
        assertEquals(g1 ? Long.parseLong(goal) : -1L, m.get("gc_pause_goal_ms"), goal);
    }

    @Test
    void keepsHeapGcAndJitOptionsOnly() {
        assertTrue(JvmSettings.shapesTheRun("-Xms6g"));
        assertTrue(JvmSettings.shapesTheRun("-Xmx16g"));
        assertTrue(JvmSettings.shapesTheRun("-XX:+AlwaysPreTouch"));
        assertTrue(JvmSettings.shapesTheRun("-XX:InitialRAMPercentage=25"));
        for (String other : List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dlog4j2.level=DEBUG",
                "-agentpath:/tmp/x.so", "-XX:+UnlockDiagnosticVMOptions")) {
            assertFalse(JvmSettings.shapesTheRun(other), other);
        }
    }
}
