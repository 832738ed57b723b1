package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DictionaryScreenTest {
    @Test
    void theRawContentIsTheTailOfTheRecentBodiesNewestLast() {
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        byte[] c = {6, 7, 8, 9};
        assertArrayEquals(new byte[] {3, 4, 5, 6, 7, 8, 9}, DictionaryScreen.rawContent(List.of(a, b, c), 7));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, DictionaryScreen.rawContent(List.of(a, b, c), 100));
    }

    @Test
    void aWindowStartingWithTheDictionaryMagicStartsOneByteLater() {
        // 0xEC30A437 little-endian: zstd would parse such bytes as a trained dictionary and fail.
        byte[] body = {0x37, (byte) 0xA4, 0x30, (byte) 0xEC, 10, 11, 12, 13, 14, 15};
        assertArrayEquals(new byte[] {(byte) 0xA4, 0x30, (byte) 0xEC, 10, 11, 12, 13, 14, 15},
                DictionaryScreen.rawContent(List.of(body), 64));
        DictionaryScreen.Sizes sizes = DictionaryScreen.measure(List.of(body, body), body, 3, 64);
        assertTrue(sizes.withRawContent() > 0);
    }

    @Test
    void aBodyRepeatingARecentOneCompressesToAlmostNothingWithTheRawContent() {
        Random random = new Random(5);
        byte[] recent = new byte[1500];
        random.nextBytes(recent);
        DictionaryScreen.Sizes sizes = DictionaryScreen.measure(List.of(recent), recent.clone(), 3, 16 * 1024);
        // Random bytes do not compress alone; against the raw content the body is one match.
        assertTrue(sizes.plain() >= recent.length, "plain " + sizes.plain());
        assertTrue(sizes.withRawContent() < 32, "with raw content " + sizes.withRawContent());
        assertEquals(sizes.plain() - sizes.withRawContent(), sizes.saving());
    }

    @Test
    void unrelatedRecentBodiesSaveNothing() {
        Random random = new Random(6);
        byte[] recent = new byte[1500];
        byte[] heldOut = new byte[1500];
        random.nextBytes(recent);
        random.nextBytes(heldOut);
        assertTrue(DictionaryScreen.measure(List.of(recent), heldOut, 3, 16 * 1024).saving() <= 0);
    }
}
