package io.snapdelta.job;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * keyBy(shard): the shard {@link ShardAssignFunction} computed ({@code stable hash(table, key) mod S},
 * schemas/sharding-v1.md), S fixed per deployment. Shards below 128 box to cached Integers.
 */
final class ShardKeySelector implements KeySelector<ShardedChangeEvent, Integer> {
    private static final long serialVersionUID = 2L;

    @Override
    public Integer getKey(ShardedChangeEvent e) {
        return e.shard();
    }
}
