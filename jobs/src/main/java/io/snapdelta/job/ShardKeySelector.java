package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardAssigner;
import org.apache.flink.api.java.functions.KeySelector;

/** keyBy(shard): {@code shard = stable hash(table, key) mod S} (schemas/sharding-v1.md), S fixed per deployment. */
final class ShardKeySelector implements KeySelector<ChangeEvent, Integer> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private transient ShardAssigner assigner;

    ShardKeySelector(int shards) {
        this.shards = shards;
    }

    @Override
    public Integer getKey(ChangeEvent e) {
        if (assigner == null) {
            assigner = new ShardAssigner(shards);
        }
        return assigner.shardOf(e.table(), e.key());
    }
}
