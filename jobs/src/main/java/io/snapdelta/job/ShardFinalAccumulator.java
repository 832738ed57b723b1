package io.snapdelta.job;

import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * The job's own final digests ({@code snapdelta.shard-final}, schemas/deltas-topic-v1.md): shard id ->
 * {@code "<last sequence>:<digest hex>"}, last sequence -1 for a shard that sealed no batch. Each subtask
 * adds the shards it owns when its input ends; merging unions the maps.
 */
public final class ShardFinalAccumulator implements Accumulator<TreeMap<Integer, String>, TreeMap<Integer, String>> {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "snapdelta.shard-final";

    private TreeMap<Integer, String> value = new TreeMap<>();

    /** The value for one shard. */
    public static String format(long lastSequence, String digestHex) {
        return lastSequence + ":" + digestHex;
    }

    @Override
    public void add(TreeMap<Integer, String> v) {
        value.putAll(v);
    }

    @Override
    public TreeMap<Integer, String> getLocalValue() {
        return value;
    }

    @Override
    public void resetLocal() {
        value = new TreeMap<>();
    }

    @Override
    public void merge(Accumulator<TreeMap<Integer, String>, TreeMap<Integer, String>> other) {
        value.putAll(other.getLocalValue());
    }

    @Override
    public ShardFinalAccumulator clone() {
        ShardFinalAccumulator c = new ShardFinalAccumulator();
        c.value = new TreeMap<>(value);
        return c;
    }
}
