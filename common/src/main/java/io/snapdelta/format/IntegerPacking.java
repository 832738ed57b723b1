package io.snapdelta.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * v2 integer packings (spec v2: "Integer packings"). After the transform (PLAIN, DELTA_PREV, DELTA_OLD)
 * a column's m values t_i are written either as zigzag varints (packing 0, as in v1) or bit-packed
 * relative to their minimum: u_i = t_i - min (unsigned, mod 2^64), in a bit stream read least significant
 * bit of each byte first, with codes written most significant bit first.
 *
 * <ul>
 *   <li>RANGE (1): truncated binary over the R + 1 values 0..R, R = max - min: with w = bit length of R,
 *   s = 2^w - (R + 1), a value u &lt; s takes w - 1 bits (u), others w bits (u + s). Near log2(R + 1) bits
 *   per value: what a uniformly spread column (random ids, balance deltas) is worth.</li>
 *   <li>RICE (2): parameter k; q = u &gt;&gt;&gt; k as q one-bits and a zero-bit, then the low k bits of u.
 *   Near the entropy of geometric spreads (gaps between sorted keys, time deltas).</li>
 * </ul>
 *
 * Why not varints alone: zstd entropy-codes literals with one Huffman table per block, which cannot model
 * bits that straddle varint bytes, so a 17-bit id costs about 20 bits as a varint and 17 here.
 */
final class IntegerPacking {
    private IntegerPacking() {
    }

    static final int VARINT = 0;
    static final int RANGE = 1;
    static final int RICE = 2;
    /** Column header bits 6-7 hold the packing in v2. */
    static final int SHIFT = 6;
    /** Bit-packing is used only when max - min &lt; 2^62 (wider spreads stay varints). */
    static final long MAX_SPREAD = 1L << 62;
    static final int MAX_RICE_K = 62;

    /** Bit length of x (0 for 0). */
    static int bitLength(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }

    /** Code length of u under RANGE over 0..r. */
    static int rangeCodeLength(long u, long r) {
        int w = bitLength(r);
        long s = (w == 63 ? Long.MIN_VALUE : (1L << w)) - (r + 1);
        return Long.compareUnsigned(u, s) < 0 ? w - 1 : w;
    }

    /** Appends bits to a byte sink, least significant bit of each byte first. */
    static final class BitWriter {
        private final ByteSink out;
        private long acc;
        private int bits;

        BitWriter(ByteSink out) {
            this.out = out;
        }

        /** Writes the low {@code n} bits of {@code code}, most significant first (n &lt;= 64). */
        void writeMsbFirst(long code, int n) {
            if (n == 0) {
                return;
            }
            long rev = Long.reverse(code) >>> (64 - n); // first bit to write is now the lowest
            writeLsbFirst(rev, n);
        }

        private void writeLsbFirst(long v, int n) {
            while (n > 0) {
                int take = Math.min(n, 56 - bits);
                long part = take == 64 ? v : v & ((1L << take) - 1);
                acc |= part << bits;
                bits += take;
                v = take == 64 ? 0 : v >>> take;
                n -= take;
                while (bits >= 8) {
                    out.writeByte((int) acc);
                    acc >>>= 8;
                    bits -= 8;
                }
            }
        }

        /**
         * One RICE code: {@code u >>> k} one bits, a zero bit, then the low {@code k} bits of {@code u} most
         * significant first; as one accumulator write when the code fits in 56 bits.
         */
        void writeRice(long u, int k) {
            long q = u >>> k;
            if (q + 1 + k <= 56) {
                long low = k == 0 ? 0 : Long.reverse(u) >>> (64 - k); // u's low k bits, the first to write lowest
                writeLsbFirst(((1L << q) - 1) | (low << (q + 1)), (int) q + 1 + k);
                return;
            }
            writeOnes(q);
            writeMsbFirst(0, 1);
            writeMsbFirst(u & ((1L << k) - 1), k);
        }

        void writeOnes(long count) {
            while (count > 0) {
                int take = (int) Math.min(count, 32);
                writeLsbFirst((1L << take) - 1, take);
                count -= take;
            }
        }

        /** Pads the last byte with zero bits. */
        void flush() {
            if (bits > 0) {
                out.writeByte((int) acc);
            }
            acc = 0;
            bits = 0;
        }
    }

    /** Reads a bit stream written by {@link BitWriter} from {@code [at, at + len)}; never reads past it. */
    static final class BitReader {
        private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        private final byte[] buf;
        private final int end;
        private final long totalBits;
        private long bitPos;
        private final int start;

        BitReader(byte[] buf, int at, int len) {
            this.buf = buf;
            this.start = at;
            this.end = at + len;
            this.totalBits = (long) len * 8;
        }

        long remainingBits() {
            return totalBits - bitPos;
        }

        int bit() {
            int b = (buf[start + (int) (bitPos >>> 3)] >>> (int) (bitPos & 7)) & 1;
            bitPos++;
            return b;
        }

        /** Up to 57 next bits, least significant first (missing bits past the end read as 0); no advance. */
        private long window() {
            int byteAt = (int) (bitPos >>> 3);
            int shift = (int) (bitPos & 7);
            if (end - (start + byteAt) >= 8) {
                // one 8-byte load instead of eight byte loads (every code but the last few of a body's bytes)
                return (long) LITTLE_ENDIAN_LONG.get(buf, start + byteAt) >>> shift;
            }
            long w = 0;
            int avail = Math.min(8, end - (start + byteAt));
            for (int i = 0; i < avail; i++) {
                w |= (buf[start + byteAt + i] & 0xFFL) << (8 * i);
            }
            return w >>> shift;
        }

        /** Reads n bits most significant first; the caller checked {@code n <= remainingBits()}. */
        long readMsbFirst(int n) {
            if (n == 0) {
                return 0;
            }
            long v = 0;
            int left = n;
            while (left > 0) {
                int take = Math.min(left, 56);
                long part = window() & ((1L << take) - 1);
                bitPos += take;
                // part holds the next `take` code bits, first bit lowest: reverse into most significant first
                v = (v << take) | (Long.reverse(part) >>> (64 - take));
                left -= take;
            }
            return v;
        }

        /** Counts and consumes one-bits up to (and consumes) the next zero-bit; -1 if the stream ends first. */
        long readUnary() {
            long q = 0;
            while (true) {
                long avail = remainingBits();
                if (avail <= 0) {
                    return -1;
                }
                int take = (int) Math.min(avail, 56);
                long w = window() & ((1L << take) - 1);
                int ones = Long.numberOfTrailingZeros(~w);
                if (ones < take) {
                    bitPos += ones + 1;
                    return q + ones;
                }
                bitPos += take;
                q += take;
            }
        }

        /** True when every bit after the position up to the end is zero and fewer than 8 remain. */
        boolean atCanonicalEnd() {
            if (remainingBits() >= 8) {
                return false;
            }
            while (bitPos < totalBits) {
                if (bit() != 0) {
                    return false;
                }
            }
            return true;
        }

        /** True when the bits from the position to the next byte boundary are all zero (consumes them). */
        boolean paddingToByteIsZero() {
            while ((bitPos & 7) != 0) {
                if (bit() != 0) {
                    return false;
                }
            }
            return true;
        }

        /** Whole bytes the codes read so far occupy (a partly read byte counts). */
        int bytesUsed() {
            return (int) ((bitPos + 7) >>> 3);
        }

        int end() {
            return end;
        }
    }
}
