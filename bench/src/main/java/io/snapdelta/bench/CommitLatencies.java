package io.snapdelta.bench;

import io.snapdelta.model.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Maps each input change to the committed batch that carries it and records, per change, the time from
 * its Kafka append to the moment a read_committed consumer saw that batch.
 *
 * <p>The mapping uses only what a replica sees: the batch header's shard, source-version range and op
 * count. Within a shard the job takes changes in arrival order and seals them into consecutive batches,
 * so walking a shard's changes in input order beside its batches in sequence order, a change of version
 * {@code v} belongs to the current batch while {@code v} is inside the batch's range, and to a later one
 * once {@code v} passes the range's end.
 *
 * <p>Changes that share a version (a snapshot's reads carry one version) can span several batches whose
 * ranges all hold it. There a batch takes at most as many changes as it has ops, and the rest go to the
 * next batch holding the version. A batch never has more ops than changes, so a change is never mapped to
 * an earlier batch than the one that carried it: exact when nothing in the batch was coalesced or dropped,
 * else an over-estimate. Such changes are counted in {@link Result#byOpCount}. A change no batch range holds
 * travelled in no batch (a duplicate, stale or no-op change sealed alone): it is counted in
 * {@link Result#notInABatch} and has no latency.
 */
final class CommitLatencies {
    /**
     * The histograms are in milliseconds; {@code uniqueVersionAppendToVisible} only counts changes whose
     * version one batch alone holds. {@code firstAppendMillis} and {@code lastVisibleMillis} bound the span
     * in which the job handled the changes.
     */
    record Result(Histogram appendToVisible, Histogram uniqueVersionAppendToVisible, Histogram appendToSealed,
                  Histogram sealedToVisible, long matched, long notInABatch, long byOpCount, long clampedNegative,
                  boolean rangesOrdered, long sequenceGaps, long batches, long batchBytes, long firstAppendMillis,
                  long lastVisibleMillis) {
        /** Changes timed per second from the first append to the last batch seen: the rate the job kept up with. */
        double handledRate() {
            long span = lastVisibleMillis - firstAppendMillis;
            return span <= 0 ? 0 : matched * 1000.0 / span;
        }
    }

    private static final long HIGHEST_MS = 3_600_000;

    private CommitLatencies() {
    }

    /** Where the walk over one shard's batches is. */
    private static final class Cursor {
        final List<CommittedBatch> batches;
        int at;
        int taken;

        Cursor(List<CommittedBatch> batches) {
            this.batches = batches;
        }
    }

    /**
     * @param shards shard of each record in input order (&lt; 0: the record carries no change, see {@link JobBenchInput#shard})
     * @param versionMajor, versionMinor version of each record
     * @param appendMillis Kafka append time of record {@code i} (LogAppendTime), for {@code i < count}
     * @param count records produced (a prefix of the arrays)
     */
    static Result compute(int[] shards, long[] versionMajor, long[] versionMinor, long[] appendMillis, int count,
                          List<CommittedBatch> seen) {
        Map<Integer, List<CommittedBatch>> byShard = new HashMap<>();
        long bytes = 0;
        for (CommittedBatch b : seen) {
            byShard.computeIfAbsent(b.shard(), s -> new ArrayList<>()).add(b);
            bytes += b.bytes();
        }
        boolean ordered = true;
        long gaps = 0;
        Map<Integer, Cursor> cursors = new HashMap<>();
        for (Map.Entry<Integer, List<CommittedBatch>> e : byShard.entrySet()) {
            List<CommittedBatch> list = e.getValue();
            list.sort(Comparator.comparingLong(CommittedBatch::sequence));
            for (int i = 1; i < list.size(); i++) {
                CommittedBatch prev = list.get(i - 1);
                CommittedBatch cur = list.get(i);
                if (cur.sequence() != prev.sequence() + 1) {
                    gaps++;
                }
                if (cur.firstVersion().compareTo(prev.lastVersion()) < 0) {
                    ordered = false;
                }
            }
            cursors.put(e.getKey(), new Cursor(list));
        }
        Histogram total = new Histogram(HIGHEST_MS, 3);
        Histogram unique = new Histogram(HIGHEST_MS, 3);
        Histogram toSealed = new Histogram(HIGHEST_MS, 3);
        Histogram toVisible = new Histogram(HIGHEST_MS, 3);
        long firstAppend = Long.MAX_VALUE;
        long lastVisible = Long.MIN_VALUE;
        long matched = 0;
        long notInABatch = 0;
        long byOpCount = 0;
        long clamped = 0;
        for (int i = 0; i < count; i++) {
            if (shards[i] < 0) {
                continue;
            }
            Cursor c = cursors.get(shards[i]);
            if (c == null) {
                notInABatch++;
                continue;
            }
            Version v = new Version(versionMajor[i], versionMinor[i]);
            List<CommittedBatch> list = c.batches;
            while (c.at < list.size() && list.get(c.at).lastVersion().compareTo(v) < 0) {
                c.at++;
                c.taken = 0;
            }
            // The current batch is full and the next one holds this version too: the change is in a later batch.
            while (c.at + 1 < list.size() && c.taken >= list.get(c.at).ops()
                    && list.get(c.at + 1).firstVersion().compareTo(v) <= 0) {
                c.at++;
                c.taken = 0;
            }
            if (c.at == list.size() || list.get(c.at).firstVersion().compareTo(v) > 0) {
                notInABatch++;
                continue;
            }
            CommittedBatch b = list.get(c.at);
            c.taken++;
            boolean shared = (c.at > 0 && list.get(c.at - 1).lastVersion().compareTo(v) >= 0)
                    || (c.at + 1 < list.size() && list.get(c.at + 1).firstVersion().compareTo(v) <= 0);
            matched++;
            long append = appendMillis[i];
            firstAppend = Math.min(firstAppend, append);
            lastVisible = Math.max(lastVisible, b.visibleMillis());
            long latency = b.visibleMillis() - append;
            if (latency < 0) {
                clamped++;
            }
            total.recordValue(clamp(latency));
            if (shared) {
                byOpCount++;
            } else {
                unique.recordValue(clamp(latency));
            }
            toSealed.recordValue(clamp(b.sealedMillis() - append));
            toVisible.recordValue(clamp(b.visibleMillis() - b.sealedMillis()));
        }
        return new Result(total, unique, toSealed, toVisible, matched, notInABatch, byOpCount, clamped, ordered, gaps,
                seen.size(), bytes, firstAppend, lastVisible);
    }

    private static long clamp(long ms) {
        return Math.min(Math.max(ms, 0), HIGHEST_MS);
    }
}
