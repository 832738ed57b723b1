package io.snapdelta.config;

import io.snapdelta.shard.ShardingVersion;
import java.time.Duration;

/** Options of the per-shard delta logic ({@code io.snapdelta.shard.ShardDeltaState}), declared once. */
public final class ShardOptions {
    private ShardOptions() {
    }

    public static final ConfigOption<Integer> SHARDS = ConfigOption.key("shard.count")
            .intType().defaultValue(16).validator(Validators.between(1, 1 << 16))
            .description("Number of shards S: shard = stable hash(table, key) mod S (schemas/sharding-v2.md). "
                    + "Fixed per deployment; independent of Flink parallelism; changing it re-partitions the state.");

    public static final ConfigOption<ShardingVersion> HASH_VERSION = ConfigOption.key("shard.hash-version")
            .enumType(ShardingVersion.class, ShardingVersion::id).defaultValue(ShardingVersion.V2)
            .description("Sharding version, the hash of shard = hash(table, key) mod S: '2' XXH3-64 (schemas/sharding-v2.md), "
                    + "'1' SHA-256 (schemas/sharding-v1.md, every build before sharding v2). Fixed per deployment like "
                    + "shard.count: a job whose restored state was built with another version fails at its first event, "
                    + "so a deployment started before sharding v2 sets 1.");

    public static final ConfigOption<Integer> BATCH_MAX_CHANGES = ConfigOption.key("batch.max-changes")
            .intType().defaultValue(1000).validator(Validators.between(1, 10_000_000))
            .description("Receiver limit on batch size in source changes (every event routed to the shard, including "
                    + "duplicates and no-ops): the adaptive count target (changes per batch.latency-budget at the observed "
                    + "rate) never exceeds it. The benchmark's fixed-size batching seals at exactly this count.");

    public static final ConfigOption<Duration> TOMBSTONE_RETENTION = ConfigOption.key("tombstone.retention")
            .durationType().defaultValue(Duration.ofHours(1)).validator(Validators.positiveDuration())
            .description("How long (in source time) a deleted key keeps its version tombstone so that a late, "
                    + "stale event for it is still recognised and dropped. Must exceed the longest reordering "
                    + "the source can produce; after it the tombstone is cleaned.");

    public static final ConfigOption<Integer> STATE_CACHE_ENTRIES = ConfigOption.key("shard.state.cache-entries")
            .intType().defaultValue(8192).validator(Validators.between(1, 1 << 24))
            .description("Decoded state entries each shard keeps on the heap (CLOCK eviction, write-back at "
                    + "checkpoints): a key found there is neither read from the state backend nor decoded, and a key "
                    + "changed several times between checkpoints is encoded and written once. Heap cost is about "
                    + "this many rows per shard (shard.count shards spread over the subtasks). Where the live keys far "
                    + "outnumber shard.count times this, a smaller cache mostly saves garbage collection.");

    public static final ConfigOption<Integer> STATE_WRITE_BATCH_ENTRIES = ConfigOption.key("shard.state.write-batch-entries")
            .intType().defaultValue(256).validator(Validators.between(1, 1 << 20))
            .description("Changed state entries each shard's cache evicts are written to the state backend in batches "
                    + "of this many (one RocksDB write batch instead of one put each), and the rest at each checkpoint, "
                    + "before the barrier; reads of a key waiting in the batch are served from it. 1 writes each entry "
                    + "when it is evicted. Heap cost is up to this many more rows per shard.");

    public static final ConfigOption<Boolean> STATE_WRITTEN_KEYS_FILTER = ConfigOption.key("shard.state.written-keys-filter")
            .booleanType().defaultValue(true)
            .description("A shard whose state holds no row when this run first uses it (a fresh start, or a shard no "
                    + "checkpoint has written yet) keeps a Bloom filter of the keys it writes to the state backend: a "
                    + "key that is neither in the cache nor ever written is known to be absent without a RocksDB read "
                    + "(every snapshot row, every insert of a new key). Heap cost about 10 bits per key written (about "
                    + "1% false positives, which only cost the read). A shard restored with rows builds the filter from "
                    + "one scan of its keys when it holds at most shard.state.written-keys-filter.rebuild-max-keys rows "
                    + "and tombstones; a larger one does without (every cache miss reads the state backend).");

    public static final ConfigOption<Long> STATE_WRITTEN_KEYS_FILTER_REBUILD_MAX_KEYS =
            ConfigOption.key("shard.state.written-keys-filter.rebuild-max-keys")
            .longType().defaultValue(2_000_000L).validator(Validators.atLeast(0L))
            .description("Largest shard (rows plus tombstones) whose written-keys filter is rebuilt after a restore, "
                    + "by reading and decoding every key of the shard once when the shard is first used (before its "
                    + "first event is processed, so it delays that shard by the scan). 0: never rebuild; restored "
                    + "shards with rows read the state backend on every cache miss.");
}
