package io.snapdelta.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The record values a parse rate is measured over ({@code bench job}'s parse-only rate, {@code bench parse}), on
 * the heap: every record while they fit in a byte budget, else every {@code stride}-th record of the whole input,
 * the stride the smallest power of two that fits. Evenly spaced rather than a head, because a capture's head is its
 * snapshot, which parses unlike the stream after it. On pgbench-small (112 MB of values) the default budget holds
 * every record, as before there was a sample.
 */
final class ParseSample {
    private final long budgetBytes;
    private List<byte[]> kept = new ArrayList<>();
    private long keptBytes;
    private long stride = 1;
    private long offered;

    /** @param budgetBytes most bytes of values kept (at least the first record is always kept) */
    ParseSample(long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("a parse sample needs a budget of at least 1 byte, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** The default budget: an eighth of the maximum heap, at most 1 GiB. */
    static long defaultBudgetBytes() {
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8);
    }

    /** Offers the input's next record: kept if its index is a multiple of the stride, which doubles when over budget. */
    void offer(byte[] value) {
        long index = offered++;
        if (index % stride != 0) {
            return;
        }
        kept.add(value);
        keptBytes += value.length;
        while (keptBytes > budgetBytes && kept.size() > 1) {
            // Keep the records at multiples of twice the stride: every other one kept so far, the first included.
            List<byte[]> halved = new ArrayList<>(kept.size() / 2 + 1);
            long bytes = 0;
            for (int i = 0; i < kept.size(); i += 2) {
                halved.add(kept.get(i));
                bytes += kept.get(i).length;
            }
            kept = halved;
            keptBytes = bytes;
            stride *= 2;
        }
    }

    /** The kept values, in input order. */
    List<byte[]> values() {
        return kept;
    }

    /** 1 when every record was kept; else the distance between two kept records. */
    long stride() {
        return stride;
    }

    /** Records offered: the whole input's. */
    long offered() {
        return offered;
    }
}
