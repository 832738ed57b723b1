package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** snapdelta JSON and Avro: every event survives writer -> parser unchanged, and the encodings are pinned. */
class SnapdeltaFormatsRoundTripTest {
    private static final RowSchema KEY = RowSchema.of(new String[] {"id", "region"}, new FieldType[] {FieldType.INT64, FieldType.STRING});
    private static final RowSchema ALL = RowSchema.of(
            new String[] {"n", "flag", "i", "f", "d", "s", "b", "ts", "day"},
            new FieldType[] {FieldType.NULL, FieldType.BOOLEAN, FieldType.INT64, FieldType.FLOAT64, FieldType.DECIMAL,
                FieldType.STRING, FieldType.BYTES, FieldType.TIMESTAMP_MICROS, FieldType.DATE});

    private static Row all(Boolean flag, Long i, Double f, BigDecimal d, String s, byte[] b, Long ts, Long day) {
        return Row.of(ALL, null, flag, i, f, d, s, b, ts, day);
    }

    private static ChangeEvent event(ChangeOp op, Row before, Row after, Version v) {
        return new ChangeEvent(new TableId("shop", "items"), Row.of(KEY, 42L, "eu-west"), op, v, before, after, 1795584130303501L);
    }

    static Stream<ChangeEvent> events() {
        Row typical = all(true, 7L, 1.5, new BigDecimal("12.30"), "plain", new byte[] {1, 2, 3}, 1795584130303501L, 20_000L);
        Row nulls = all(null, null, null, null, null, null, null, null);
        Row extremes = all(false, Long.MIN_VALUE, Double.MAX_VALUE, new BigDecimal("-123456789012345678901234567890.000001"),
                "", new byte[0], Long.MAX_VALUE, -719_162L);
        Row extremes2 = all(true, Long.MAX_VALUE, -0.0, new BigDecimal("1E+3"), "Zürich 東京 🎉 \"quoted\"\n\\", new byte[] {(byte) 0xFF, 0},
                Long.MIN_VALUE, Long.MAX_VALUE);
        Row specials = all(true, 0L, Double.NaN, new BigDecimal("0.000"), "x", new byte[] {0}, -1L, 0L);
        Row infinities = all(false, -1L, Double.NEGATIVE_INFINITY, new BigDecimal("7"), " padded  ", new byte[] {9}, 0L, 1L);
        Row tiny = all(false, 1L, Double.MIN_VALUE, new BigDecimal("-0.5"), "é", new byte[] {7}, 1L, 1L);
        return Stream.of(
                event(ChangeOp.SNAPSHOT_READ, null, typical, Version.ZERO),
                event(ChangeOp.INSERT, null, nulls, new Version(1, 2)),
                event(ChangeOp.UPDATE, typical, extremes, new Version(-1L, -1L)),
                event(ChangeOp.UPDATE, extremes, extremes2, new Version(Long.MIN_VALUE, 79472864L)),
                event(ChangeOp.UPDATE, specials, infinities, new Version(79473992L, 79472864L)),
                event(ChangeOp.INSERT, null, tiny, new Version(5, 5)),
                event(ChangeOp.DELETE, typical, null, new Version(9, 9)),
                event(ChangeOp.DELETE, null, null, new Version(10, 0)));
    }

    @ParameterizedTest
    @MethodSource("events")
    void snapdeltaJsonRoundTripsEveryType(ChangeEvent e) throws ParseException {
        byte[] bytes = new SnapdeltaJsonWriter().write(e);
        assertEquals(e, new SnapdeltaJsonParser().parse(null, bytes));
        assertArrayEquals(bytes, new SnapdeltaJsonWriter().write(e), "deterministic");
    }

    @ParameterizedTest
    @MethodSource("events")
    void snapdeltaAvroRoundTripsEveryType(ChangeEvent e) throws ParseException {
        byte[] bytes = new SnapdeltaAvroWriter().write(e);
        assertEquals(e, new SnapdeltaAvroParser().parse(null, bytes));
        assertArrayEquals(bytes, new SnapdeltaAvroWriter().write(e), "deterministic");
    }

