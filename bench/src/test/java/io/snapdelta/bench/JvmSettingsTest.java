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
