package io.snapdelta.bench;

import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.shard.InMemoryShardStateStore;
import io.snapdelta.shard.ReplicaShardState;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardBatch;
import io.snapdelta.shard.ShardCounters;
import io.snapdelta.shard.ShardDeltaState;
import io.snapdelta.shard.StateDivergenceException;
import io.snapdelta.shard.TableKey;
import io.snapdelta.model.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pass of the bandwidth benchmark at one setting: route every event to its shard, run the shard's
 * {@link ShardDeltaState}, seal every N source changes per shard (and at the end of the snapshot phase and
 * of the input), encode both bodies and ship the smaller, then decode every sealed batch again, apply it to
 * a separate replica per shard, and check the digests after every batch and the final states.
 */
final class BandwidthRun {
    /** What one run measured. */
    static final class Result {
        final int shards;
        final int batchChanges;
        long batches;
        long snapshotBatches;
        long streamedBatches;
        long streamedBytes;
        long snapshotBytes;
        long streamedCoalescedBytes;
        long streamedStreamOrderedBytes;
        long bodiesChosenCoalesced;
        long bodiesChosenStreamOrdered;
        long outOfBandBytes;
        long sourceChanges;
        double encodeSeconds;
        /** Of {@link #encodeSeconds}, the time inside the format (encode + compress + seal), both bodies. */
        double formatSeconds;
        double decodeApplySeconds;
        /** CPU time of the benchmark thread over {@link #encodeSeconds} (per-core rate on a shared machine). */
        double encodeCpuSeconds;
        /** CPU time of the benchmark thread inside the format, over {@link #formatSeconds}. */
        double formatCpuSeconds;
        /** CPU time of the benchmark thread over {@link #decodeApplySeconds}. */
        double decodeApplyCpuSeconds;
        boolean verified;
        String failure;
        /** CRC32C over every shipped batch in order: equal across runs when the encoder is deterministic. */
        final java.util.zip.CRC32C shippedCrc = new java.util.zip.CRC32C();
        final Map<String, Long> streamedSections = new TreeMap<>();
        final Map<String, Long> codecsChosen = new TreeMap<>();
        final ShardCounters counters = new ShardCounters();

        Result(int shards, int batchChanges) {
            this.shards = shards;
            this.batchChanges = batchChanges;
        }
    }

    private record Shipped(int shard, byte[] bytes, boolean streamed, long sourceChanges) {
    }

    private BandwidthRun() {
    }

    /**
     * A result holding only speeds: each time (wall and CPU, encode, format, decode + apply) the median over
     * {@code passes} (equal settings), so one slow pass (a GC pause, a deoptimization) does not set the figure.
     */
    static Result medianSpeeds(List<Result> passes) {
        Result first = passes.get(0);
        Result m = new Result(first.shards, first.batchChanges);
        m.sourceChanges = first.sourceChanges;
        m.encodeSeconds = median(passes, r -> r.encodeSeconds);
        m.formatSeconds = median(passes, r -> r.formatSeconds);
        m.decodeApplySeconds = median(passes, r -> r.decodeApplySeconds);
        m.encodeCpuSeconds = median(passes, r -> r.encodeCpuSeconds);
        m.formatCpuSeconds = median(passes, r -> r.formatCpuSeconds);
        m.decodeApplyCpuSeconds = median(passes, r -> r.decodeApplyCpuSeconds);
        return m;
    }

