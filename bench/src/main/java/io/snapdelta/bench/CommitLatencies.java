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
 * <p>The mapping uses only what a replica sees: the batch header's shard and source-version range. Within a
 * shard the job takes changes in arrival order and seals them into consecutive batches, so with versions
 * that grow along the input the batches' ranges follow each other. A change {@code (shard, v)} belongs to
 * the last batch of its shard (in sequence order) whose range {@code [first, last]} holds {@code v}. When
 * several batches hold {@code v} (changes sharing one version, e.g. a snapshot's reads), choosing the last
 * is an upper bound on that change's latency; such changes are counted in {@link Result#upperBound}. A
 * change no batch range holds travelled in no batch (a duplicate, stale or no-op change sealed alone): it
 * is counted in {@link Result#notInABatch} and has no latency.
 */
final class CommitLatencies {
    /**
     * The histograms are in milliseconds; {@code exactAppendToVisible} leaves out the upper bounds.
     * {@code firstAppendMillis} and {@code lastVisibleMillis} bound the span in which the job handled the changes.
     */
    record Result(Histogram appendToVisible, Histogram exactAppendToVisible, Histogram appendToSealed,
                  Histogram sealedToVisible, long matched, long notInABatch, long upperBound, long clampedNegative,
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

    /**
     * @param shards shard of each record (&lt; 0: the record carries no change, see {@link JobBenchInput#shard})
     * @param versionMajor, versionMinor version of each record
     * @param appendMillis Kafka append time of record {@code i} (LogAppendTime), for {@code i < count}
     * @param count records produced (a prefix of {@code input})
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
        for (List<CommittedBatch> list : byShard.values()) {
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
        }
        Histogram total = new Histogram(HIGHEST_MS, 3);
        Histogram exact = new Histogram(HIGHEST_MS, 3);
        long firstAppend = Long.MAX_VALUE;
        long lastVisible = Long.MIN_VALUE;
        Histogram toSealed = new Histogram(HIGHEST_MS, 3);
        Histogram toVisible = new Histogram(HIGHEST_MS, 3);
        long matched = 0;
        long notInABatch = 0;
        long upperBound = 0;
        long clamped = 0;
        for (int i = 0; i < count; i++) {
            int shard = shards[i];
            if (shard < 0) {
                continue;
            }
            Version v = new Version(versionMajor[i], versionMinor[i]);
            List<CommittedBatch> list = byShard.get(shard);
            int at = list == null ? -1 : lastStartingAtOrBefore(list, v);
            if (at < 0 || list.get(at).lastVersion().compareTo(v) < 0) {
                notInABatch++;
                continue;
            }
            CommittedBatch b = list.get(at);
            boolean bound = at > 0 && list.get(at - 1).lastVersion().compareTo(v) >= 0;
            if (bound) {
                upperBound++;
            }
            matched++;
            long append = appendMillis[i];
            firstAppend = Math.min(firstAppend, append);
            lastVisible = Math.max(lastVisible, b.visibleMillis());
            long latency = b.visibleMillis() - append;
            if (!bound) {
                exact.recordValue(clamp(latency));
            }
            if (latency < 0) {
                clamped++;
            }
            total.recordValue(clamp(latency));
            toSealed.recordValue(clamp(b.sealedMillis() - append));
            toVisible.recordValue(clamp(b.visibleMillis() - b.sealedMillis()));
        }
        return new Result(total, exact, toSealed, toVisible, matched, notInABatch, upperBound, clamped, ordered, gaps,
                seen.size(), bytes, firstAppend, lastVisible);
    }

    /** Index of the last batch whose first version is <= v (the list sorted by sequence), or -1. */
    private static int lastStartingAtOrBefore(List<CommittedBatch> list, Version v) {
        int lo = 0;
        int hi = list.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).firstVersion().compareTo(v) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static long clamp(long ms) {
        return Math.min(Math.max(ms, 0), HIGHEST_MS);
    }
}
