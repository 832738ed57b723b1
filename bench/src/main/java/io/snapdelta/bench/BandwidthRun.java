package io.snapdelta.bench;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.shard.FlushPolicy;
import io.snapdelta.shard.ReplicaShardState;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardBatchEncoder;
import io.snapdelta.shard.ShardCounters;
import io.snapdelta.shard.ShardDeltaState;
import io.snapdelta.shard.ShardLookAhead;
import io.snapdelta.shard.ShardPipeline;
import io.snapdelta.shard.ShardingVersion;
import io.snapdelta.shard.StateDivergenceException;
import io.snapdelta.shard.TableKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pass of the bandwidth benchmark at one setting: route every event to its shard's {@link ShardPipeline}
 * (the job's per-shard path: dedup, diff, coalescing, digest, body probe, encode, compress, seal), which seals
 * every N source changes (and at the end of the snapshot phase and of the input), ship what it seals, then
 * decode every sealed batch again, apply it to a separate replica per shard, and check the digests after
 * every batch and the final states.
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
        /** Streamed batches on which the body probe sealed both bodies (they differed), and their sizes. */
        long streamedBodyProbes;
        long streamedProbeShippedBytes;
        long streamedProbeOtherBodyBytes;
        long bodiesChosenCoalesced;
        long bodiesChosenStreamOrdered;
        long outOfBandBytes;
        long sourceChanges;
        double encodeSeconds;
        /**
         * Of {@link #encodeSeconds}, the time of the pipeline calls that sealed a batch: the sealing change's
         * shard logic, coalescing, then the encoder (encode, compress, seal; both bodies on probe batches).
         */
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
        /** Zstd dictionary trainings over all shards' selectors (each runs on the sealing path, so its CPU is in encode). */
        long dictionaryTrainings;
        /** Training attempts declined by the selectors' raw-content screen before training (not in the trainings). */
        long dictionariesScreenedOut;
        long dictionariesPublished;
        /** Thread CPU spent in the selectors' training attempts (screens and trainings): part of the encode CPU. */
        long dictionaryTrainingCpuNanos;
        final ShardCounters counters = new ShardCounters();
        /** The hash that routed events to shards (shard.hash-version): which events share a batch depends on it. */
        ShardingVersion sharding;

        Result(int shards, int batchChanges) {
            this.shards = shards;
            this.batchChanges = batchChanges;
        }
    }

    private record Shipped(int shard, byte[] bytes) {
    }

    /**
     * Events per look-ahead run ({@link ShardLookAhead}). In-JVM A/B (round speedstage12), encode CPU against no
     * look-ahead: runs of 32 -5.3% on a 1M-account capture, -2.9% on pgbench-small; runs of 64 ~1% slower than
     * 32, runs of 16 less gain; a hint per event between applies was slower than none.
     */
    static final int LOOK_AHEAD = 32;

    /** The bench's pipelines run on a clock that stands still: batches seal on count, never on a deadline. */
    private static final long CLOCK_MILLIS = 0;

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
        m.sharding = first.sharding;
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

    static Result run(CaptureEvents capture, int shards, ShardingVersion sharding, int batchChanges, DeltaFormatDriver driver) {
        Result r = new Result(shards, batchChanges);
        r.sharding = sharding;
        ShardAssigner assigner = new ShardAssigner(shards, sharding);
        ShardPipeline[] pipelines = new ShardPipeline[shards];
        for (int s = 0; s < shards; s++) {
            pipelines[s] = driver.pipeline(s, batchChanges);
        }
        List<Shipped> shipped = new ArrayList<>();
        boolean[] streamedPhase = {false};

        // The capture is parsed again for each pass, a chunk at a time; the encode time is the sum of the time
        // spent on the chunks' events, parsing not included. A chunk's shards are computed first, in one loop
        // (the routing hash of every event, then the pipelines: ~3-4% less encode CPU than routing each event
        // between two pipeline calls, in-JVM A/B), and each run of LOOK_AHEAD events is looked ahead one run before it is
        // applied (ShardLookAhead: the state look-ups' cache misses of a run overlap).
        int[] shardOf = new int[CaptureEvents.CHUNK_EVENTS];
        ShardLookAhead lookAhead = new ShardLookAhead();
        // Batches sealed inside the timed loop are accounted for (bytes, sections, CRC) after the chunk's time is
        // taken: that bookkeeping is the bench's, not the encoder's (it was ~5% of the timed samples).
        List<Pending> sealedInChunk = new ArrayList<>();
        capture.forEachChunk((events, count) -> {
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            for (int i = 0; i < count; i++) {
                shardOf[i] = assigner.shardOf(events[i].table(), events[i].key());
            }
            lookAhead.prefetch(pipelines, shardOf, events, 0, Math.min(LOOK_AHEAD, count));
            for (int i = 0; i < count; i++) {
                if (i % LOOK_AHEAD == 0 && i + LOOK_AHEAD < count) {
                    lookAhead.prefetch(pipelines, shardOf, events, i + LOOK_AHEAD, Math.min(i + 2 * LOOK_AHEAD, count));
                }
                ChangeEvent e = events[i];
                boolean streamedEvent = e.op() != ChangeOp.SNAPSHOT_READ;
                if (streamedEvent && !streamedPhase[0]) {
                    // End of the snapshot phase: seal what it left open, so its bytes are reported apart.
                    for (ShardPipeline p : pipelines) {
                        seal(p, FlushPolicy.Reason.CHECKPOINT, false, sealedInChunk, r);
                    }
                    streamedPhase[0] = true;
                }
                applyOne(pipelines[shardOf[i]], e, streamedPhase[0], sealedInChunk, r);
            }
            r.encodeSeconds += (System.nanoTime() - t0) / 1e9;
            r.encodeCpuSeconds += (cpuNanos() - c0) / 1e9;
            shipAll(sealedInChunk, shipped, r);
        });
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        for (ShardPipeline p : pipelines) {
            seal(p, FlushPolicy.Reason.END_OF_INPUT, streamedPhase[0], sealedInChunk, r);
        }
        r.encodeSeconds += (System.nanoTime() - t0) / 1e9;
        r.encodeCpuSeconds += (cpuNanos() - c0) / 1e9;
        shipAll(sealedInChunk, shipped, r);
        r.outOfBandBytes = driver.outOfBandBytes();
        for (ShardPipeline p : pipelines) {
            r.counters.addAll(p.state().counters());
            CodecSelector selector = p.encoder().writer().selector();
            r.dictionaryTrainings += selector.dictionaryTrainings();
            r.dictionariesScreenedOut += selector.dictionariesScreenedOut();
            r.dictionariesPublished += selector.dictionariesPublished();
            r.dictionaryTrainingCpuNanos += selector.dictionaryTrainingCpuNanos();
        }
        r.sourceChanges = r.counters.sourceChanges;

        verify(shipped, pipelines, driver, r);
        driver.close();
        return r;
    }

    private static void applyOne(ShardPipeline p, ChangeEvent e, boolean streamedPhase, List<Pending> sealedInChunk, Result r) {
        if (sealsOnNextChange(p)) {
            // Only the calls that seal are timed (a CPU clock read per change would cost more than a change).
            long f0 = System.nanoTime();
            long fc0 = cpuNanos();
            ShardPipeline.Sealed sealed = p.apply(e, CLOCK_MILLIS);
            r.formatSeconds += (System.nanoTime() - f0) / 1e9;
            r.formatCpuSeconds += (cpuNanos() - fc0) / 1e9;
            if (sealed == null && p.isOpen()) {
                throw new IllegalStateException("shard " + p.state().shard() + " was expected to seal on count and did not");
            }
            if (sealed != null) {
                sealedInChunk.add(new Pending(sealed, streamedPhase));
            }
        } else if (p.apply(e, CLOCK_MILLIS) != null) {
            throw new IllegalStateException("shard " + p.state().shard() + " sealed before its count was reached");
        }
    }

    /**
     * The bench's pipelines seal on count only (no latency deadline, no byte cap), so the call that seals is
     * the one that brings the open batch to the count target; the target moves only when a batch is sealed.
     */
    private static boolean sealsOnNextChange(ShardPipeline p) {
        return p.state().openSourceChanges() + 1 >= p.policy().countTarget();
    }

    private static void seal(ShardPipeline p, FlushPolicy.Reason reason, boolean streamed, List<Pending> sealedInChunk, Result r) {
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        ShardPipeline.Sealed sealed = p.sealForCheckpoint(reason, CLOCK_MILLIS);
        r.formatSeconds += (System.nanoTime() - t0) / 1e9;
        r.formatCpuSeconds += (cpuNanos() - c0) / 1e9;
        if (sealed != null) {
            sealedInChunk.add(new Pending(sealed, streamed));
        }
    }

    /** A batch sealed in the timed loop, with whether it belongs to the streamed part; shipped after the timing. */
    private record Pending(ShardPipeline.Sealed sealed, boolean streamed) {
    }

    /** Accounts for the batches sealed since the last call, in sealing order, and empties the list. */
    private static void shipAll(List<Pending> sealedInChunk, List<Shipped> shipped, Result r) {
        for (Pending p : sealedInChunk) {
            ship(p.sealed(), p.streamed(), shipped, r);
        }
        sealedInChunk.clear();
    }

    private static void ship(ShardPipeline.Sealed sealed, boolean streamed, List<Shipped> shipped, Result r) {
        if (sealed == null) {
            return;
        }
        ShardBatchEncoder.Encoded b = sealed.batch();
        byte[] bytes = b.bytes();
        if (b.body() == ShardBatchEncoder.Body.COALESCED) {
            r.bodiesChosenCoalesced++;
        } else {
            r.bodiesChosenStreamOrdered++;
        }
        r.batches++;
        r.codecsChosen.merge(DeltaFormatDriver.codecName(b), 1L, Long::sum);
        if (streamed) {
            r.streamedBatches++;
            r.streamedBytes += bytes.length;
            if (b.bodiesDiffered() && b.alternativeBytes() >= 0) {
                r.streamedBodyProbes++;
                r.streamedProbeShippedBytes += bytes.length;
                r.streamedProbeOtherBodyBytes += b.alternativeBytes();
            }
            DeltaFormatDriver.sections(bytes).forEach((k, v) -> r.streamedSections.merge(k, v, Long::sum));
        } else {
            r.snapshotBatches++;
            r.snapshotBytes += bytes.length;
        }
        r.shippedCrc.update(bytes);
        shipped.add(new Shipped(b.shard(), bytes));
    }

    private static void verify(List<Shipped> shipped, ShardPipeline[] pipelines, DeltaFormatDriver decoder, Result r) {
        ReplicaShardState[] replicas = new ReplicaShardState[pipelines.length];
        long[] nextSequence = new long[pipelines.length];
        for (int s = 0; s < replicas.length; s++) {
            replicas[s] = new ReplicaShardState();
        }
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        try {
            for (Shipped sh : shipped) {
                ReplicaShardState replica = replicas[sh.shard()];
                DeltaFormatDriver.Decoded d = decoder.decode(sh.shard(), sh.bytes(), replica);
                if (d.shard() != sh.shard() || d.sequence() != nextSequence[sh.shard()]) {
                    throw new StateDivergenceException("batch of shard " + sh.shard() + " decoded as shard " + d.shard()
                            + " sequence " + d.sequence() + ", expected sequence " + nextSequence[sh.shard()]);
                }
                nextSequence[sh.shard()]++;
                replica.beginBatch(sh.shard(), d.sequence(), d.digestAfter().version());
                if (d.digestBefore() != null && !d.digestBefore().equals(replica.digest())) {
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
            for (int s = 0; s < pipelines.length; s++) {
                ShardDeltaState state = pipelines[s].state();
                StateDigest producer = state.digest();
                if (!producer.equals(replicas[s].digest()) || !producer.equals(replicas[s].recomputeDigest())) {
                    throw new StateDivergenceException("shard " + s + ": final replica digest " + replicas[s].digest()
                            + " differs from the producer's " + producer);
                }
                Map<TableKey, Row> producerRows = new java.util.HashMap<>();
                state.store().forEachLive(producerRows::put);
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
