package io.snapdelta.format;

import static io.snapdelta.format.ColumnEncoding.*;

import io.snapdelta.model.FieldType;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one column block: the values of one field over a run of rows. Picks, deterministically from
 * the values alone, the smallest of the encodings the type allows (ties go to the lower encoding id), so
 * equal value sequences in different tables produce equal bytes, which zstd then matches.
 */
final class ColumnWriter {
    private final ByteSink out;
    private final int version;
    private final IntegerPacking.BitWriter bits;
    private byte[][] utf8 = new byte[64][];
    /** Per present string value of the column being written: its written length and dictionary index. */
    private int[] stringLengths = new int[64];
    private int[] dictIndexes = new int[64];
    private final Map<String, Integer> dict = new HashMap<>();
    private long[] transformed = new long[1024];
    /** The present values of the column being written, unboxed, and their old values (DELTA_OLD). */
    private long[] plainValues = new long[1024];
    private long[] oldValues = new long[1024];
    /** RICE sizes of the (at most five) parameters tried for one transform. */
    private final long[] riceBitsOf = new long[5];
    /** Per transform (PLAIN, DELTA_PREV, DELTA_OLD): varint byte histogram, varint bytes, distinct byte values. */
    private final long[][] histograms = new long[3][256];
    private final long[] varintBytesOf = new long[3];
    private final int[] distinctOf = new int[3];
    /** Per transform: the cheapest packing's cost in bits (Long.MAX_VALUE: none), which one, its k, min and spread. */
    private final long[] packedCost = new long[3];
    private final int[] packedPacking = new int[3];
    private final int[] packedK = new int[3];
    private final long[] minOf = new long[3];
    private final long[] spreadOf = new long[3];

    private boolean packIntegers = true;

    /** v2: whether integer columns may be bit-packed (false: VARINT only, the plain layout). */
    void packIntegers(boolean pack) {
        this.packIntegers = pack;
    }

    ColumnWriter(ByteSink out, int version) {
        this.out = out;
        this.version = version;
        this.bits = new IntegerPacking.BitWriter(out);
    }

