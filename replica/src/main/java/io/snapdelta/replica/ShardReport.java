package io.snapdelta.replica;

import java.util.List;

/**
 * What verifying one shard's committed stream found.
 *
 * @param shard the shard
 * @param batches batches applied (each exactly once, in sequence order)
 * @param lastSequence sequence of the last applied batch, -1 if none
 * @param finalDigest hex of the replica's state digest after the last applied batch (the empty state's if none)
 * @param rows rows the replica holds
 * @param bytes sealed bytes of the applied batches
 * @param inserts insert ops applied
 * @param updates update ops applied
 * @param deletes delete ops applied
 * @param duplicates batches whose sequence was already applied (counted, skipped, never applied twice)
 * @param gaps gaps found (0 or 1: the shard stops at the first)
 * @param corruptBatches batches failing their checksum or a format rule
 * @param digestMismatches digest chain breaks (0 or 1: the shard stops)
 * @param divergences ops that did not fit the replica's rows (0 or 1: the shard stops)
 * @param misrouted records whose key, partition and header disagree
 * @param conflictingDuplicates duplicates with bytes other than the applied batch's
 * @param ignoredAfterStop records of this shard read after it stopped
 * @param stopReason why the shard stopped before the end of the topic, or null
 * @param problems every problem, in the order found
 */
public record ShardReport(int shard, long batches, long lastSequence, String finalDigest, long rows, long bytes,
                          long inserts, long updates, long deletes, long duplicates, long gaps, long corruptBatches,
                          long digestMismatches, long divergences, long misrouted, long conflictingDuplicates,
                          long ignoredAfterStop, String stopReason, List<Problem> problems) {
    public ShardReport {
        problems = List.copyOf(problems);
    }

    /** Ops applied (the changes that travelled). */
    public long ops() {
        return inserts + updates + deletes;
    }

    /** True if the stream applied cleanly to the end: no problem at all (duplicates alone are not a problem). */
    public boolean clean() {
        return problems.isEmpty();
    }
}
