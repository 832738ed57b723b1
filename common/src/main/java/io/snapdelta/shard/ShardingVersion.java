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

    /**
     * Why a shard's restored state cannot be used by a job routing with {@code configured}, or null if it can.
     * {@code recorded} is the version the shard's state records, null for state written before sharding v2
     * (which was routed with v1). Keys routed with another version than their state's reach shards that do not
     * hold them: updates find no row, and rows end up in two shards (silent corruption), so this is an error.
     */
    public static String restoreMismatch(int shard, Integer recorded, ShardingVersion configured) {
        ShardingVersion built = recorded == null ? V1 : of(recorded);
        if (built == configured) {
            return null;
        }
        return "shard " + shard + " restored state built with sharding version " + built.number
                + (recorded == null ? " (the state records none: a savepoint of a build before sharding v2, which routed with v1)" : "")
                + ", but this job routes keys with sharding version " + configured.number + " (option shard.hash-version = "
                + configured.id() + "): keys would reach shards that do not hold their state. Set shard.hash-version: "
                + built.id() + " to continue this deployment; to move it to version " + configured.number
                + ", start a new job from a new baseline (empty state), as for a change of shard.count";
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
