package io.snapdelta.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ChangeEventCodecTest {

    static byte[] encode(ChangeEvent e) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            ChangeEventCodec.write(e, out);
        }
        return bytes.toByteArray();
    }

    static ChangeEvent decode(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        ChangeEvent e = ChangeEventCodec.read(in);
        assertEquals(0, in.available(), "the decoder must consume exactly the event's bytes");
        return e;
    }

    @Property(tries = 500)
    void everyEventRoundTripsToAnEqualEventAndEncodesDeterministically(@ForAll("events") ChangeEvent e) throws IOException {
        byte[] first = encode(e);
        ChangeEvent back = decode(first);
        assertEquals(e, back);
        assertArrayEquals(first, encode(back));
    }

    @Property(tries = 200)
    void copyingTheBytesOfAnEventReproducesThem(@ForAll("events") ChangeEvent e) throws IOException {
        byte[] b = encode(e);
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(copied)) {
            ChangeEventCodec.copy(new DataInputStream(new ByteArrayInputStream(b)), out);
        }
        assertArrayEquals(b, copied.toByteArray());
    }

    @Test
    void everyFieldTypeIncludingNullTypeDecimalAndBytesSurvives() throws IOException {
        RowSchema s = RowSchema.of(
                new String[] {"n", "b", "i", "f", "d", "s", "y", "t", "dt", "nullInt"},
                new FieldType[] {FieldType.NULL, FieldType.BOOLEAN, FieldType.INT64, FieldType.FLOAT64, FieldType.DECIMAL,
                        FieldType.STRING, FieldType.BYTES, FieldType.TIMESTAMP_MICROS, FieldType.DATE, FieldType.INT64});
        Row row = Row.of(s, null, true, Long.MIN_VALUE, -0.0d, new BigDecimal("-12345678901234567890.000100"),
                "h\u00e9llo \uD83D\uDE00", new byte[] {0, -1, 7}, 1_700_000_000_000_000L, -719_162L, null);
        Row key = Row.of(RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64}), 42L);
        ChangeEvent e = new ChangeEvent(TableId.of("public", "t"), key, ChangeOp.UPDATE, new Version(-1, 3), row, row, -5L);
        assertEquals(e, decode(encode(e)));
    }

    @Test
    void anUnknownVersionIsRefusedWithItsNumber() throws IOException {
        byte[] b = encode(sampleDelete());
        b[0] = 9;
        IOException ex = assertThrows(IOException.class, () -> decode(b));
        assertEquals("unknown change event encoding version 9 (this build reads 1)", ex.getMessage());
    }

    @Test
    void truncatedBytesFailInsteadOfDecodingAShorterEvent() throws IOException {
        byte[] b = encode(sampleDelete());
        assertThrows(EOFException.class, () -> decode(Arrays.copyOf(b, b.length - 1)));
    }

    private static ChangeEvent sampleDelete() {
        Row key = Row.of(RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.STRING}), "k");
        return new ChangeEvent(TableId.of("s", "t"), key, ChangeOp.DELETE, new Version(1, 2), null, null, 7L);
    }

    @Provide
    Arbitrary<ChangeEvent> events() {
        Arbitrary<TableId> tables = Combinators.combine(Arbitraries.strings().ofMaxLength(6), Arbitraries.strings().ofMinLength(1).ofMaxLength(8))
                .as(TableId::of);
        Arbitrary<ChangeOp> ops = Arbitraries.of(ChangeOp.class);
        Arbitrary<Version> versions = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Version::new);
        return Combinators.combine(tables, rows(), ops, versions, rows(), rows(), Arbitraries.longs(), Arbitraries.of(true, false))
                .as((t, key, op, v, before, after, ts, withBefore) ->
                        new ChangeEvent(t, key, op, v, withBefore ? before : null, op.hasAfter() ? after : null, ts));
    }

    private static Arbitrary<Row> rows() {
        Arbitrary<FieldType> types = Arbitraries.of(FieldType.class);
        return types.list().ofMaxSize(6).flatMap(ts -> {
            String[] names = new String[ts.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = "f" + i;
            }
            RowSchema schema = RowSchema.of(names, ts.toArray(new FieldType[0]));
            List<Arbitrary<Object>> values = ts.stream().map(ChangeEventCodecTest::valueOf).toList();
            return Combinators.combine(values).as(vs -> Row.of(schema, vs.toArray()));
        });
    }

    private static Arbitrary<Object> valueOf(FieldType t) {
        Arbitrary<?> a = switch (t) {
            case NULL -> Arbitraries.just(null);
            case BOOLEAN -> Arbitraries.of(true, false);
            case INT64, TIMESTAMP_MICROS, DATE -> Arbitraries.longs();
            case FLOAT64 -> Arbitraries.doubles();
            case DECIMAL -> Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
                    Arbitraries.integers().between(-5, 40)).as(BigDecimal::new);
            case STRING -> Arbitraries.strings().ofMaxLength(20);
            case BYTES -> Arbitraries.bytes().array(byte[].class).ofMaxSize(10);
        };
        return t == FieldType.NULL ? a.map(x -> (Object) x) : a.map(x -> (Object) x).injectNull(0.2);
    }
}
