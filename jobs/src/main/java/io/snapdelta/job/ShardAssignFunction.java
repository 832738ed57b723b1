package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardingVersion;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Computes each valid event's shard once, chained to its parse operator, so the {@code keyBy(shard)} that
 * follows reads the shard instead of hashing (table, key) again on each side of the exchange. The hash is the
 * configured sharding version's ({@code shard.hash-version}); the shard operator checks that restored state was
 * built with the same one.
 *
 * <p>The event crosses the exchange without its before image: the shard operator never reads it (it diffs
 * against the row its state holds and orders by version), and a full before image (Debezium with REPLICA
 * IDENTITY FULL) is a whole second row to serialize, send and deserialize per update and delete.
 */
final class ShardAssignFunction implements MapFunction<ChangeEvent, ShardedChangeEvent> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private final ShardingVersion version;
    private transient ShardAssigner assigner;

    ShardAssignFunction(int shards, ShardingVersion version) {
        this.shards = shards;
        this.version = version;
    }

    @Override
    public ShardedChangeEvent map(ChangeEvent e) {
        if (assigner == null) {
            assigner = new ShardAssigner(shards, version);
        }
        return new ShardedChangeEvent(assigner.shardOf(e.table(), e.key()), withoutBefore(e));
    }

    /** {@code e} without its before image: what the shard operator reads of it. */
    static ChangeEvent withoutBefore(ChangeEvent e) {
        return e.before() == null ? e
                : new ChangeEvent(e.table(), e.key(), e.op(), e.version(), null, e.after(), e.sourceTimestampMicros());
    }
}
