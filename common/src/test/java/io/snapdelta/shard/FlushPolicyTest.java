package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FlushPolicyTest {
    @Test
    void beforeAnyBatchTheCountTargetIsTheReceiverCap() {
        FlushPolicy p = new FlushPolicy(100, 500, 1 << 30);
        assertEquals(500, p.countTarget());
        assertNull(p.sealNow(499, 499));
        assertEquals(FlushPolicy.Reason.COUNT, p.sealNow(500, 10));
    }

    @Test
    void countTargetFollowsTheObservedRateWithinOneLatencyBudget() {
        FlushPolicy p = new FlushPolicy(100, 10_000, 1 << 30);
        p.sealed(50, 50, 1000, 100); // 0.5 changes/ms -> 50 per 100 ms budget
        assertEquals(50, p.countTarget());
        assertNull(p.sealNow(49, 49));
        assertEquals(FlushPolicy.Reason.COUNT, p.sealNow(50, 50));
        for (int i = 0; i < 40; i++) {
            p.sealed(1000, 1000, 20_000, 10); // 100 changes/ms -> 10,000 per budget, the cap
        }
        assertEquals(10_000, p.countTarget());
    }

    @Test
    void aQuietShardSealsOnItsDeadlineWithATargetOfAtLeastOne() {
        FlushPolicy p = new FlushPolicy(200, 1000, 1 << 30);
        p.sealed(1, 1, 40, 200);
        assertEquals(1, p.countTarget());
        assertEquals(1_200, p.deadline(1_000));
    }

    @Test
    void sizeCapSealsBeforeTheChangeThatWouldExceedTheEstimatedReceiverLimit() {
        FlushPolicy p = new FlushPolicy(1000, 1_000_000, 10_000);
        // Before any measurement the estimate is the conservative 256 bytes per change: 39 fit in 10,000.
        assertNull(p.sealNow(38, 38));
        assertEquals(FlushPolicy.Reason.SIZE, p.sealNow(39, 39));
        p.sealed(100_000, 100, 1000, 1000); // measured 10 bytes per applied change, 100 changes/ms
        assertNull(p.sealNow(998, 998));
        assertEquals(FlushPolicy.Reason.SIZE, p.sealNow(1000, 1000));
    }

    @Test
    void droppedEventsCountTowardsTheCountButNotTheSize() {
        FlushPolicy p = new FlushPolicy(1000, 100, 2560);
        assertNull(p.sealNow(99, 0));
        assertEquals(FlushPolicy.Reason.COUNT, p.sealNow(100, 0));
    }

    @Test
    void restoredEstimatesGiveTheSameTargetsAsBeforeTheCheckpoint() {
        FlushPolicy p = new FlushPolicy(100, 10_000, 1 << 20);
        p.sealed(300, 280, 5600, 100);
        FlushPolicy q = new FlushPolicy(100, 10_000, 1 << 20);
        q.restore(p.changesPerMilli(), p.bytesPerChange());
        assertEquals(p.countTarget(), q.countTarget());
        assertEquals(p.bytesPerChange(), q.bytesPerChange());
        FlushPolicy fresh = new FlushPolicy(100, 10_000, 1 << 20);
        fresh.restore(fresh.changesPerMilli(), fresh.bytesPerChange());
        assertEquals(10_000, fresh.countTarget());
        assertEquals(0.0, fresh.bytesPerChange());
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThrows(IllegalArgumentException.class, () -> new FlushPolicy(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FlushPolicy(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FlushPolicy(1, 1, 0));
    }
}
