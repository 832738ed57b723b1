package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParseSampleTest {
    private static List<byte[]> records(int n, int bytes) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new byte[bytes]);
        }
        return out;
    }

    @Test
    void anInputWithinTheBudgetIsKeptWhole() {
        List<byte[]> input = records(100, 10);
        ParseSample sample = new ParseSample(1000);
        input.forEach(sample::offer);
        assertEquals(1, sample.stride());
        assertEquals(100, sample.values().size());
        for (int i = 0; i < input.size(); i++) {
            assertSame(input.get(i), sample.values().get(i), "record " + i);
        }
        assertEquals(100, sample.offered());
    }

    @Test
    void anInputOverTheBudgetKeepsEveryStrideThRecordOfTheWholeInputInOrder() {
        List<byte[]> input = records(1000, 10);
        ParseSample sample = new ParseSample(2500); // 250 records fit: every 4th of 1,000 is the sample
        input.forEach(sample::offer);
        assertEquals(4, sample.stride());
        assertEquals(250, sample.values().size());
        for (int k = 0; k < sample.values().size(); k++) {
            assertSame(input.get(4 * k), sample.values().get(k), "sample record " + k);
        }
        long bytes = sample.values().stream().mapToLong(v -> v.length).sum();
        assertTrue(bytes <= 2500, bytes + " bytes kept");
        assertSame(input.get(996), sample.values().get(sample.values().size() - 1), "the sample reaches the input's end");
    }

    @Test
    void aFirstRecordLargerThanTheBudgetIsStillKept() {
        ParseSample sample = new ParseSample(5);
        byte[] big = new byte[50];
        sample.offer(big);
        sample.offer(new byte[1]);
        assertSame(big, sample.values().get(0));
        assertTrue(sample.values().size() >= 1);
        assertThrows(IllegalArgumentException.class, () -> new ParseSample(0));
    }
}
