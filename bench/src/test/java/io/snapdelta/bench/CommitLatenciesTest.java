package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.Version;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How changes are mapped to committed batches by shard and version range, and what is timed. */
class CommitLatenciesTest {
    private static CommittedBatch batch(int shard, long seq, long first, long last, int ops, long sealed, long visible) {
        return new CommittedBatch(shard, seq, new Version(1, first), new Version(1, last), ops, 100, sealed, visible);
    }

    @Test
    void eachChangeIsTimedAgainstTheBatchWhoseRangeHoldsItsVersion() {
        int[] shard = {0, 1, 0, 0, 1};
        long[] major = {1, 1, 1, 1, 1};
        long[] minor = {10, 11, 12, 20, 21};
        long[] append = {1000, 1001, 1002, 1010, 1011};
        List<CommittedBatch> seen = List.of(
                batch(0, 0, 10, 12, 2, 1050, 1200),
                batch(1, 0, 11, 21, 2, 1060, 1300),
                batch(0, 1, 20, 20, 1, 1100, 1400));
        CommitLatencies.Result r = CommitLatencies.compute(shard, major, minor, append, 5, seen);
        assertEquals(5, r.matched());
        assertEquals(0, r.notInABatch());
        assertEquals(0, r.byOpCount());
        assertTrue(r.rangesOrdered());
        assertEquals(0, r.sequenceGaps());
        // append -> visible: 200, 299, 198, 390, 289
        assertEquals(198, r.appendToVisible().getMinValue());
        assertEquals(390, r.appendToVisible().getMaxValue());
        assertEquals(5, r.appendToVisible().getTotalCount());
        assertEquals(5, r.uniqueVersionAppendToVisible().getTotalCount());
        assertEquals(5 * 1000.0 / (1400 - 1000), r.handledRate(), 1e-9);
        // sealed -> visible: 150, 240, 150, 300, 240
        assertEquals(150, r.sealedToVisible().getMinValue());
        assertEquals(300, r.sealedToVisible().getMaxValue());
        assertEquals(3, r.batches());
        assertEquals(300, r.batchBytes());
    }

    @Test
    void changesSharingAVersionAreSplitAcrossTheBatchesHoldingItByTheirOpCounts() {
        int[] shard = {0, 0, 0, 0, 0, 0};
        long[] major = {1, 1, 1, 1, 1, 1};
        long[] minor = {5, 5, 5, 5, 5, 7}; // e.g. a snapshot's reads share one version, then a streamed change
        long[] append = {0, 0, 0, 0, 0, 0};
        List<CommittedBatch> seen = List.of(batch(0, 0, 5, 5, 2, 10, 100), batch(0, 1, 5, 5, 2, 20, 200),
                batch(0, 2, 5, 7, 2, 30, 300));
        CommitLatencies.Result r = CommitLatencies.compute(shard, major, minor, append, 6, seen);
        assertEquals(6, r.matched());
        assertEquals(5, r.byOpCount());
        assertEquals(2, r.appendToVisible().getCountAtValue(100));
        assertEquals(2, r.appendToVisible().getCountAtValue(200));
        assertEquals(2, r.appendToVisible().getCountAtValue(300));
        assertEquals(1, r.uniqueVersionAppendToVisible().getTotalCount());
    }

    @Test
    void aBatchWithFewerOpsThanChangesNeverTakesAChangeEarlierThanItsBatch() {
        // Three changes of version 5, but the first batch coalesced two of them into one op.
        int[] shard = {0, 0, 0};
        long[] major = {1, 1, 1};
        long[] minor = {5, 5, 5};
        long[] append = {0, 0, 0};
        List<CommittedBatch> seen = List.of(batch(0, 0, 5, 5, 1, 10, 100), batch(0, 1, 5, 5, 1, 20, 200));
        CommitLatencies.Result r = CommitLatencies.compute(shard, major, minor, append, 3, seen);
        assertEquals(1, r.appendToVisible().getCountAtValue(100));
        assertEquals(2, r.appendToVisible().getCountAtValue(200));
    }

    @Test
    void changesOutsideEveryRangeAndRecordsWithoutAShardAreNotTimed() {
        int[] shard = {0, JobBenchInput.DEAD_LETTER, 0, 2};
        long[] major = {1, 0, 1, 1};
        long[] minor = {30, 0, 40, 1};
        long[] append = {0, 0, 0, 0};
        List<CommittedBatch> seen = List.of(batch(0, 0, 10, 20, 1, 1, 2), batch(0, 2, 35, 50, 1, 3, 4));
        CommitLatencies.Result r = CommitLatencies.compute(shard, major, minor, append, 4, seen);
        assertEquals(1, r.matched()); // minor 40
        assertEquals(2, r.notInABatch()); // minor 30 (between batches) and the change of shard 2 (no batch at all)
        assertEquals(1, r.sequenceGaps()); // 0 -> 2
    }

    @Test
    void overlappingRangesInAShardAreReported() {
        List<CommittedBatch> seen = List.of(batch(0, 0, 10, 20, 1, 1, 2), batch(0, 1, 15, 30, 1, 3, 4));
        CommitLatencies.Result r = CommitLatencies.compute(new int[0], new long[0], new long[0], new long[0], 0, seen);
        assertFalse(r.rangesOrdered());
    }
}
