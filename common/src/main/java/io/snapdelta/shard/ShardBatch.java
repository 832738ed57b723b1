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
}
