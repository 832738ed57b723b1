package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.digest.RowHasher;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ShardAssignerTest {
    private static final TableId ACCOUNTS = TableId.of("public", "pgbench_accounts");

    private static Row intKey(String name, long v) {
        return Row.of(RowSchema.of(new String[] {name}, new FieldType[] {FieldType.INT64}), v);
    }

    private static int[] shardsOf(int s) {
        return shardsOf(new ShardAssigner(s));
    }

    private static int[] shardsOf(ShardAssigner a) {
        Row kv = Row.of(RowSchema.of(new String[] {"k", "n"}, new FieldType[] {FieldType.STRING, FieldType.INT64}), "Z\u00fcrich", null);
        return new int[] {
            a.shardOf(ACCOUNTS, intKey("aid", 1)),
            a.shardOf(ACCOUNTS, intKey("aid", 2)),
            a.shardOf(ACCOUNTS, intKey("aid", 100000)),
            a.shardOf(TableId.of("public", "pgbench_tellers"), intKey("tid", 1)),
            a.shardOf(TableId.of("public", "pgbench_history"), intKey("hid", -7)),
            a.shardOf(TableId.of("", "kv"), kv),
        };
    }

    @Test
    void goldenShardsMatchTheSpecAndThePythonImplementation() {
        // Values from schemas/sharding-v1.md, computed by schemas/tools/state_digest.py --shards S.
        assertEquals("[8, 2, 5, 3, 1, 7]", java.util.Arrays.toString(shardsOf(16)));
        assertEquals("[8, 18, 37, 35, 17, 23]", java.util.Arrays.toString(shardsOf(64)));
        assertEquals("[671536, 415265, 323908, 332827, 948072, 201776]", java.util.Arrays.toString(shardsOf(1000003)));
        assertEquals("[0, 0, 0, 0, 0, 0]", java.util.Arrays.toString(shardsOf(1)));
    }

    @Test
    void theVersionlessConstructorAndV1AreTheSameSharding() {
        for (int s : new int[] {1, 16, 64, 1000003}) {
            assertEquals(java.util.Arrays.toString(shardsOf(s)), java.util.Arrays.toString(shardsOf(new ShardAssigner(s, ShardingVersion.V1))));
        }
        assertEquals(ShardingVersion.V1, new ShardAssigner(16).version());
    }

    @Test
    void goldenV2ShardsMatchTheSpecAndThePythonImplementation() {
        // Values from schemas/sharding-v2.md, computed by schemas/tools/state_digest.py --shards S --sharding-version 2.
        assertEquals("[9, 9, 4, 4, 15, 15]", java.util.Arrays.toString(shardsOf(new ShardAssigner(16, ShardingVersion.V2))));
        assertEquals("[9, 41, 4, 4, 31, 31]", java.util.Arrays.toString(shardsOf(new ShardAssigner(64, ShardingVersion.V2))));
        assertEquals("[756677, 432178, 886002, 823649, 818894, 348885]",
                java.util.Arrays.toString(shardsOf(new ShardAssigner(1000003, ShardingVersion.V2))));
        assertEquals("[0, 0, 0, 0, 0, 0]", java.util.Arrays.toString(shardsOf(new ShardAssigner(1, ShardingVersion.V2))));
    }

    @Test
    void specV2WorkedExampleHashesAsDocumented() {
        // schemas/sharding-v2.md: the same canonical bytes as v1's example, XXH3-64 (seed 0) over them.
        ShardAssigner v2 = new ShardAssigner(16, ShardingVersion.V2);
        assertEquals(0xdd08a527ac65f109L, v2.hash(ACCOUNTS, intKey("aid", 1)));
        assertEquals(0xdd08a527ac65f109L, net.openhft.hashing.LongHashFunction.xx3(0).hashBytes(HexFormat.of().parseHex(
                "01000000067075626c696300000010706762656e63685f6163636f756e7473000000010000000361696402010000000000000001")));
        // XXH3-64 itself against the reference's value of "abc" (Python: xxhash.xxh3_64_hexdigest(b'abc')).
        assertEquals(0x78af5f94892f3950L, net.openhft.hashing.LongHashFunction.xx3(0).hashBytes("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void v2SpreadsKeysEvenlyAndInRange() {
        ShardAssigner a = new ShardAssigner(16, ShardingVersion.V2);
        int[] counts = new int[16];
        for (long aid = 0; aid < 16_000; aid++) {
            counts[a.shardOf(ACCOUNTS, intKey("aid", aid))]++;
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "uneven shard sizes " + java.util.Arrays.toString(counts));
        }
        ShardAssigner seven = new ShardAssigner(7, ShardingVersion.V2);
        long negatives = 0;
        for (long aid = 0; aid < 2_000; aid++) {
            negatives += seven.hash(ACCOUNTS, intKey("aid", aid)) < 0 ? 1 : 0;
            int s = seven.shardOf(ACCOUNTS, intKey("aid", aid));
            assertTrue(s >= 0 && s < 7, "shard " + s);
        }
        assertTrue(negatives > 500, "about half the hashes are negative as signed longs, so the unsigned read is exercised: " + negatives);
    }

    @Test
    void specWorkedExampleHashesAsDocumented() {
        RowHasher h = new RowHasher();
        assertEquals("01000000067075626c696300000010706762656e63685f6163636f756e7473000000010000000361696402010000000000000001",
                HexFormat.of().formatHex(h.canonicalTableKeyEncoding(ACCOUNTS, intKey("aid", 1))));
        assertEquals(0xfc8704d8e1319bc8L, h.hashTableKey(ACCOUNTS, intKey("aid", 1)));
    }

    @Test
    void hashIsReadUnsignedSoEveryShardIsInRange() {
        // 0xfc87... is negative as a signed long: a signed modulo would give a negative shard.
        ShardAssigner a = new ShardAssigner(7);
        for (long aid = 0; aid < 2_000; aid++) {
            int s = a.shardOf(ACCOUNTS, intKey("aid", aid));
            assertTrue(s >= 0 && s < 7, "shard " + s);
        }
    }

    @Test
    void keysSpreadRoughlyEvenlyOverShards() {
        ShardAssigner a = new ShardAssigner(16);
        int[] counts = new int[16];
        for (long aid = 0; aid < 16_000; aid++) {
            counts[a.shardOf(ACCOUNTS, intKey("aid", aid))]++;
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "uneven shard sizes " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void rejectsZeroShards() {
        assertThrows(IllegalArgumentException.class, () -> new ShardAssigner(0));
        assertThrows(IllegalArgumentException.class, () -> new ShardAssigner(0, ShardingVersion.V2));
    }

    /** The power-of-two shortcut gives {@code Long.remainderUnsigned} of the hash, for every shard count. */
    @Test
    void shardOfAHashIsItsUnsignedRemainder() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0xfc87_0000_0000_0001L};
        for (int s : new int[] {1, 2, 3, 7, 16, 64, 100, 1 << 20, 1000003, Integer.MAX_VALUE}) {
            ShardAssigner a = new ShardAssigner(s, ShardingVersion.V2);
            for (long h : edges) {
                assertEquals((int) Long.remainderUnsigned(h, s), a.shardOf(h), "shards " + s + " hash " + h);
            }
            for (int i = 0; i < 10_000; i++) {
                long h = random.nextLong();
                assertEquals((int) Long.remainderUnsigned(h, s), a.shardOf(h), "shards " + s + " hash " + h);
            }
        }
    }
}