    /**
     * @param values {@code n} values (null allowed)
     * @param olds for update columns, the receiver's value of the field per row (enables DELTA_OLD), else null
     */
    void write(FieldType type, Object[] values, int n, Object[] olds, ColumnContext context) {
        int nulls = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                nulls++;
            }
        }
        int headerAt = out.position();
        if (nulls == n) {
            out.writeByte(NULLS_ALL);
            return;
        }
        if (type == FieldType.NULL) {
            throw new IllegalArgumentException(context + ": a NULL-typed field holds a non-null value");
        }
        int nullity = nulls == 0 ? NULLS_NONE : NULLS_BITMAP;
        out.writeByte(nullity); // encoding bits are patched in below
        if (nullity == NULLS_BITMAP) {
            writeBitmap(values, n);
        }
        int enc;
        switch (type) {
            case INT64, TIMESTAMP_MICROS, DATE -> enc = version >= 2 ? writeIntegersV2(values, n, olds, context)
                    : writeIntegers(values, n, olds, context);
            case STRING -> enc = writeStrings(values, n, context);
            case BOOLEAN -> enc = writeBooleans(values, n, context);
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    if (values[i] != null) {
                        out.writeLongBE(Double.doubleToRawLongBits(cast(values[i], Double.class, context)));
                    }
                }
                enc = 0;
            }
            case DECIMAL -> {
                for (int i = 0; i < n; i++) {
                    if (values[i] != null) {
                        BigDecimal d = cast(values[i], BigDecimal.class, context);
                        out.writeZigZag(d.scale());
                        byte[] unscaled = d.unscaledValue().toByteArray();
                        out.writeVarInt(unscaled.length);
                        out.writeBytes(unscaled, 0, unscaled.length);
                    }
                }
                enc = 0;
            }
            case BYTES -> {
                for (int i = 0; i < n; i++) {
                    if (values[i] != null) {
                        byte[] b = cast(values[i], byte[].class, context);
                        out.writeVarInt(b.length);
                        out.writeBytes(b, 0, b.length);
                    }
                }
                enc = 0;
            }
            default -> throw new IllegalStateException("unhandled type " + type);
        }
        out.array()[headerAt] |= (byte) enc;
    }

    private static <T> T cast(Object v, Class<T> c, ColumnContext context) {
        if (!c.isInstance(v)) {
            throw new IllegalArgumentException(context + ": expected a " + c.getSimpleName() + " but the row holds a "
                    + v.getClass().getSimpleName());
        }
        return c.cast(v);
    }

    /** Bit i (least significant first within each byte) set when value i is null. */
    private void writeBitmap(Object[] values, int n) {
        for (int base = 0; base < n; base += 8) {
            int b = 0;
            for (int i = base; i < Math.min(n, base + 8); i++) {
                if (values[i] == null) {
                    b |= 1 << (i - base);
                }
            }
            out.writeByte(b);
        }
    }

    private int writeBooleans(Object[] values, int n, ColumnContext context) {
        int b = 0;
        int bit = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] != null) {
                if (cast(values[i], Boolean.class, context)) {
                    b |= 1 << bit;
                }
                if (++bit == 8) {
                    out.writeByte(b);
                    b = 0;
                    bit = 0;
                }
            }
        }
        if (bit != 0) {
            out.writeByte(b);
        }
        return 0;
    }

    private int writeIntegers(Object[] values, int n, Object[] olds, ColumnContext context) {
        long plain = 0;
        long deltaPrev = 0;
        long deltaOld = olds == null ? Long.MAX_VALUE : 0;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                continue;
            }
            long v = cast(values[i], Long.class, context);
            plain += ByteSink.varLongSize(ByteSink.zigZag(v));
            deltaPrev += ByteSink.varLongSize(ByteSink.zigZag(v - prev));
            prev = v;
            if (deltaOld != Long.MAX_VALUE) {
                if (olds[i] instanceof Long old) {
                    deltaOld += ByteSink.varLongSize(ByteSink.zigZag(v - old));
                } else {
                    deltaOld = Long.MAX_VALUE;
                }
            }
        }
        int enc = INT_PLAIN;
        long best = plain;
        if (deltaPrev < best) {
            enc = INT_DELTA_PREV;
            best = deltaPrev;
        }
        if (deltaOld < best) {
            enc = INT_DELTA_OLD;
        }
        prev = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                continue;
            }
            long v = (Long) values[i];
            switch (enc) {
                case INT_PLAIN -> out.writeZigZag(v);
                case INT_DELTA_PREV -> out.writeZigZag(v - prev);
                default -> out.writeZigZag(v - (Long) olds[i]);
            }
            prev = v;
        }
        return enc << ENC_SHIFT;
    }

    /**
     * v2: every (transform, packing) pair the column allows is costed in bits and the cheapest is written;
     * ties go to the lower transform, then the lower packing. RANGE and RICE costs are exact; the VARINT
     * cost is the order-0 entropy of the varint bytes (what zstd's Huffman stage could at best make of
     * them) plus one bit per byte and four bits per distinct byte value, computed with {@link StrictMath} so the choice is the same on every
     * machine.
     */
    private int writeIntegersV2(Object[] values, int n, Object[] olds, ColumnContext context) {
        int m = 0;
        boolean oldsUsable = olds != null;
        for (int i = 0; i < n; i++) {
            if (values[i] != null) {
                cast(values[i], Long.class, context);
                m++;
                oldsUsable &= olds != null && olds[i] instanceof Long;
            }
        }
        ensureUnboxed(m);
        // Unbox once; every transform below is computed from these.
        for (int i = 0, j = 0; i < n; i++) {
            if (values[i] != null) {
                plainValues[j] = (Long) values[i];
                oldValues[j] = oldsUsable ? (Long) olds[i] : 0;
                j++;
            }
        }
        return writeUnboxedIntegers(m, oldsUsable);
    }

    private void ensureUnboxed(int m) {
        if (transformed.length < m) {
            transformed = new long[Math.max(m, transformed.length * 2)];
            plainValues = new long[transformed.length];
            oldValues = new long[transformed.length];
        }
    }

    /**
     * v2: writes {@code n} non-null integers held as primitives (the v3 key ranks) as {@link #write} writes
     * the same values boxed in an INT64 column without olds: the same bytes, without a box per value.
     */
    void writeLongs(long[] values, int n) {
        if (version < 2) {
            throw new IllegalStateException("primitive integer columns are written from v2 on");
        }
        if (n == 0) {
            out.writeByte(NULLS_ALL);
            return;
        }
        int headerAt = out.position();
        out.writeByte(NULLS_NONE);
        ensureUnboxed(n);
        System.arraycopy(values, 0, plainValues, 0, n);
        out.array()[headerAt] |= (byte) writeUnboxedIntegers(n, false);
    }

    /** {@link #writeIntegersV2} once the {@code m} present values (and their olds, if usable) are unboxed. */
    private int writeUnboxedIntegers(int m, boolean oldsUsable) {
        // Every candidate is costed and the cheapest written; ties go to the earlier candidate in the order
        // (transform, then VARINT < RANGE < RICE, then k). The RANGE and RICE costs are whole numbers of bits;
        // a VARINT cost needs the entropy (logarithms) only when its whole-number lower bound could still win.
        double bestCost = Double.MAX_VALUE;
        int bestTransform = INT_PLAIN;
        int bestPacking = IntegerPacking.VARINT;
        int bestK = 0;
        int transforms = oldsUsable ? 3 : 2;
        for (int t = 0; t < transforms; t++) {
            costTransform(t, m);
        }
        for (int t = 0; t < transforms; t++) {
            long varintBytes = varintBytesOf[t];
            double varintCost;
            if (!packIntegers) {
                varintCost = varintBytes; // plain layout: varints only, the transform with the fewest bytes (as v1)
            } else {
                // Plus one bit per byte: the codec shares one literal table among all columns of the body, so a
                // column's bytes never reach their own order-0 entropy (measured on pgbench: packed columns
                // win); plus four bits per distinct byte value, what a Huffman table pays to describe a symbol
                // (and the empirical entropy of a short column understates its true entropy). The entropy is
                // >= 0: when the rest alone cannot beat the best so far (or a packing of a transform not yet
                // compared that it must beat or tie), the logarithms are not needed.
                long lowerBound = varintBytes + 4L * distinctOf[t];
                long laterPacked = Long.MAX_VALUE;
                for (int u = t; u < transforms; u++) {
                    laterPacked = Math.min(laterPacked, packedCost[u]);
                }
                // The same expression (and so the same double) as always when it is computed.
                varintCost = lowerBound >= bestCost || lowerBound > laterPacked ? Double.MAX_VALUE
                        : entropyBits(histograms[t], varintBytes) + varintBytes + 4.0 * distinctOf[t];
            }
            if (varintCost < bestCost) {
                bestCost = varintCost;
                bestTransform = t;
                bestPacking = IntegerPacking.VARINT;
            }
            if (packedCost[t] != Long.MAX_VALUE && packedCost[t] < bestCost) {
                bestCost = packedCost[t];
                bestTransform = t;
                bestPacking = packedPacking[t];
                bestK = packedK[t];
            }
        }
        if (bestTransform != transforms - 1) {
            fillTransformed(m, bestTransform);
        }
        if (bestPacking == IntegerPacking.VARINT) {
            for (int i = 0; i < m; i++) {
                out.writeZigZag(transformed[i]);
            }
        } else {
            writePacked(m, bestTransform, bestPacking, bestK);
        }
        return (bestTransform << ENC_SHIFT) | (bestPacking << IntegerPacking.SHIFT);
    }

    /** Writes {@code transformed[0, m)} in the chosen RANGE or RICE packing (spec: "Packed integer columns"). */
    private void writePacked(int m, int bestTransform, int bestPacking, int bestK) {
        int from = bestTransform == INT_DELTA_PREV ? 1 : 0;
        if (from == 1) {
            out.writeZigZag(transformed[0]);
        }
        long min = minOf[bestTransform];
        long spread = spreadOf[bestTransform];
        out.writeZigZag(min);
        long payloadBits = 0;
        if (bestPacking == IntegerPacking.RANGE) {
            out.writeVarLong(spread);
            for (int i = from; i < m; i++) {
                payloadBits += IntegerPacking.rangeCodeLength(transformed[i] - min, spread);
            }
        } else {
            out.writeByte(bestK);
            payloadBits = (long) (m - from) * (bestK + 1);
            for (int i = from; i < m; i++) {
                payloadBits += (transformed[i] - min) >>> bestK;
            }
        }
        if (version < 3) {
            out.writeVarLong((payloadBits + 7) >>> 3); // v3 readers find the end from the codes
        }
        if (bestPacking == IntegerPacking.RANGE) {
            int w = IntegerPacking.bitLength(spread);
            long s = (w == 63 ? Long.MIN_VALUE : (1L << w)) - (spread + 1);
            for (int i = from; i < m; i++) {
                long u = transformed[i] - min;
                if (Long.compareUnsigned(u, s) < 0) {
                    bits.writeMsbFirst(u, w - 1);
                } else {
                    bits.writeMsbFirst(u + s, w);
                }
            }
        } else {
            for (int i = from; i < m; i++) {
                bits.writeRice(transformed[i] - min, bestK);
            }
        }
        bits.flush();
    }

    /** Bytes of a packed column's PayloadLength field for a payload of {@code bits} (none from v3). */
    private int payloadLengthSize(long bits) {
        return version >= 3 ? 0 : ByteSink.varLongSize((bits + 7) >>> 3);
    }

    /**
     * Costs transform {@code t} of the {@code m} unboxed values: its varint bytes and their histogram, and its
     * best packed code ({@link #packedCost}[t], MAX_VALUE when none applies); for the plain layout only its
     * varint bytes ({@link #costVarintBytes}). Kept apart from
     * {@link #writeIntegersV2} so that C2 compiles (and, after a deoptimisation, recompiles) small methods
     * rather than one large one: recompiling the whole writer cost ~0.35 s of C2 time per compile in a job run.
     */
    private void costTransform(int t, int m) {
        if (!packIntegers) {
            costVarintBytes(t, m);
            return;
        }
        long[] histogram = histograms[t];
        // One pass: the transform, its min and max (DELTA_PREV: over the deltas after the base) and the
        // histogram of its varint bytes.
        int from = t == INT_DELTA_PREV ? 1 : 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        java.util.Arrays.fill(histogram, 0);
        long varintBytes = 0;
        long prev = 0;
        for (int i = 0; i < m; i++) {
            long p = plainValues[i];
            long v = transform(t, p, prev, oldValues, i);
            prev = p;
            transformed[i] = v;
            if (i >= from) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            long z = ByteSink.zigZag(v);
            while ((z & ~0x7FL) != 0) {
                histogram[(int) ((z & 0x7F) | 0x80)]++;
                z >>>= 7;
                varintBytes++;
            }
            histogram[(int) z]++;
            varintBytes++;
        }
        varintBytesOf[t] = varintBytes;
        distinctOf[t] = distinct(histogram);
        packedCost[t] = Long.MAX_VALUE;
        if (m - from < 1) {
            return;
        }
        long spread = max - min;
        if (spread < 0 || spread >= IntegerPacking.MAX_SPREAD) {
            return;
        }
        minOf[t] = min;
        spreadOf[t] = spread;
        long baseBits = from == 1 ? 8L * ByteSink.varLongSize(ByteSink.zigZag(transformed[0])) : 0;
        // One pass for the RANGE code lengths (w bits, or w - 1 below the threshold s; see
        // IntegerPacking.rangeCodeLength) and the sum that centres the RICE parameters. Every u is in
        // [0, spread], spread < 2^62, so the running sum only overflows by passing Long.MAX_VALUE.
        int w = IntegerPacking.bitLength(spread);
        long s = (w == 63 ? Long.MIN_VALUE : (1L << w)) - (spread + 1);
        long shortCodes = 0;
        long sum = 0;
        boolean sumOverflow = false;
        for (int i = from; i < m; i++) {
            long u = transformed[i] - min;
            if (Long.compareUnsigned(u, s) < 0) {
                shortCodes++;
            }
            if (!sumOverflow) {
                sum += u;
                sumOverflow = sum < 0;
            }
        }
        long rangeBits = (long) (m - from) * w - shortCodes;
        long bestPacked = baseBits + 8L * (ByteSink.varLongSize(ByteSink.zigZag(min)) + ByteSink.varLongSize(spread)
                + payloadLengthSize(rangeBits)) + ((rangeBits + 7) & ~7L);
        int bestPackedPacking = IntegerPacking.RANGE;
        int bestPackedK = 0;
        // The best k is near log2 of the mean (exactly optimal for geometric spreads); the writer tries
        // the five parameters around it, which keeps encoding linear. A RICE size that reaches
        // Long.MAX_VALUE / 4 rules its k out; below that bound (sum < 2^58) no size can reach it.
        int maxK = Math.min(IntegerPacking.MAX_RICE_K, IntegerPacking.bitLength(spread));
        int center = sumOverflow ? maxK : IntegerPacking.bitLength(sum / (m - from));
        int kFrom = Math.max(0, center - 3);
        int kCount = Math.min(maxK, center + 1) - kFrom + 1;
        riceSizes(from, m, min, kFrom, kCount, !sumOverflow && sum < (1L << 58));
        long minBits = 8L * (ByteSink.varLongSize(ByteSink.zigZag(min)) + 1);
        for (int j = 0; j < kCount; j++) {
            long riceBits = riceBitsOf[j];
            if (riceBits >= Long.MAX_VALUE / 4) {
                continue;
            }
            long riceCost = baseBits + minBits + 8L * payloadLengthSize(riceBits) + ((riceBits + 7) & ~7L);
            if (riceCost < bestPacked) {
                bestPacked = riceCost;
                bestPackedPacking = IntegerPacking.RICE;
                bestPackedK = kFrom + j;
            }
        }
        packedCost[t] = bestPacked;
        packedPacking[t] = bestPackedPacking;
        packedK[t] = bestPackedK;
    }

    /**
     * {@link #costTransform} for the plain layout, which compares the transforms by their varint bytes alone
     * ({@link #writeUnboxedIntegers}): no histogram, range or packed costs (a third of the transforms costed).
     */
    private void costVarintBytes(int t, int m) {
        long[] p = plainValues;
        long[] o = oldValues;
        long[] out = transformed;
        long varintBytes = 0;
        long prev = 0;
        for (int i = 0; i < m; i++) {
            long v = p[i];
            long x = transform(t, v, prev, o, i);
            prev = v;
            out[i] = x;
            varintBytes += varLongSize(ByteSink.zigZag(x));
        }
        varintBytesOf[t] = varintBytes;
        packedCost[t] = Long.MAX_VALUE;
    }

    /**
     * Value {@code v} (the {@code i}-th) under transform {@code t}: itself, minus the previous value, or minus the
     * receiver's old value {@code olds[i]} (read only for that transform).
     */
    private static long transform(int t, long v, long prev, long[] olds, int i) {
        return t == INT_PLAIN ? v : t == INT_DELTA_PREV ? v - prev : v - olds[i];
    }

    /** {@link ByteSink#varLongSize} without a loop: 7 bits a byte, at least one byte. */
    private static int varLongSize(long v) {
        return (70 - Long.numberOfLeadingZeros(v | 1)) / 7;
    }

    /**
     * {@link #riceBitsOf}[j] = the RICE payload bits of {@code transformed[from, m) - min} with parameter
     * {@code kFrom + j}, for {@code j < kCount} (at most five); a size that would reach Long.MAX_VALUE / 4
     * stops there. {@code noOverflow}: the values' sum is below 2^58, so no size can reach it and the five
     * sums run without checks.
     */
    private void riceSizes(int from, int m, long min, int kFrom, int kCount, boolean noOverflow) {
        long[] riceBitsOf = this.riceBitsOf;
        long n = m - from;
        if (noOverflow) {
            // Shifts past 63 wrap in Java; the sums of the parameters j >= kCount are never read.
            int k0 = kFrom;
            long r0 = 0;
            long r1 = 0;
            long r2 = 0;
            long r3 = 0;
            long r4 = 0;
            for (int i = from; i < m; i++) {
                long u = transformed[i] - min;
                r0 += u >>> k0;
                r1 += u >>> (k0 + 1);
                r2 += u >>> (k0 + 2);
                r3 += u >>> (k0 + 3);
                r4 += u >>> (k0 + 4);
            }
            riceBitsOf[0] = n * (k0 + 1) + r0;
            riceBitsOf[1] = n * (k0 + 2) + r1;
            riceBitsOf[2] = n * (k0 + 3) + r2;
            riceBitsOf[3] = n * (k0 + 4) + r3;
            riceBitsOf[4] = n * (k0 + 5) + r4;
            return;
        }
        for (int j = 0; j < kCount; j++) {
            riceBitsOf[j] = n * (kFrom + j + 1);
        }
        for (int i = from; i < m; i++) {
            long u = transformed[i] - min;
            for (int j = 0; j < kCount; j++) {
                if (riceBitsOf[j] < Long.MAX_VALUE / 4) {
                    riceBitsOf[j] += u >>> (kFrom + j);
                }
            }
        }
    }

    /** Fills {@link #transformed} with the first {@code m} unboxed values under {@code transform}. */
    private void fillTransformed(int m, int transform) {
        long[] p = plainValues;
        long[] t = transformed;
        switch (transform) {
            case INT_PLAIN -> System.arraycopy(p, 0, t, 0, m);
            case INT_DELTA_PREV -> {
                long prev = 0;
                for (int i = 0; i < m; i++) {
                    t[i] = p[i] - prev;
                    prev = p[i];
                }
            }
            default -> {
                long[] o = oldValues;
                for (int i = 0; i < m; i++) {
                    t[i] = p[i] - o[i];
                }
            }
        }
    }

    private static int distinct(long[] histogram) {
        int d = 0;
        for (long c : histogram) {
            if (c > 0) {
                d++;
            }
        }
        return d;
    }

    /**
     * {@code StrictMath.log(c)} for small counts, computed once: the same doubles (StrictMath is exact to the
     * bit on every JVM), so the costs and the bytes do not change; the logarithms were ~1.3% of encode CPU.
     */
    private static final double[] LOG_OF_COUNT = new double[1024];
    private static final double LOG_2 = StrictMath.log(2);

    static {
        for (int c = 1; c < LOG_OF_COUNT.length; c++) {
            LOG_OF_COUNT[c] = StrictMath.log(c);
        }
    }

    private static double log(long c) {
        return c < LOG_OF_COUNT.length ? LOG_OF_COUNT[(int) c] : StrictMath.log(c);
    }

    /** Order-0 entropy in bits of the bytes counted in {@code histogram}. */
    private static double entropyBits(long[] histogram, long total) {
        if (total == 0) {
            return 0;
        }
        double bitsTotal = 0;
        double logTotal = log(total);
        for (long c : histogram) {
            if (c > 0) {
                bitsTotal += c * (logTotal - log(c));
            }
        }
        return bitsTotal / LOG_2;
    }

    private int writeStrings(Object[] values, int n, ColumnContext context) {
        if (utf8.length < n) {
            utf8 = new byte[Math.max(n, utf8.length * 2)][];
        }
        if (stringLengths.length < n) {
            stringLengths = new int[Math.max(n, stringLengths.length * 2)];
            dictIndexes = new int[stringLengths.length];
        }
        // Dictionary in first-occurrence order, keyed by the full (padded) text. Each distinct value is
        // encoded to UTF-8 once (utf8 and stringLengths are indexed by dictionary index);
        // each present value keeps its dictionary index for the writing pass.
        Map<String, Integer> dict = this.dict;
        dict.clear();
        int paddedLength = -1;
        boolean uniform = true;
        boolean anyTrailingBlank = false;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                continue;
            }
            String v = cast(values[i], String.class, context);
            Integer idx = dict.get(v);
            if (idx == null) {
                idx = dict.size();
                dict.put(v, idx);
                byte[] b = Utf8.encode(v, context);
                utf8[idx] = b;
                if (paddedLength < 0) {
                    paddedLength = b.length;
                } else if (paddedLength != b.length) {
                    uniform = false;
                }
                anyTrailingBlank |= b.length > 0 && b[b.length - 1] == ' ';
            }
            dictIndexes[m++] = idx;
        }
        boolean padded = uniform && anyTrailingBlank;
        int distinct = dict.size();
        long dictSize = 0;
        for (int d = 0; d < distinct; d++) {
            int len = padded ? stripped(utf8[d]) : utf8[d].length;
            stringLengths[d] = len;
            dictSize += ByteSink.varLongSize(len) + len;
        }
        long plainSize = 0;
        for (int k = 0; k < m; k++) {
            int idx = dictIndexes[k];
            plainSize += ByteSink.varLongSize(stringLengths[idx]) + stringLengths[idx];
            dictSize += ByteSink.varLongSize(idx);
        }
        boolean useDict = dictSize + ByteSink.varLongSize(distinct) < plainSize;
        if (padded) {
            out.writeVarInt(paddedLength);
        }
        if (useDict) {
            out.writeVarInt(distinct);
            // Indexes were given in first-occurrence order, so entries are written in index order.
            for (int d = 0; d < distinct; d++) {
                writeString(utf8[d], stringLengths[d]);
            }
            for (int k = 0; k < m; k++) {
                out.writeVarInt(dictIndexes[k]);
            }
        } else {
            for (int k = 0; k < m; k++) {
                int idx = dictIndexes[k];
                writeString(utf8[idx], stringLengths[idx]);
            }
        }
        for (int d = 0; d < distinct; d++) {
            utf8[d] = null;
        }
        dict.clear();
        return ((useDict ? STR_DICT : STR_PLAIN) << ENC_SHIFT) | (padded ? PADDED_FLAG : 0);
    }

    private void writeString(byte[] b, int len) {
        out.writeVarInt(len);
        out.writeBytes(b, 0, len);
    }

    private static int stripped(byte[] b) {
        int len = b.length;
        while (len > 0 && b[len - 1] == ' ') {
            len--;
        }
        return len;
    }
}
