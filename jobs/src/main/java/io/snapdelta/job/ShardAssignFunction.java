package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardAssigner;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Computes each valid event's shard once, chained to its parse operator, so the {@code keyBy(shard)} that
 * follows reads the shard instead of hashing (table, key) again on each side of the exchange.
 */
final class ShardAssignFunction implements MapFunction<ChangeEvent, ShardedChangeEvent> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private transient ShardAssigner assigner;

    ShardAssignFunction(int shards) {
        this.shards = shards;
    }

    @Override
    public ShardedChangeEvent map(ChangeEvent e) {
        if (assigner == null) {
            assigner = new ShardAssigner(shards);
        }
        return new ShardedChangeEvent(assigner.shardOf(e.table(), e.key()), e);
    }
}
