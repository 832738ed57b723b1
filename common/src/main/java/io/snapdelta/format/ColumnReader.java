package io.snapdelta.format;

import static io.snapdelta.format.ColumnEncoding.*;

import io.snapdelta.model.FieldType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/** Reads column blocks written by {@link ColumnWriter}, checking every count and length first. */
final class ColumnReader {
    /** Stands for a non-null value still to be resolved against the receiver's old value (DELTA_OLD). */
    static final Object PENDING_OLD = new Object();

    /**
     * One decoded column; {@code oldDeltas} is set (and values are {@link #PENDING_OLD}) for DELTA_OLD. A column
     * read by {@link #readUnboxed} has no {@code values}: its integers are in {@code longs}, and {@code isNull}
     * (null when no value is null) says which of them stand for a null.
     */
    record Column(Object[] values, long[] oldDeltas, long[] longs, boolean[] isNull) {
        Column(Object[] values, long[] oldDeltas) {
            this(values, oldDeltas, null, null);
        }
    }

    private final ByteSource in;
    private final DecodeBudget budget;
    private final int maxStringLength;
    private final int version;

    /**
     * Scratch space a decoder reuses across columns and batches (the packed integer codes before they are
     * boxed), so reading a column allocates only what the column hands out. Not thread-safe.
     */
    static final class Scratch {
        private long[] longs = new long[0];

        long[] longs(int n) {
            if (longs.length < n) {
                longs = new long[Math.max(n, longs.length * 2)];
            }
            return longs;
        }
    }

    private final Scratch scratch;

    ColumnReader(ByteSource in, DecodeBudget budget, int maxStringLength, int version) {
        this(in, budget, maxStringLength, version, new Scratch());
    }

    ColumnReader(ByteSource in, DecodeBudget budget, int maxStringLength, int version, Scratch scratch) {
        this.scratch = scratch;
        this.version = version;
        this.in = in;
        this.budget = budget;
        this.maxStringLength = maxStringLength;
    }

    Column read(FieldType type, int n, boolean allowDeltaOld, String what) throws CorruptBatchException {
        return read(type, n, allowDeltaOld, what, false);
    }

    /**
     * An INT64 column (no DELTA_OLD) whose values the caller uses as numbers only (rank-coded keys' ranks): read
     * into a {@code long[]} with the same checks as {@link #read}, without a {@code Long} box per value.
     */
    Column readUnboxed(int n, String what) throws CorruptBatchException {
        return read(FieldType.INT64, n, false, what, true);
    }

