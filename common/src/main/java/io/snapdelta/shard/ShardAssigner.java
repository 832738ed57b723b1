package io.snapdelta.shard;

import io.snapdelta.digest.RowHasher;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;

/**
 * {@code shard = H(table, key) mod S}, H read as an unsigned 64-bit integer, over the canonical (table, key)
 * encoding. {@link ShardingVersion#V1} ({@code schemas/sharding-v1.md}): H = the first 64 bits of SHA-256,
 * big-endian. {@link ShardingVersion#V2} ({@code schemas/sharding-v2.md}): H = XXH3-64 with seed 0 over the
 * same encoding, written by the same {@link RowHasher} into its reused buffer (no MessageDigest, nothing
 * allocated per key). Stable across machines, JVMs and languages, so a replica or a notebook computes the same
 * shard. Not thread-safe (reuses its buffers).
 */
public final class ShardAssigner {
    private final int shards;
    private final ShardingVersion version;
    /** Writes the canonical (table, key) encoding (a v1 encoding in both sharding versions) and hashes it. */
    private final RowHasher hasher = new RowHasher();

    /** Sharding v1, as every build before sharding v2 computed it (for callers that predate the version). */
    public ShardAssigner(int shards) {
        this(shards, ShardingVersion.V1);
    }

    public ShardAssigner(int shards, ShardingVersion version) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        this.shards = shards;
        this.version = java.util.Objects.requireNonNull(version, "sharding version");
    }

    public int shards() {
        return shards;
    }

    public ShardingVersion version() {
        return version;
    }

    /** H(table, key) of this assigner's version, before {@code mod S}. */
    public long hash(TableId table, Row key) {
        return version == ShardingVersion.V2 ? hasher.xxh3TableKey(table, key) : hasher.hashTableKey(table, key);
    }

    public int shardOf(TableId table, Row key) {
        return shardOf(hash(table, key));
    }

    /**
     * {@code hash mod S}, the hash read unsigned. A power-of-two S (the usual shard counts) takes the low bits:
     * the same value without a 64-bit division (~10% of routing's CPU).
     */
    int shardOf(long hash) {
        return (shards & (shards - 1)) == 0 ? (int) (hash & (shards - 1)) : (int) Long.remainderUnsigned(hash, shards);
    }
}