    @ParameterizedTest
    @MethodSource("events")
    void snapdeltaAvroIsReadableByAnyAvroReaderWithTheSchemaFile(ChangeEvent e) throws Exception {
        byte[] bytes = new SnapdeltaAvroWriter().write(e);
        GenericRecord r = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), SnapdeltaAvroSchema.V1).decode(bytes);
        assertEquals(e.table().name(), r.get("table").toString());
        assertEquals(e.op().name(), r.get("op").toString());
        assertEquals(e.version().major(), r.get("versionMajor"));
        assertEquals(e.key().size(), ((List<?>) r.get("key")).size());
        assertEquals(e.after() == null, r.get("after") == null);
    }

    @Test
    void snapdeltaJsonEncodingIsPinned() {
        Row key = Row.of(RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64}), 7L);
        Row after = Row.of(RowSchema.of(new String[] {"aid", "price", "note", "raw", "at", "day", "gone"},
                        new FieldType[] {FieldType.INT64, FieldType.DECIMAL, FieldType.STRING, FieldType.BYTES,
                            FieldType.TIMESTAMP_MICROS, FieldType.DATE, FieldType.STRING}),
                7L, new BigDecimal("12.30"), "Zürich", new byte[] {1, 2}, 1795584130303501L, 20000L, null);
        ChangeEvent e = new ChangeEvent(new TableId("public", "t"), key, ChangeOp.INSERT, new Version(-1L, 5), null, after, 99L);
        String expected = "{\"snapdelta\":1,\"ns\":\"public\",\"table\":\"t\",\"op\":\"c\",\"version\":[\"18446744073709551615\",\"5\"],"
                + "\"ts_us\":99,\"key\":[[\"aid\",\"int64\",7]],\"after\":[[\"aid\",\"int64\",7],[\"price\",\"decimal\",\"12.30\"],"
                + "[\"note\",\"string\",\"Zürich\"],[\"raw\",\"bytes\",\"AQI=\"],[\"at\",\"timestamp-micros\",1795584130303501],"
                + "[\"day\",\"date\",20000],[\"gone\",\"string\",null]]}";
        assertEquals(expected, new String(new SnapdeltaJsonWriter().write(e), StandardCharsets.UTF_8));
        // Avro: magic C3 01, fingerprint (LE), then the binary body.
        String avro = HexFormat.of().formatHex(new SnapdeltaAvroWriter().write(e));
        assertEquals("c301", avro.substring(0, 4));
        String fingerprint = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(SnapdeltaAvroSchema.V1_FINGERPRINT).array());
        assertEquals(fingerprint, avro.substring(4, 20));
        assertEquals(GOLDEN_AVRO_BODY, avro.substring(20));
    }

    /** The Avro binary body of the pinned event above; changes only with a new format version. */
    private static final String GOLDEN_AVRO_BODY = "0c7075626c6963027402010ac601020661696404040e0000020e0661696404040e0a70726963650808"
            + "0404ce04086e6f74650a0a0e5ac3bc72696368067261770c0c0401020461740e049a9882a4e0c4b006066461791004c0b80208676f6e650a0000";

    @Test
    void tombstonesAreNullAndEmptyRecordsAreErrors() throws ParseException {
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        assertNull(new SnapdeltaJsonParser().parse(key, null));
        assertNull(new SnapdeltaAvroParser().parse(key, new byte[0]));
        assertEquals(ParseErrorKind.EMPTY, assertThrows(ParseException.class, () -> new SnapdeltaJsonParser().parse(null, null)).kind());
        assertEquals(ParseErrorKind.EMPTY, assertThrows(ParseException.class, () -> new SnapdeltaAvroParser().parse(null, new byte[0])).kind());
    }

    @Test
    void aNewerFormatVersionIsRejectedAsUnsupported() {
        byte[] json = "{\"snapdelta\":2,\"table\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        ParseException e = assertThrows(ParseException.class, () -> new SnapdeltaJsonParser().parse(null, json));
        assertEquals(ParseErrorKind.UNSUPPORTED, e.kind());
        assertEquals("/snapdelta", e.fieldPath());
        byte[] avro = new SnapdeltaAvroWriter().write(events().findFirst().orElseThrow());
        avro[5] ^= 0x55; // another schema's fingerprint
        assertEquals(ParseErrorKind.UNSUPPORTED, assertThrows(ParseException.class, () -> new SnapdeltaAvroParser().parse(null, avro)).kind());
    }
}
