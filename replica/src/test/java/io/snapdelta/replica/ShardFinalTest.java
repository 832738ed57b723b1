package io.snapdelta.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShardFinalTest {
    private static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void accumulatorEntriesParseIntoSequenceAndDigest() {
        Map<Integer, String> acc = new TreeMap<>(Map.of(0, "41:" + HEX, 3, "-1:" + HEX));
        Map<Integer, ShardFinal> f = ShardFinal.parseAccumulator(acc);
        assertEquals(new ShardFinal(0, 41, HEX), f.get(0));
        assertEquals(new ShardFinal(3, -1, HEX), f.get(3));
    }

    @Test
    void malformedEntryNamesTheShardAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardFinal.parseAccumulator(Map.of(7, "x:" + HEX)));
        assertTrue(e.getMessage().contains("shard 7") && e.getMessage().contains("'x:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShardFinal.parseAccumulator(Map.of(2, "5:abcd")));
        assertTrue(e.getMessage().contains("shard 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShardFinal.parseAccumulator(Map.of("2", "5:" + HEX)));
        assertTrue(e.getMessage().contains("Integer shard id"), e.getMessage());
    }
}
