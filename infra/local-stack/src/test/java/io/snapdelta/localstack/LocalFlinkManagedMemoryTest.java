package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MiniCluster's managed memory (RocksDB's block cache and memtables) can be set, and bad sizes are named. */
class LocalFlinkManagedMemoryTest {
    @TempDir
    Path parent;

    @Test
    void anOverrideSetsTheManagedMemoryTheTaskManagerReports() {
        try (LocalFlink flink = LocalFlink.start(parent, 1, LocalFlink.managedMemoryOverride("256m"))) {
            List<JsonNode> taskManagers = new FlinkRestClient(flink.restAddress()).taskManagers();
            assertEquals(1, taskManagers.size(), taskManagers.toString());
            assertEquals(256L << 20, taskManagers.get(0).path("memoryConfiguration").path("managedMemory").asLong(), taskManagers.toString());
            assertEquals(256L << 20, flink.managedMemory().getBytes());
        }
    }

    @Test
    void theOverrideIsFlinksOwnSettingInFlinksSyntax() {
        assertEquals(Map.of("taskmanager.memory.managed.size", "2 gb"), LocalFlink.managedMemoryOverride(" 2g "));
    }

    @Test
    void aValueThatIsNotAMemorySizeOrIsZeroIsRefusedByName() {
        IllegalArgumentException notASize = assertThrows(IllegalArgumentException.class, () -> LocalFlink.managedMemoryOverride("lots"));
        assertTrue(notASize.getMessage().startsWith("managed memory 'lots' is not a memory size (e.g. 512m, 2g)"), notASize.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> LocalFlink.managedMemoryOverride("0m"));
        assertEquals("managed memory must be more than zero, got '0m'", zero.getMessage());
    }
}
