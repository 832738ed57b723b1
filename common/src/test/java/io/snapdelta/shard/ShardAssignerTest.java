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
        ShardAssigner a = new ShardAssigner(s);
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
    }
}
