package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.FieldType;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** v2 integer columns: which packing the writer picks, exact round trips, and rejected payloads. */
class IntegerPackingTest {
    private static byte[] write(Object[] values, Object[] olds) {
        ByteSink out = new ByteSink(64);
        new ColumnWriter(out, 2).write(FieldType.INT64, values, values.length, olds, new ColumnContext().at(new io.snapdelta.model.TableId("", "t"), "field", "test column"));
        return out.toByteArray();
    }

    private static Object[] read(byte[] column, int n, boolean deltaOld) throws CorruptBatchException {
        ByteSource in = new ByteSource(column, 0, column.length, "body ", 0, 0);
        ColumnReader.Column c = new ColumnReader(in, new DecodeBudget(1 << 20, 1 << 20), 1 << 16, 2)
                .read(FieldType.INT64, n, deltaOld, "test column");
        assertEquals(0, in.remaining(), "the reader consumed the whole column");
        return c.values();
    }

    private static int packing(byte[] column) {
        return (column[0] & 0xFF) >>> IntegerPacking.SHIFT;
    }

    private static int transform(byte[] column) {
        return ((column[0] & 0xFF) >>> ColumnEncoding.ENC_SHIFT) & ColumnEncoding.ENC_MASK;
    }

    @Test
    void uniformlySpreadValuesAreRangePacked() throws Exception {
        Random r = new Random(1);
        Object[] v = new Object[500];
        for (int i = 0; i < v.length; i++) {
            v[i] = (long) r.nextInt(100_000);
        }
        byte[] col = write(v, null);
        assertEquals(IntegerPacking.RANGE, packing(col));
        assertEquals(ColumnEncoding.INT_PLAIN, transform(col));
        // 500 values of log2(100000) = 16.6 bits, plus a few header bytes; varints would take 1,500 bytes.
        assertTrue(col.length < 500 * 16.7 / 8 + 12, "column of " + col.length + " bytes");
        assertArrayEquals(v, read(col, v.length, false));
    }

    @Test
    void increasingValuesWithGeometricGapsAreDeltaCodedAndRicePacked() throws Exception {
        Random r = new Random(2);
        Object[] v = new Object[500];
        long x = 1_795_000_000_000_000L;
        for (int i = 0; i < v.length; i++) {
            x += (long) (-Math.log(1 - r.nextDouble()) * 200);
            v[i] = x;
        }
        byte[] col = write(v, null);
        assertEquals(IntegerPacking.RICE, packing(col));
        assertEquals(ColumnEncoding.INT_DELTA_PREV, transform(col));
        assertArrayEquals(v, read(col, v.length, false));
    }

    @Test
    void aColumnSpanningTheWholeInt64RangeStaysVarint() throws Exception {
        Object[] v = {Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L};
        byte[] col = write(v, null);
        assertEquals(IntegerPacking.VARINT, packing(col));
        assertArrayEquals(v, read(col, v.length, false));
    }