    private Column read(FieldType type, int n, boolean allowDeltaOld, String what, boolean unboxed) throws CorruptBatchException {
        int header = in.readUnsignedByte(what + " column header");
        int nullity = header & NULLS_MASK;
        int enc = (header >>> ENC_SHIFT) & ENC_MASK;
        boolean padded = (header & PADDED_FLAG) != 0;
        boolean isIntType = type == FieldType.INT64 || type == FieldType.TIMESTAMP_MICROS || type == FieldType.DATE;
        int packing = version >= 2 && isIntType && nullity != NULLS_ALL ? (header & RESERVED_MASK) >>> IntegerPacking.SHIFT : 0;
        if (packing > IntegerPacking.RICE) {
            throw in.malformed(what + ": unknown integer packing " + packing + " in column header 0x" + Integer.toHexString(header));
        }
        if (packing == 0 && (header & RESERVED_MASK) != 0 || nullity == 3) {
            throw in.malformed(what + ": invalid column header 0x" + Integer.toHexString(header));
        }
        budget.takeValues(in, n, what);
        Object[] values = unboxed ? null : new Object[n];
        if (nullity == NULLS_ALL) {
            if (enc != 0 || padded) {
                throw in.malformed(what + ": an all-null column must have header 0x01, not 0x" + Integer.toHexString(header));
            }
            if (unboxed) {
                boolean[] allNull = new boolean[n];
                Arrays.fill(allNull, true);
                return new Column(null, null, new long[n], allNull);
            }
            return new Column(values, null);
        }
        if (type == FieldType.NULL) {
            throw in.malformed(what + ": a NULL-typed field must be written as an all-null column");
        }
        boolean[] isNull = nullity == NULLS_BITMAP ? readNullBitmap(n, what) : null;
        boolean isString = type == FieldType.STRING;
        boolean isInt = type == FieldType.INT64 || type == FieldType.TIMESTAMP_MICROS || type == FieldType.DATE;
        int maxEnc = isInt ? (allowDeltaOld ? INT_DELTA_OLD : INT_DELTA_PREV) : isString ? STR_DICT : 0;
        if (enc > maxEnc || (padded && !isString)) {
            throw in.malformed(what + ": encoding " + enc + (padded ? " (padded)" : "") + " is not valid for a "
                    + type + (allowDeltaOld ? " update" : "") + " column");
        }
        switch (type) {
            case INT64, TIMESTAMP_MICROS, DATE -> {
                return packing == IntegerPacking.VARINT ? readIntegers(n, values, isNull, enc, what)
                        : readPackedIntegers(n, values, isNull, enc, packing, what);
            }
            case STRING -> readStrings(values, isNull, enc, padded, what);
            case BOOLEAN -> {
                int m = n - countNulls(isNull);
                int at = in.skip((m + 7) >>> 3, what + " boolean bitmap");
                byte[] buf = in.array();
                checkUnusedBits(buf[at + ((m + 7) >>> 3) - 1], m, what + " boolean bitmap");
                int bit = 0;
                for (int i = 0; i < n; i++) {
                    if (isNull == null || !isNull[i]) {
                        values[i] = ((buf[at + (bit >>> 3)] >>> (bit & 7)) & 1) != 0 ? Boolean.TRUE : Boolean.FALSE;
                        bit++;
                    }
                }
            }
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    if (isNull == null || !isNull[i]) {
                        values[i] = Double.longBitsToDouble(in.readLongBE(what + " float64"));
                    }
                }
            }
            case DECIMAL -> {
                for (int i = 0; i < n; i++) {
                    if (isNull == null || !isNull[i]) {
                        long scale = in.readZigZag(what + " decimal scale");
                        if (scale != (int) scale) {
                            throw in.malformed(what + ": decimal scale " + scale + " does not fit 32 bits");
                        }
                        int len = in.readCount(what + " decimal length", Math.min(maxStringLength, in.remaining()));
                        if (len == 0) {
                            throw in.malformed(what + ": decimal with an empty unscaled value");
                        }
                        values[i] = new BigDecimal(new BigInteger(in.readBytes(len, what + " decimal")), (int) scale);
                    }
                }
            }
            case BYTES -> {
                for (int i = 0; i < n; i++) {
                    if (isNull == null || !isNull[i]) {
                        int len = readLength(what + " bytes length");
                        values[i] = in.readBytes(len, what + " bytes");
                    }
                }
            }
            default -> throw in.malformed(what + ": unhandled type " + type);
        }
        return new Column(values, null);
    }

    private int readLength(String what) throws CorruptBatchException {
        int len = readLengthLimit(what);
        if (len > in.remaining()) {
            throw in.malformed(what + " " + len + " exceeds the " + in.remaining() + " bytes that remain");
        }
        return len;
    }

    /** A length checked against the configured limit only (a padded length is not backed by bytes). */
    private int readLengthLimit(String what) throws CorruptBatchException {
        int at = in.position();
        long len = in.readVarLong(what);
        if (len > maxStringLength || len < 0) {
            throw in.error(CorruptBatchException.Kind.LIMIT_EXCEEDED, what + " " + Long.toUnsignedString(len)
                    + " (at body byte " + at + ") exceeds delta.format.max-string-length " + maxStringLength);
        }
        return (int) len;
    }

    private static int countNulls(boolean[] isNull) {
        int c = 0;
        if (isNull != null) {
            for (boolean b : isNull) {
                if (b) {
                    c++;
                }
            }
        }
        return c;
    }

    private boolean[] readNullBitmap(int n, String what) throws CorruptBatchException {
        int bytes = (n + 7) >>> 3;
        int at = in.skip(bytes, what + " null bitmap");
        byte[] buf = in.array();
        if (n > 0) {
            checkUnusedBits(buf[at + bytes - 1], n, what + " null bitmap");
        }
        boolean[] isNull = new boolean[n];
        int nulls = 0;
        for (int i = 0; i < n; i++) {
            isNull[i] = ((buf[at + (i >>> 3)] >>> (i & 7)) & 1) != 0;
            if (isNull[i]) {
                nulls++;
            }
        }
        if (nulls == 0 || nulls == n) {
            throw in.malformed(what + ": a null bitmap with " + (nulls == 0 ? "no" : "only") + " nulls (not canonical)");
        }
        return isNull;
    }

    private void checkUnusedBits(byte last, int bits, String what) throws CorruptBatchException {
        int used = bits & 7;
        if (used != 0 && ((last & 0xFF) >>> used) != 0) {
            throw in.malformed(what + ": bits past the last value are set");
        }
    }

    /** @param values where the values go boxed, or null for {@link Column#longs} */
    private Column readIntegers(int n, Object[] values, boolean[] isNull, int enc, String what) throws CorruptBatchException {
        if (enc == INT_DELTA_OLD) {
            long[] deltas = new long[n];
            for (int i = 0; i < n; i++) {
                if (isNull == null || !isNull[i]) {
                    deltas[i] = in.readZigZag(what);
                    values[i] = PENDING_OLD;
                }
            }
            return new Column(values, deltas);
        }
        long[] longs = values == null ? new long[n] : null;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            if (isNull == null || !isNull[i]) {
                long v = in.readZigZag(what);
                if (enc == INT_DELTA_PREV) {
                    v += prev;
                }
                prev = v;
                if (longs != null) {
                    longs[i] = v;
                } else {
                    values[i] = v;
                }
            }
        }
        return longs != null ? new Column(null, null, longs, isNull) : new Column(values, null);
    }

    /** v2 RANGE / RICE packed integers (see {@link IntegerPacking}); every code is bounded by the payload. */
    private Column readPackedIntegers(int n, Object[] values, boolean[] isNull, int enc, int packing, String what)
            throws CorruptBatchException {
        int m = n - countNulls(isNull);
        int from = enc == INT_DELTA_PREV ? 1 : 0;
        if (m - from < 1) {
            throw in.malformed(what + ": a packed column needs at least one packed value, this one has " + (m - from));
        }
        long base = from == 1 ? in.readZigZag(what + " first value") : 0;
        long min = in.readZigZag(what + " packed minimum");
        long spread = 0;
        int k = 0;
        if (packing == IntegerPacking.RANGE) {
            spread = in.readVarLong(what + " packed spread");
            if (spread < 0 || spread >= IntegerPacking.MAX_SPREAD) {
                throw in.malformed(what + ": packed spread " + Long.toUnsignedString(spread) + " is not below 2^62");
            }
        } else {
            k = in.readUnsignedByte(what + " rice parameter");
            if (k > IntegerPacking.MAX_RICE_K) {
                throw in.malformed(what + ": rice parameter " + k + " exceeds " + IntegerPacking.MAX_RICE_K);
            }
        }
        // v3 carries no payload length: the codes end where the column's last value ends (then up to 7 zero
        // bits to the byte), so the reader bounds the codes by the rest of the body and skips what they used.
        boolean lengthless = version >= 3;
        int len = lengthless ? in.remaining() : in.readCount(what + " packed payload length", in.remaining());
        int at = in.skip(lengthless ? 0 : len, what + " packed payload");
        IntegerPacking.BitReader bits = new IntegerPacking.BitReader(in.array(), at, len);
        long[] us = scratch.longs(n); // every non-null entry below n is written before it is read
        boolean sawMin = false;
        boolean sawMax = false;
        int w = IntegerPacking.bitLength(spread);
        long s = (1L << w) - (spread + 1);
        boolean first = from == 1;
        for (int i = 0; i < n; i++) {
            if (isNull != null && isNull[i]) {
                continue;
            }
            if (first) {
                first = false;
                us[i] = base - min; // min is added back below
                continue;
            }
            long u;
            if (packing == IntegerPacking.RANGE) {
                if (w > 0 && bits.remainingBits() < w - 1) {
                    throw in.malformed(what + ": packed payload ends inside value " + i);
                }
                u = w == 0 ? 0 : bits.readMsbFirst(w - 1);
                if (w > 0 && u >= s) {
                    if (bits.remainingBits() < 1) {
                        throw in.malformed(what + ": packed payload ends inside value " + i);
                    }
                    u = ((u << 1) | bits.bit()) - s;
                }
                sawMax |= u == spread;
            } else {
                long q = bits.readUnary();
                if (q < 0) {
                    throw in.malformed(what + ": rice payload ends inside value " + i);
                }
                if (bits.remainingBits() < k) {
                    throw in.malformed(what + ": rice payload ends inside value " + i);
                }
                if (q > (IntegerPacking.MAX_SPREAD >>> k)) {
                    throw in.malformed(what + ": rice quotient " + q + " of value " + i + " is out of range");
                }
                u = (q << k) | bits.readMsbFirst(k);
                sawMax = true;
            }
            sawMin |= u == 0;
            us[i] = u;
        }
        if (lengthless) {
            if (!bits.paddingToByteIsZero()) {
                throw in.malformed(what + ": packed payload has non-zero padding bits after its last value");
            }
            in.skip(bits.bytesUsed(), what + " packed payload");
        } else if (!bits.atCanonicalEnd()) {
            throw in.malformed(what + ": packed payload has unused bytes or non-zero padding bits");
        }
        if (!sawMin || !sawMax) {
            throw in.malformed(what + ": packed minimum or spread is not attained by any value (not canonical)");
        }
        if (enc == INT_DELTA_OLD) {
            long[] deltas = new long[n];
            for (int i = 0; i < n; i++) {
                if (isNull == null || !isNull[i]) {
                    deltas[i] = min + us[i];
                    values[i] = PENDING_OLD;
                }
            }
            return new Column(values, deltas);
        }
        long[] longs = values == null ? new long[n] : null;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            if (isNull == null || !isNull[i]) {
                long v = min + us[i];
                if (enc == INT_DELTA_PREV) {
                    v += prev;
                }
                prev = v;
                if (longs != null) {
                    longs[i] = v;
                } else {
                    values[i] = v;
                }
            }
        }
        return longs != null ? new Column(null, null, longs, isNull) : new Column(values, null);
    }

    private void readStrings(Object[] values, boolean[] isNull, int enc, boolean padded, String what) throws CorruptBatchException {
        int n = values.length;
        int paddedLength = padded ? readLengthLimit(what + " padded length") : 0;
        lastStringAt = -1;
        String lengthLabel = what + " length";
        if (enc == STR_DICT) {
            int size = in.readCount(what + " dictionary size", Math.min(n, in.remaining()));
            budget.takeValues(in, size, what + " dictionary");
            String[] dict = new String[size];
            for (int d = 0; d < size; d++) {
                String entry = what + " dictionary entry " + d;
                dict[d] = readString(paddedLength, padded, entry, entry + " length");
            }
            boolean[] used = new boolean[size];
            String indexLabel = what + " dictionary index";
            for (int i = 0; i < n; i++) {
                if (isNull == null || !isNull[i]) {
                    int idx = in.readCount(indexLabel, size - 1L);
                    values[i] = dict[idx];
                    used[idx] = true;
                }
            }
            for (int d = 0; d < size; d++) {
                if (!used[d]) {
                    throw in.malformed(what + ": dictionary entry " + d + " is never used (not canonical)");
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (isNull == null || !isNull[i]) {
                    values[i] = readString(paddedLength, padded, what, lengthLabel);
                }
            }
        }
    }

    /**
     * One string value. A value whose stored bytes equal the previous value's of the same column (a run of
     * equal values, e.g. a blank fixed-width column) shares the previous value's String: no padding, no
     * decoding, no copy. Padding and budget checks still apply to every value.
     */
    /** The previous string value of the column being read: where its stored bytes are, and its value. */
    private int lastStringAt = -1;
    private int lastStringLength;
    private String lastString;

    private String readString(int paddedLength, boolean padded, String what, String lengthLabel) throws CorruptBatchException {
        int len = readLength(lengthLabel);
        int at = in.skip(len, what);
        byte[] buf = in.array();
        if (lastStringAt >= 0 && len == lastStringLength
                && Arrays.equals(buf, at, at + len, buf, lastStringAt, lastStringAt + len)) {
            if (padded) {
                budget.takePadding(in, paddedLength, what);
            }
            lastStringAt = at;
            return lastString;
        }
        String v = decodeString(buf, at, len, paddedLength, padded, what);
        lastStringAt = at;
        lastStringLength = len;
        lastString = v;
        return v;
    }

    private String decodeString(byte[] buf, int at, int len, int paddedLength, boolean padded, String what)
            throws CorruptBatchException {
        if (!padded) {
            return Utf8.decode(in, buf, at, len, what);
        }
        if (len > paddedLength) {
            throw in.malformed(what + ": stored length " + len + " exceeds the padded length " + paddedLength);
        }
        if (len > 0 && buf[at + len - 1] == ' ') {
            throw in.malformed(what + ": a padded column value must be stored without trailing blanks");
        }
        budget.takePadding(in, paddedLength, what);
        byte[] full = new byte[paddedLength];
        System.arraycopy(buf, at, full, 0, len);
        Arrays.fill(full, len, paddedLength, (byte) ' ');
        return Utf8.decode(in, full, 0, paddedLength, what);
    }
}
