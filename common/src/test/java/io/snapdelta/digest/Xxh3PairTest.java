package io.snapdelta.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.openhft.hashing.LongTupleHashFunction;
import org.junit.jupiter.api.Test;

class Xxh3PairTest {
    /** What the fused pass must equal: the library's two XXH3-128 calls, high half first per seed. */
    private static long[] library(byte[] b, int off, int len, long seedA, long seedB) {
        long[] a = LongTupleHashFunction.xx128(seedA).hashBytes(b, off, len);
        long[] c = LongTupleHashFunction.xx128(seedB).hashBytes(b, off, len);
        return new long[] {a[1], a[0], c[1], c[0]};
    }

    /** Every length of both XXH3 paths it covers (17-128, 129-240), at several offsets, under the digest's seeds. */
    @Test
    void equalsTheLibraryUnderSeedsZeroAndOneOnEveryLength() {
        SplittableRandom random = new SplittableRandom(13);
        long[] lanes = new long[4];
        for (int len = Xxh3Pair.MIN_LENGTH; len <= Xxh3Pair.MAX_LENGTH; len++) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] b = new byte[len + 16];
                random.nextBytes(b);
                int off = trial % 9;
                Xxh3Pair.hash(b, off, len, 0, 1, lanes);
                assertArrayEquals(library(b, off, len, 0, 1), lanes, "length " + len + " offset " + off);
            }
        }
    }

    /** Other seeds (negative, large, equal): the seed enters every secret word, and the last round negates it. */
    @Test
    void equalsTheLibraryUnderOtherSeeds() {
        SplittableRandom random = new SplittableRandom(31);
        long[] lanes = new long[4];
        long[][] seeds = {{-1, Long.MIN_VALUE}, {Long.MAX_VALUE, 7}, {42, 42}, {random.nextLong(), random.nextLong()}};
        for (long[] s : seeds) {
            for (int len = Xxh3Pair.MIN_LENGTH; len <= Xxh3Pair.MAX_LENGTH; len++) {
                byte[] b = new byte[len];
                random.nextBytes(b);
                Xxh3Pair.hash(b, 0, len, s[0], s[1], lanes);
                assertArrayEquals(library(b, 0, len, s[0], s[1]), lanes, "length " + len + " seeds " + s[0] + ", " + s[1]);
            }
        }
    }

    /** Runs of one byte value (all zero, all 0xFF): words whose products carry across the 64-bit halves. */
    @Test
    void equalsTheLibraryOnConstantInputs() {
        long[] lanes = new long[4];
        for (byte v : new byte[] {0, (byte) 0xFF, 0x7F, (byte) 0x80}) {
            for (int len = Xxh3Pair.MIN_LENGTH; len <= Xxh3Pair.MAX_LENGTH; len++) {
                byte[] b = new byte[len];
                java.util.Arrays.fill(b, v);
                Xxh3Pair.hash(b, 0, len, 0, 1, lanes);
                assertArrayEquals(library(b, 0, len, 0, 1), lanes, "length " + len + " byte " + v);
            }
        }
    }

    @Test
    void refusesLengthsOutsideItsPaths() {
        long[] lanes = new long[4];
        byte[] b = new byte[300];
        assertThrows(IllegalArgumentException.class, () -> Xxh3Pair.hash(b, 0, Xxh3Pair.MIN_LENGTH - 1, 0, 1, lanes));
        assertThrows(IllegalArgumentException.class, () -> Xxh3Pair.hash(b, 0, Xxh3Pair.MAX_LENGTH + 1, 0, 1, lanes));
    }
}
