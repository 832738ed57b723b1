package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShardingVersionTest {
    @Test
    void numbersAndIdsRoundTrip() {
        for (ShardingVersion v : ShardingVersion.values()) {
            assertEquals(v, ShardingVersion.of(v.number()));
            assertEquals(Integer.toString(v.number()), v.id());
        }
        assertThrows(IllegalArgumentException.class, () -> ShardingVersion.of(0));
    }

    @Test
    void stateRoutedLikeTheJobRestores() {
        assertNull(ShardingVersion.restoreMismatch(3, 2, ShardingVersion.V2));
        assertNull(ShardingVersion.restoreMismatch(3, 1, ShardingVersion.V1));
        // No record: state of a build before sharding v2, which routed with v1.
        assertNull(ShardingVersion.restoreMismatch(3, null, ShardingVersion.V1));
    }

    @Test
    void aMismatchNamesTheShardBothVersionsAndTheOptionToSet() {
        String legacy = ShardingVersion.restoreMismatch(5, null, ShardingVersion.V2);
        assertTrue(legacy.startsWith("shard 5 restored state built with sharding version 1 (the state records none"), legacy);
        assertTrue(legacy.contains("routes keys with sharding version 2 (option shard.hash-version = 2)"), legacy);
        assertTrue(legacy.contains("Set shard.hash-version: 1 to continue this deployment"), legacy);

        String back = ShardingVersion.restoreMismatch(0, 2, ShardingVersion.V1);
        assertTrue(back.startsWith("shard 0 restored state built with sharding version 2, but"), back);
        assertTrue(back.contains("Set shard.hash-version: 2"), back);
    }
}
