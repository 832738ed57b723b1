package io.snapdelta.job;

import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;

/**
 * A Flink counter that reads a count kept elsewhere (the ingest router's), so the metric, the accumulator
 * and the checkpointed count are one number. Read-only: the router is the only writer.
 */
final class LiveCounter implements Counter {
    private final LongSupplier count;

    LiveCounter(LongSupplier count) {
        this.count = count;
    }

    @Override
    public void inc() {
        throw readOnly();
    }

    @Override
    public void inc(long n) {
        throw readOnly();
    }

    @Override
    public void dec() {
        throw readOnly();
    }

    @Override
    public void dec(long n) {
        throw readOnly();
    }

    @Override
    public long getCount() {
        return count.getAsLong();
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("read-only view of the ingest counts");
    }
}
