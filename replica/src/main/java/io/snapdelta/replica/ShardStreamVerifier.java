package io.snapdelta.replica;

import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.delta.OpCounts;
import io.snapdelta.format.BatchHeader;
import io.snapdelta.format.CorruptBatchException;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.shard.ReplicaShardState;
import io.snapdelta.shard.StateDivergenceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies and applies one shard's batches in the order they were committed, to an empty replica, by the
 * rules of {@code schemas/deltas-topic-v1.md} ("What a consumer checks"): the checksum; the sequence
 * (lower or equal than applied: a duplicate, counted and skipped; higher than the next: a gap, the shard
 * stops); the digest before equals the replica's (batches up to format v2 carry it; from v3 the previous
 * batch's digest after stands for it), and the replica's digest after applying equals the batch's, hashing with the
 * digest version the batch names (a shard whose digest version changes mid-stream stops with DIGEST_MISMATCH). A corrupt batch is counted and skipped: if it was a damaged copy, the next batch carries the
 * expected sequence and the stream goes on; if it was the only copy, the next batch shows the gap.
 * Each shard has its own reader and schema registry, so a shard stream that relies on another shard's
 * schema definitions fails here as it would on a replica that follows only that shard. Not thread-safe.
 */
final class ShardStreamVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardStreamVerifier.class);
    /** Problems kept per shard beyond the counters (the first ones are the informative ones). */
    static final int MAX_PROBLEMS = 100;

    private final int shard;
    private final DeltaBatchReader reader;
    private final ReplicaShardState replica = new ReplicaShardState();
    /** CRC32C of every applied batch by sequence, to tell a true duplicate from a conflicting one. */
    private int[] appliedCrcs = new int[64];
    private long next;
    private long batches;
    private long bytes;
    private long inserts;
    private long updates;
    private long deletes;
    private long duplicates;
    private long gaps;
    private long corrupt;
    private long digestMismatches;
    private long divergences;
    private long misrouted;
    private long conflictingDuplicates;
    private long ignoredAfterStop;
    private String stopReason;
    private final List<Problem> problems = new ArrayList<>();

    ShardStreamVerifier(int shard, DeltaFormatOptions options, DictionaryStore dictionaries) {
        this.shard = shard;
        this.reader = new DeltaBatchReader(options, new TableSchemaRegistry(), dictionaries);
    }

    ReplicaShardState replica() {
        return replica;
    }

    /** Verifies one record of this shard; {@code partitions} is the topic's partition count. */
    void accept(DeltaRecord r, int partitions) {
        if (stopReason != null) {
            ignoredAfterStop++;
            return;
        }
        byte[] sealed = r.value();
        if (sealed == null) {
            corrupt++;
            problem(ProblemKind.CORRUPT, -1, r, "a record with a null value (a tombstone) where a sealed batch was expected");
            return;
        }
        BatchHeader h;
        try {
            h = reader.readHeader(sealed);
        } catch (CorruptBatchException e) {
            corrupt++;
            problem(ProblemKind.CORRUPT, e.sequence(), r, e.kind() + ": " + e.getMessage());
            return;
        }
        long seq = h.sequence();
        if (Integer.toUnsignedLong(h.shard()) != shard) {
            misrouted++;
            problem(ProblemKind.MISROUTED, seq, r, "the record key says shard " + shard + " but the batch header says shard "
                    + Integer.toUnsignedString(h.shard()) + "; not applied");
            return;
        }
        if (partitions > 0 && r.partition() != Math.floorMod(shard, partitions)) {
            // The batch itself is intact; applying it keeps the shard verifiable, the report names the breach.
            misrouted++;
            problem(ProblemKind.MISROUTED, seq, r, "shard " + shard + " belongs in partition " + Math.floorMod(shard, partitions)
                    + " of " + partitions + ", found in partition " + r.partition());
        }
        if (seq < next) {
            duplicates++;
            if (appliedCrcs[(int) seq] != h.crc()) {
                conflictingDuplicates++;
                problem(ProblemKind.CONFLICTING_DUPLICATE, seq, r, String.format("sequence %d was applied with crc 0x%08x, "
                        + "this copy has crc 0x%08x; skipped", seq, appliedCrcs[(int) seq], h.crc()));
            }
            return;
        }
        if (seq > next) {
            gaps++;
            stop(ProblemKind.GAP, seq, r, "expected sequence " + next + ", got " + seq + " (" + (seq - next) + " batch"
                    + (seq - next == 1 ? "" : "es") + " missing)");
            return;
        }
        try {
            replica.beginBatch(shard, seq, h.digestVersion()); // format v1-v3 carry state digest v1, v4 v2
        } catch (StateDivergenceException e) {
            digestMismatches++;
            stop(ProblemKind.DIGEST_MISMATCH, seq, r, e.getMessage());
            return;
        }
        byte[] held = replica.digest().toBytes();
        // v3 batches do not carry it: their digest before is the previous batch's digest after, checked below.
        if (h.hasDigestBefore() && !Arrays.equals(h.digestBefore(), held)) {
            digestMismatches++;
            stop(ProblemKind.DIGEST_MISMATCH, seq, r, "digest before " + hex(h.digestBefore()) + " but the replica holds " + hex(held));
            return;
        }
        SealedBatch batch;
        try {
            batch = reader.read(sealed, replica);
        } catch (CorruptBatchException e) {
            if (e.kind() == CorruptBatchException.Kind.STATE_MISMATCH) {
                divergences++;
                stop(ProblemKind.DIVERGENCE, seq, r, e.getMessage());
            } else {
                corrupt++;
                // Intact bytes (the checksum passed) that cannot be decoded: skipping would apply later batches to the wrong state.
                stop(ProblemKind.CORRUPT, seq, r, e.kind() + ": " + e.getMessage());
            }
            return;
        }
        try {
            replica.applyAll(batch.ops());
        } catch (StateDivergenceException e) {
            divergences++;
            stop(ProblemKind.DIVERGENCE, seq, r, e.getMessage());
            return;
        }
        byte[] reached = replica.digest().toBytes();
        if (!Arrays.equals(h.digestAfter(), reached)) {
            digestMismatches++;
            stop(ProblemKind.DIGEST_MISMATCH, seq, r, "digest after " + hex(h.digestAfter()) + " but the replica reached " + hex(reached));
            return;
        }
        OpCounts counts = OpCounts.of(batch.ops());
        inserts += counts.inserts();
        updates += counts.updates();
        deletes += counts.deletes();
        if (seq >= appliedCrcs.length) {
            appliedCrcs = Arrays.copyOf(appliedCrcs, appliedCrcs.length * 2);
        }
        appliedCrcs[(int) seq] = h.crc();
        next++;
        batches++;
        bytes += sealed.length;
    }

    private void stop(ProblemKind kind, long seq, DeltaRecord r, String detail) {
        problem(kind, seq, r, detail);
        stopReason = kind + " at sequence " + seq + ": " + detail;
        LOG.warn("Shard {} stops at {}@{}: {}", shard, r.partition(), r.offset(), stopReason);
    }

    private void problem(ProblemKind kind, long seq, DeltaRecord r, String detail) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new Problem(kind, shard, seq, r.partition(), r.offset(), detail));
        }
        if (kind != ProblemKind.GAP && kind != ProblemKind.DIGEST_MISMATCH && kind != ProblemKind.DIVERGENCE) {
            LOG.warn("Shard {} at {}@{}: {} {}", shard, r.partition(), r.offset(), kind, detail);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    ShardReport report() {
        return new ShardReport(shard, batches, next - 1, replica.digest().toHex(), replica.size(), bytes, inserts, updates,
                deletes, duplicates, gaps, corrupt, digestMismatches, divergences, misrouted, conflictingDuplicates,
                ignoredAfterStop, stopReason, problems);
    }

    @Override
    public void close() {
        reader.close();
    }
}
