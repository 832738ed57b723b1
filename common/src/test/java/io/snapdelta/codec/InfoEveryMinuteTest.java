package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InfoEveryMinuteTest {
    @Test
    void theFirstEventAndThenOneAMinuteGoToInfoWithTheCountOfTheOthers() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        CodecSelector.InfoEveryMinute limit = new CodecSelector.InfoEveryMinute(now::get);
        assertEquals(0, limit.infoNow());
        now.addAndGet(1_000_000_000L);
        assertEquals(-1, limit.infoNow());
        now.addAndGet(58_000_000_000L);
        assertEquals(-1, limit.infoNow()); // 59 s after the INFO line
        now.addAndGet(1_000_000_000L);
        assertEquals(2, limit.infoNow()); // a minute after it: two went to DEBUG in between
        assertEquals(-1, limit.infoNow());
        now.addAndGet(60_000_000_000L);
        assertEquals(1, limit.infoNow());
    }
}