    private static double median(List<Result> passes, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = passes.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static Result run(CaptureEvents capture, int shards, int batchChanges, BatchCodecDriver driver) {
        Result r = new Result(shards, batchChanges);
        ShardAssigner assigner = new ShardAssigner(shards);
        ShardDeltaState[] states = new ShardDeltaState[shards];
        for (int s = 0; s < shards; s++) {
            // Retention far beyond the capture: the benchmark measures bytes, not tombstone clean-up.
            states[s] = new ShardDeltaState(s, new InMemoryShardStateStore(), batchChanges, Duration.ofDays(3650));
        }
        BatchCodecDriver encoder = driver;
        List<Shipped> shipped = new ArrayList<>();
        boolean[] phaseStreamed = {false};

        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        for (ChangeEvent e : capture.events) {
            boolean streamedEvent = e.op() != ChangeOp.SNAPSHOT_READ;
            if (streamedEvent && !phaseStreamed[0]) {
                // End of the snapshot phase: seal what it left open, so its bytes are reported apart.
                for (ShardDeltaState st : states) {
                    ship(st.seal(), false, encoder, shipped, r);
                }
                phaseStreamed[0] = true;
            }
            ShardBatch b = states[assigner.shardOf(e.table(), e.key())].apply(e);
            if (b != null) {
                ship(b, phaseStreamed[0], encoder, shipped, r);
            }
        }
        for (ShardDeltaState st : states) {
            ship(st.seal(), phaseStreamed[0], encoder, shipped, r);
        }
        r.encodeSeconds = (System.nanoTime() - t0) / 1e9;
        r.encodeCpuSeconds = (cpuNanos() - c0) / 1e9;
        r.outOfBandBytes = encoder.outOfBandBytes();
        for (ShardDeltaState st : states) {
            r.counters.addAll(st.counters());
        }
        r.sourceChanges = r.counters.sourceChanges;

        verify(shipped, states, driver, r);
        driver.close();
        return r;
    }

    private static void ship(ShardBatch b, boolean streamed, BatchCodecDriver encoder, List<Shipped> shipped, Result r) {
        if (b == null) {
            return;
        }
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        Object start = encoder.streamState(b.shard());
        BatchCodecDriver.Encoded coalesced = encoder.encode(b, b.coalescedOps());
        BatchCodecDriver.Encoded chosen = coalesced;
        long orderedLength = coalesced.bytes().length;
        if (!b.bodiesEqual()) {
            // Encode the alternative from the same stream state (schemas defined so far), keep the smaller.
            Object afterCoalesced = encoder.streamState(b.shard());
            encoder.restoreStreamState(b.shard(), start);
            BatchCodecDriver.Encoded ordered = encoder.encode(b, b.streamOrderedOps());
            orderedLength = ordered.bytes().length;
            if (ordered.bytes().length < coalesced.bytes().length) {
                chosen = ordered;
            } else {
                encoder.restoreStreamState(b.shard(), afterCoalesced);
            }
        }
        r.formatSeconds += (System.nanoTime() - t0) / 1e9;
        r.formatCpuSeconds += (cpuNanos() - c0) / 1e9;
        if (chosen == coalesced) {
            r.bodiesChosenCoalesced++;
        } else {
            r.bodiesChosenStreamOrdered++;
        }
        r.batches++;
        r.codecsChosen.merge(chosen.codec(), 1L, Long::sum);
        if (streamed) {
            r.streamedBatches++;
            r.streamedBytes += chosen.bytes().length;
            r.streamedCoalescedBytes += coalesced.bytes().length;
            r.streamedStreamOrderedBytes += orderedLength;
            chosen.sections().forEach((k, v) -> r.streamedSections.merge(k, v, Long::sum));
        } else {
            r.snapshotBatches++;
            r.snapshotBytes += chosen.bytes().length;
        }
        r.shippedCrc.update(chosen.bytes());
        shipped.add(new Shipped(b.shard(), chosen.bytes(), streamed, b.sourceChanges()));
    }

    private static void verify(List<Shipped> shipped, ShardDeltaState[] states, BatchCodecDriver driver, Result r) {
        BatchCodecDriver decoder = driver;
        ReplicaShardState[] replicas = new ReplicaShardState[states.length];
        long[] nextSequence = new long[states.length];
        for (int s = 0; s < replicas.length; s++) {
            replicas[s] = new ReplicaShardState();
        }
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        try {
            for (Shipped sh : shipped) {
                ReplicaShardState replica = replicas[sh.shard()];
                BatchCodecDriver.Decoded d = decoder.decode(sh.shard(), sh.bytes(), replica::get);
                if (d.shard() != sh.shard() || d.sequence() != nextSequence[sh.shard()]) {
                    throw new StateDivergenceException("batch of shard " + sh.shard() + " decoded as shard " + d.shard()
                            + " sequence " + d.sequence() + ", expected sequence " + nextSequence[sh.shard()]);
                }
                nextSequence[sh.shard()]++;
                if (!d.digestBefore().equals(replica.digest())) {
                    throw new StateDivergenceException("shard " + sh.shard() + " batch " + d.sequence() + ": digest before "
                            + d.digestBefore() + " but the replica holds " + replica.digest());
                }
                replica.applyAll(d.ops());
                if (!d.digestAfter().equals(replica.digest())) {
                    throw new StateDivergenceException("shard " + sh.shard() + " batch " + d.sequence() + ": digest after "
                            + d.digestAfter() + " but the replica reached " + replica.digest());
                }
            }
            r.decodeApplySeconds = (System.nanoTime() - t0) / 1e9;
            r.decodeApplyCpuSeconds = (cpuNanos() - c0) / 1e9;
            for (int s = 0; s < states.length; s++) {
                StateDigest producer = states[s].digest();
                if (!producer.equals(replicas[s].digest()) || !producer.equals(replicas[s].recomputeDigest())) {
                    throw new StateDivergenceException("shard " + s + ": final replica digest " + replicas[s].digest()
                            + " differs from the producer's " + producer);
                }
                Map<TableKey, Row> producerRows = new java.util.HashMap<>();
                states[s].store().forEachLive(producerRows::put);
                if (!producerRows.equals(replicas[s].rows())) {
                    throw new StateDivergenceException("shard " + s + ": replica holds " + replicas[s].size()
                            + " rows, producer " + producerRows.size() + ", or some rows differ");
                }
            }
            r.verified = true;
        } catch (RuntimeException e) {
            r.decodeApplySeconds = (System.nanoTime() - t0) / 1e9;
            r.decodeApplyCpuSeconds = (cpuNanos() - c0) / 1e9;
            r.verified = false;
            r.failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** CPU time of this thread (wall time where the JVM cannot measure it). */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
}
