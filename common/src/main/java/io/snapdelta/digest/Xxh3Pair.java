package io.snapdelta.digest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * XXH3-128 of one input under two seeds at once, for inputs of {@link #MIN_LENGTH} to {@link #MAX_LENGTH} bytes
 * (the XXH3 "17to128" and "129to240" paths, which use the default secret with the seed mixed into each secret
 * word): state digest v2 hashes every entry under seeds 0 and 1 ({@code schemas/state-digest-v2.md}), and its
 * entries are short, so one pass reads each input word once for both seeds, shares the input sums, and skips the
 * library's per-call dispatch. Each seed's lanes are bit-identical to zero-allocation-hashing's
 * {@code LongTupleHashFunction.xx128(seed)} (a test compares them over every length of the range); other lengths
 * go to the library ({@link RowHasher}).
 */
final class Xxh3Pair {
    static final int MIN_LENGTH = 17;
    static final int MAX_LENGTH = 240;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long PRIME64_1 = 0x9E3779B185EBCA87L;
    private static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;

    /** XXH3's default secret (its first 192 bytes, all that inputs up to 240 bytes use). */
    private static final byte[] K_SECRET = HexFormat.of().parseHex(
            "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
            + "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
            + "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
            + "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
            + "eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e"
            + "2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e");
    /** {@code SECRET[o]}: the little-endian word at byte {@code o} of the secret (the short paths read unaligned words). */
    private static final long[] SECRET = new long[K_SECRET.length - 7];

    static {
        for (int o = 0; o < SECRET.length; o++) {
            SECRET[o] = (long) LONG_LE.get(K_SECRET, o);
        }
    }

    private Xxh3Pair() {
    }

    /**
     * XXH3-128 of {@code b[off, off + len)} under {@code seedA} and {@code seedB}, {@code len} in
     * [{@link #MIN_LENGTH}, {@link #MAX_LENGTH}]: {@code lanes[0]}, {@code lanes[1]} = high and low 64 bits under
     * {@code seedA}, {@code lanes[2]}, {@code lanes[3]} = under {@code seedB} (state digest v2's lane order).
     */
    static void hash(byte[] b, int off, int len, long seedA, long seedB, long[] lanes) {
        if (len < MIN_LENGTH || len > MAX_LENGTH) {
            throw new IllegalArgumentException("length " + len + " outside [" + MIN_LENGTH + ", " + MAX_LENGTH + "]");
        }
        long a0 = len * PRIME64_1;
        long a1 = 0;
        long b0 = a0;
        long b1 = 0;
        if (len <= 128) {
            // XXH3_len_17to128: rounds from the middle out, pairing the k-th 16 bytes from the front with the
            // k-th from the back, secret words at 32k.
            for (int k = (len - 1) >>> 5; k >= 0; k--) {
                int p = off + 16 * k;
                int q = off + len - 16 * (k + 1);
                long x0 = (long) LONG_LE.get(b, p);
                long x1 = (long) LONG_LE.get(b, p + 8);
                long x2 = (long) LONG_LE.get(b, q);
                long x3 = (long) LONG_LE.get(b, q + 8);
                long s01 = x0 + x1;
                long s23 = x2 + x3;
                int s = 32 * k;
                a0 = mix(a0, seedA, s, x0, x1, s23);
                a1 = mix(a1, seedA, s + 16, x2, x3, s01);
                b0 = mix(b0, seedB, s, x0, x1, s23);
                b1 = mix(b1, seedB, s + 16, x2, x3, s01);
            }
        } else {
            // XXH3_len_129to240: 32-byte rounds; the first four, an avalanche, the rest at secret offset 3, then
            // the last 32 bytes under the negated seed.
            int rounds = len >>> 5;
            for (int i = 0; i < rounds; i++) {
                if (i == 4) {
                    a0 = avalanche(a0);
                    a1 = avalanche(a1);
                    b0 = avalanche(b0);
                    b1 = avalanche(b1);
                }
                int p = off + 32 * i;
                long x0 = (long) LONG_LE.get(b, p);
                long x1 = (long) LONG_LE.get(b, p + 8);
                long x2 = (long) LONG_LE.get(b, p + 16);
                long x3 = (long) LONG_LE.get(b, p + 24);
                long s01 = x0 + x1;
                long s23 = x2 + x3;
                int s = i < 4 ? 32 * i : 3 + 32 * (i - 4);
                a0 = mix(a0, seedA, s, x0, x1, s23);
                a1 = mix(a1, seedA, s + 16, x2, x3, s01);
                b0 = mix(b0, seedB, s, x0, x1, s23);
                b1 = mix(b1, seedB, s + 16, x2, x3, s01);
            }
            if (rounds == 4) {
                // (len < 160: the loop ended before its avalanche)
                a0 = avalanche(a0);
                a1 = avalanche(a1);
                b0 = avalanche(b0);
                b1 = avalanche(b1);
            }
            int p = off + len - 16;
            int q = off + len - 32;
            long x0 = (long) LONG_LE.get(b, p);
            long x1 = (long) LONG_LE.get(b, p + 8);
            long x2 = (long) LONG_LE.get(b, q);
            long x3 = (long) LONG_LE.get(b, q + 8);
            long s01 = x0 + x1;
            long s23 = x2 + x3;
            a0 = mix(a0, -seedA, 103, x0, x1, s23);
            a1 = mix(a1, -seedA, 119, x2, x3, s01);
            b0 = mix(b0, -seedB, 103, x0, x1, s23);
            b1 = mix(b1, -seedB, 119, x2, x3, s01);
        }
        lanes[0] = high(a0, a1, len, seedA);
        lanes[1] = avalanche(a0 + a1);
        lanes[2] = high(b0, b1, len, seedB);
        lanes[3] = avalanche(b0 + b1);
    }

    /** XXH128_mix32B's half for one accumulator: {@code other} is the sum of the other 16 bytes' two words. */
    private static long mix(long acc, long seed, int s, long x0, long x1, long other) {
        return (acc + mulFold(x0 ^ (SECRET[s] + seed), x1 ^ (SECRET[s + 8] - seed))) ^ other;
    }

    private static long high(long acc0, long acc1, int len, long seed) {
        return -avalanche(acc0 * PRIME64_1 + acc1 * PRIME64_4 + (len - seed) * PRIME64_2);
    }

    /** The 128-bit unsigned product of {@code a} and {@code b}, its two halves XORed. */
    private static long mulFold(long a, long b) {
        long high = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
        return a * b ^ high;
    }

    private static long avalanche(long h) {
        h ^= h >>> 37;
        h *= 0x165667919E3779F9L;
        return h ^ (h >>> 32);
    }
}
