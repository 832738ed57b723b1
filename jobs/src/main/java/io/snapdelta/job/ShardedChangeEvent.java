package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import java.util.Objects;

/**
 * A valid change event with its shard ({@code stable hash(table, key) mod S}, schemas/sharding-v1.md and -v2.md,
 * per {@code shard.hash-version}), the record of the {@code keyBy(shard)} exchange. The shard is computed once,
 * after parsing ({@link ShardAssignFunction}), and travels with the event: Flink asks the key selector for the
 * key on both sides of a keyBy (to pick the channel, then to set the keyed-state context), and hashing the
 * canonical (table, key) encoding is not free (SHA-256 in v1, XXH3-64 in v2).
 */
public record ShardedChangeEvent(int shard, ChangeEvent event) {
    /** The shard of an event read from a record without it (written by an older build); the key selector computes it. */
    public static final int SHARD_UNKNOWN = -1;

    public ShardedChangeEvent {
        Objects.requireNonNull(event, "event");
        if (shard < SHARD_UNKNOWN || shard > ShardedChangeEventSerializer.MAX_SHARD) {
            throw new IllegalArgumentException("shard " + shard + " is outside 0.." + ShardedChangeEventSerializer.MAX_SHARD);
        }
    }
}
