package io.snapdelta.job;

import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardingVersion;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * keyBy(shard): the shard {@link ShardAssignFunction} computed ({@code stable hash(table, key) mod S},
 * schemas/sharding-v1.md, sharding-v2.md), S and the version fixed per deployment; computed here only for a record that did not carry it
 * ({@link ShardedChangeEvent#SHARD_UNKNOWN}: in-flight data of an older build). Shards below 128 box to cached
 * Integers.
 */
final class ShardKeySelector implements KeySelector<ShardedChangeEvent, Integer> {
    private static final long serialVersionUID = 2L;
    private final int shards;
    private final ShardingVersion version;
    private transient ShardAssigner assigner;

    ShardKeySelector(int shards, ShardingVersion version) {
        this.shards = shards;
        this.version = version;
    }

    @Override
    public Integer getKey(ShardedChangeEvent e) {
        if (e.shard() != ShardedChangeEvent.SHARD_UNKNOWN) {
            return e.shard();
        }
        if (assigner == null) {
            assigner = new ShardAssigner(shards, version);
        }
        return assigner.shardOf(e.event().table(), e.event().key());
    }
}
