package io.snapdelta.shard;

import io.snapdelta.digest.RowHasher;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;

/**
 * {@code shard = H(table, key) mod S} with H the first 64 bits of SHA-256 over the canonical (table, key)
 * encoding, read as an unsigned big-endian integer ({@code schemas/sharding-v1.md}). Stable across
 * machines, JVMs and languages, so a replica computes the same shard. Not thread-safe (reuses one hasher).
 */
public final class ShardAssigner {
    private final int shards;
    private final RowHasher hasher = new RowHasher();

    public ShardAssigner(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        this.shards = shards;
    }

    public int shards() {
        return shards;
    }

    public int shardOf(TableId table, Row key) {
        return (int) Long.remainderUnsigned(hasher.hashTableKey(table, key), shards);
    }
}
