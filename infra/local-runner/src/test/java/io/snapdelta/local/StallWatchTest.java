package io.snapdelta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWatchTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aJobThatKeepsParsingIsNeverStalledHoweverLongItRuns() {
        StallWatch watch = new StallWatch(Duration.ofSeconds(60), 0);
        for (long t = 5; t <= 10 * 3600; t += 5) {
            assertFalse(watch.stalled(t * 10, t * S), "at " + t + " s");
        }
        assertEquals(10 * 3600 * 10, watch.lastParsed());
    }

    @Test
    void aJobIsStalledOnceNothingNewWasParsedForTheTimeout() {
        StallWatch watch = new StallWatch(Duration.ofSeconds(60), 0);
        assertFalse(watch.stalled(-1, 30 * S), "nothing reported yet, within the timeout");
        assertFalse(watch.stalled(500, 40 * S));
        assertFalse(watch.stalled(500, 100 * S), "60 s after the last progress: not yet over");
        assertTrue(watch.stalled(500, 101 * S));
        assertTrue(watch.stalled(400, 102 * S), "a lower count (tasks restarted) is no progress");
        assertFalse(watch.stalled(501, 103 * S), "progress again");
        assertEquals(501, watch.lastParsed());
    }

    @Test
    void aJobThatNeverReportsIsStalledAfterTheTimeoutFromItsStart() {
        StallWatch watch = new StallWatch(Duration.ofSeconds(10), 5 * S);
        assertFalse(watch.stalled(-1, 15 * S));
        assertTrue(watch.stalled(-1, 16 * S));
        assertEquals(0, watch.lastParsed());
    }
}
