package io.snapdelta.shard;

/**
 * Which hash maps (table, key) to its shard. Both hash the same canonical (table, key) encoding; a deployment
 * keeps the version its state was built with, since another version routes most keys to other shards.
 */
public enum ShardingVersion {
    /** {@code schemas/sharding-v1.md}: the first 64 bits of SHA-256, big-endian, unsigned, mod S. */
    V1(1),
    /** {@code schemas/sharding-v2.md}: XXH3-64 with seed 0, unsigned, mod S (several times cheaper). */
    V2(2);

    private final int number;

    ShardingVersion(int number) {
        this.number = number;
    }

    /** The version's number, as the option {@code shard.hash-version} and the job's state write it. */
    public int number() {
        return number;
    }

    /** The option value: the number as text. */
    public String id() {
        return Integer.toString(number);
    }

    /** The version with this number. */
    public static ShardingVersion of(int number) {
        for (ShardingVersion v : values()) {
            if (v.number == number) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown sharding version " + number + " (known: 1, 2)");
    }
}
