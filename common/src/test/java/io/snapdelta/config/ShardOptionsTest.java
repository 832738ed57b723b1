package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.shard.ShardingVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardOptionsTest {
    @TempDir
    Path dir;

    @Test
    void hashVersionDefaultsToV2AndReadsEitherNumberFromAMapAFileAndTheCommandLine() throws Exception {
        assertEquals(ShardingVersion.V2, Configuration.fromMap(Map.of()).get(ShardOptions.HASH_VERSION));
        assertEquals(ShardingVersion.V1, Configuration.fromMap(Map.of("shard.hash-version", "1")).get(ShardOptions.HASH_VERSION));
        assertEquals(ShardingVersion.V2, Configuration.fromMap(Map.of("shard.hash-version", "2")).get(ShardOptions.HASH_VERSION));
        Path file = Files.writeString(dir.resolve("job.yaml"), "shard.hash-version: 1   # a deployment started before sharding v2\n");
        assertEquals(ShardingVersion.V1, ConfigLoader.forRegistry().load(file, List.of()).get(ShardOptions.HASH_VERSION));
        assertEquals(ShardingVersion.V2, ConfigLoader.forRegistry().load(file, List.of("--shard.hash-version", "2")).get(ShardOptions.HASH_VERSION));
    }

    @Test
    void anUnknownHashVersionIsRejectedNamingTheOption() {
        for (String bad : new String[] {"0", "3", "v2", "sha256"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> Configuration.fromMap(Map.of("shard.hash-version", bad)).get(ShardOptions.HASH_VERSION), bad);
            assertTrue(e.getMessage().contains("shard.hash-version"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ShardingVersion.of(3));
    }
}