    @Test
    void updateDeltasAgainstHeldValuesArePackedAndResolvedLater() throws Exception {
        Random r = new Random(3);
        Object[] olds = new Object[300];
        Object[] v = new Object[300];
        for (int i = 0; i < v.length; i++) {
            olds[i] = (long) r.nextInt(1_000_000_000);
            v[i] = (Long) olds[i] + r.nextInt(10_001) - 5000;
        }
        byte[] col = write(v, olds);
        assertEquals(ColumnEncoding.INT_DELTA_OLD, transform(col));
        assertEquals(IntegerPacking.RANGE, packing(col));
        ByteSource in = new ByteSource(col, 0, col.length, "body ", 0, 0);
        ColumnReader.Column c = new ColumnReader(in, new DecodeBudget(1 << 20, 1 << 20), 1 << 16, 2)
                .read(FieldType.INT64, v.length, true, "test column");
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], (Long) olds[i] + c.oldDeltas()[i]);
        }
    }

    @Property(tries = 300)
    void anyColumnWithNullsRoundTrips(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int n,
                                      @ForAll @IntRange(min = 0, max = 62) int spreadBits) throws Exception {
        Random r = new Random(seed);
        Object[] v = new Object[n];
        long base = r.nextLong();
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(5) == 0 ? null : base + (spreadBits == 0 ? 0 : r.nextLong() >>> (64 - spreadBits));
        }
        byte[] col = write(v, null);
        assertArrayEquals(v, read(col, n, false));
        assertArrayEquals(col, write(read(col, n, false), null), "one column, one encoding");
    }

    /**
     * Rank columns are read without boxing ({@link ColumnReader#readUnboxed}): the same numbers and nulls as the
     * boxed read, the whole column consumed, in every format version (v1 varints, v2 with a payload length, v3
     * without), including columns of nulls only.
     */
    @Property(tries = 300)
    void anUnboxedReadGivesTheBoxedReadsValues(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int n,
                                               @ForAll @IntRange(min = 0, max = 62) int spreadBits,
                                               @ForAll @IntRange(min = 1, max = 4) int version) throws Exception {
        Random r = new Random(seed);
        Object[] v = new Object[n];
        long base = r.nextLong();
        int nulls = r.nextInt(4); // 0: none, 1: all, else some
        for (int i = 0; i < n; i++) {
            boolean isNull = nulls == 1 || nulls > 1 && r.nextInt(5) == 0;
            v[i] = isNull ? null : base + (spreadBits == 0 ? 0 : r.nextLong() >>> (64 - spreadBits));
        }
        ByteSink out = new ByteSink(64);
        new ColumnWriter(out, version).write(FieldType.INT64, v, n, null, new ColumnContext().at(new io.snapdelta.model.TableId("", "t"), "field", "test column"));
        byte[] col = out.toByteArray();
        ByteSource boxedIn = new ByteSource(col, 0, col.length, "body ", 0, 0);
        Object[] boxed = new ColumnReader(boxedIn, new DecodeBudget(1 << 20, 1 << 20), 1 << 16, version)
                .read(FieldType.INT64, n, false, "test column").values();
        ByteSource in = new ByteSource(col, 0, col.length, "body ", 0, 0);
        ColumnReader.Column c = new ColumnReader(in, new DecodeBudget(1 << 20, 1 << 20), 1 << 16, version)
                .readUnboxed(n, "test column");
        assertEquals(0, in.remaining(), "the reader consumed the whole column");
        assertArrayEquals(v, boxed);
        for (int i = 0; i < n; i++) {
            boolean isNull = c.isNull() != null && c.isNull()[i];
            assertEquals(v[i] == null, isNull, "null at " + i);
            if (!isNull) {
                assertEquals((long) (Long) v[i], c.longs()[i], "value " + i);
            }
        }
    }

    /** 50 values in 1000..1062 (6-bit codes, 299 bits: the last byte has padding), RANGE packed. */
    private static byte[] rangeColumn() {
        Random r = new Random(4);
        Object[] v = new Object[50];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1001L + r.nextInt(61);
        }
        v[7] = 1000L;
        v[9] = 1062L;
        byte[] col = write(v, null);
        assertEquals(IntegerPacking.RANGE, packing(col), java.util.HexFormat.of().formatHex(col));
        return col;
    }

    @Test
    void aPackedPayloadThatEndsEarlyIsMalformed() {
        byte[] shorter = Arrays.copyOf(rangeColumn(), rangeColumn().length - 1);
        CorruptBatchException e = assertThrows(CorruptBatchException.class, () -> read(shorter, 50, false));
        assertEquals(CorruptBatchException.Kind.MALFORMED, e.kind());
    }

    @Test
    void nonZeroPaddingBitsAreMalformed() {
        byte[] col = rangeColumn();
        // 299 bits do not fill the last byte; set its top (padding) bit.
        byte[] bad = col.clone();
        bad[bad.length - 1] |= (byte) 0x80;
        CorruptBatchException e = assertThrows(CorruptBatchException.class, () -> read(bad, 50, false));
        assertTrue(e.getMessage().contains("padding") || e.getMessage().contains("not attained"), e.getMessage());
    }

    @Test
    void aMinimumNoValueAttainsIsNotCanonical() {
        // PLAIN + RANGE, min 0, spread 3, one payload byte: four 2-bit codes 1, 2, 1, 2 (none is the minimum).
        byte[] col = {0x40, 0x00, 0x03, 0x01, 0x66};
        CorruptBatchException e = assertThrows(CorruptBatchException.class, () -> read(col, 4, false));
        assertTrue(e.getMessage().contains("not attained"), e.getMessage());
        // The same codes with 0 for the first value and 3 for the second decode.
        byte[] ok = {0x40, 0x00, 0x03, 0x01, (byte) 0b01101100};
        assertDoesNotThrowAndEquals(new Object[] {0L, 3L, 1L, 2L}, ok);
    }

    private static void assertDoesNotThrowAndEquals(Object[] expected, byte[] col) {
        try {
            assertArrayEquals(expected, read(col, expected.length, false));
        } catch (CorruptBatchException e) {
            throw new AssertionError("a canonical packed column was rejected: " + e.getMessage(), e);
        }
    }
}
