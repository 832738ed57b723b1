package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitActivityTest {
    @Test
    void countsTheMethodsWaitingInEachCompileQueueOfACompilerQueueListing() {
        String text = """
                12357:
                Current compiles:\s
                C2 CompilerThread0  17383   !   4       org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient::poll (198 bytes)

                C1 compile queue:
                Empty

                C2 compile queue:
                17376       4       java.lang.invoke.DirectMethodHandle$Holder::invokeStatic (15 bytes)
                17380       4       org.apache.kafka.common.metrics.stats.Min::update (13 bytes)
                17454   !   4       sun.nio.ch.SelectorImpl::processDeregisterQueue (145 bytes)

                """;
        assertArrayEquals(new int[] {0, 3}, JitActivity.queued(text));
    }

    @Test
    void aQueueTheListingDoesNotShowIsUnknown() {
        assertArrayEquals(new int[] {-1, -1}, JitActivity.queued(null));
        assertArrayEquals(new int[] {2, -1}, JitActivity.queued("C1 compile queue:\n1 3 a::b (1 bytes)\n2 3 a::c (1 bytes)\n"));
    }

    @Test
    void thisJvmReportsItsCompilationTimeAndBothQueues() {
        JitActivity.Reading r = JitActivity.now();
        assertTrue(r.compileMillis() >= 0, r.toString());
        assertTrue(r.c1Queued() >= 0 && r.c2Queued() >= 0, r.toString());
    }

    @Test
    void theCompileTimeSinceAReadingIsUnknownOnlyWhenAReadingIs() {
        JitActivity.Reading earlier = JitActivity.now();
        double since = earlier.compileSecondsUntilNow();
        assertTrue(since >= 0 && since * 1e3 <= JitActivity.now().compileMillis(), since + " s since " + earlier);
        assertEquals(-1, new JitActivity.Reading(-1, 0, 0).compileSecondsUntilNow());
    }
}
