package io.snapdelta.job;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.SimpleAccumulator;

/**
 * A long-sum accumulator whose task-local value is read from a live count (e.g. {@code counts::valid})
 * instead of being incremented separately, so the job result, the metrics and the checkpointed counts can
 * never disagree. Copies made for shipping ({@link #clone()}) and merged results hold plain values.
 */
final class LiveCountAccumulator implements SimpleAccumulator<Long> {
    private static final long serialVersionUID = 1L;
    private final transient LongSupplier live;
    private long value;

    LiveCountAccumulator(LongSupplier live) {
        this.live = live;
    }

    private LiveCountAccumulator(long value) {
        this.live = null;
        this.value = value;
    }

    @Override
    public void add(Long v) {
        value += v;
    }

    @Override
    public Long getLocalValue() {
        return live != null ? live.getAsLong() + value : value;
    }

    @Override
    public void resetLocal() {
        if (live != null) {
            throw new UnsupportedOperationException("a live count cannot be reset");
        }
        value = 0;
    }

    @Override
    public void merge(Accumulator<Long, Long> other) {
        value += other.getLocalValue();
    }

    /**
     * Flink ships accumulators by serializing them (not by {@link #clone()}); the live supplier is
     * transient, so serialize the current value instead.
     */
    private Object writeReplace() {
        return live == null ? this : new LiveCountAccumulator(getLocalValue());
    }

    @Override
    public LiveCountAccumulator clone() {
        return new LiveCountAccumulator(getLocalValue());
    }
}
