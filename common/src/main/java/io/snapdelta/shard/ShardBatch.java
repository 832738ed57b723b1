package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.Version;
import java.util.List;

/**
 * The logical content of one sealed batch of one shard, before encoding. Both bodies decode to the same
 * state: {@link #coalescedOps} holds each touched key's net effect, sorted by {@link TableKey#ORDER};
 * {@link #streamOrderedOps} holds every applied change in arrival order (issue 4 asks to measure both and
 * ship the smaller).
 *
 * @param shard the shard
 * @param sequence per-shard batch sequence number, gap-free from 0
 * @param sourceChanges source changes the batch covers (every event taken, including dropped ones)
 * @param firstVersion lowest version among the accepted events (a batch has at least one)
 * @param lastVersion highest version among the accepted events
 * @param coalescedOps net effect per key, deterministic order
 * @param streamOrderedOps every state-changing event as an op, in arrival order
 * @param digestBefore shard state digest before the batch
 * @param digestAfter shard state digest after the batch
 */
public record ShardBatch(int shard, long sequence, long sourceChanges, Version firstVersion, Version lastVersion,
                         List<DeltaOp> coalescedOps, List<DeltaOp> streamOrderedOps,
                         StateDigest digestBefore, StateDigest digestAfter) {
    public ShardBatch {
        coalescedOps = List.copyOf(coalescedOps);
        streamOrderedOps = List.copyOf(streamOrderedOps);
        digestBefore = digestBefore.copy();
        digestAfter = digestAfter.copy();
    }

    /**
     * True when both bodies hold the same ops in the same order (e.g. a batch whose keys each changed once,
     * in key order, like a snapshot scan): then encoding the second body is wasted work. Compares the ops'
     * components by identity first (the producer builds both lists from the same rows), by value otherwise.
     */
    public boolean bodiesEqual() {
        int n = coalescedOps.size();
        if (n != streamOrderedOps.size()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!sameOp(coalescedOps.get(i), streamOrderedOps.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameOp(DeltaOp a, DeltaOp b) {
        if (a == b) {
            return true;
        }
        if (a.table() == b.table() && a.key() == b.key()) {
            if (a instanceof DeltaOp.Insert x && b instanceof DeltaOp.Insert y && x.after() == y.after()) {
                return true;
            }
            if (a instanceof DeltaOp.Update x && b instanceof DeltaOp.Update y && x.before() == y.before()
                    && x.after() == y.after()) {
                return true;
            }
            if (a instanceof DeltaOp.Delete x && b instanceof DeltaOp.Delete y && x.before() == y.before()) {
                return true;
            }
        }
        return a.equals(b);
    }
}
