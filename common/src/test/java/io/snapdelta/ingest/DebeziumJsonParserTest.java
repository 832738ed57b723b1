package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Debezium layouts, Connect-schema typing and version mappings, one behaviour per test. */
class DebeziumJsonParserTest {
    private static final String SOURCE = "{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"ts_us\":1795584130305028,"
            + "\"ts_ms\":1795584130305,\"db\":\"bench_small\",\"sequence\":\"[\\\"79473992\\\",\\\"79472864\\\"]\",\"schema\":\"public\","
            + "\"table\":\"pgbench_tellers\",\"lsn\":79472864}";
    private static final String ENVELOPE = "{\"before\":{\"tid\":8,\"bid\":1,\"tbalance\":2059,\"filler\":\"x\"},"
            + "\"after\":{\"tid\":8,\"bid\":1,\"tbalance\":151,\"filler\":null},\"source\":" + SOURCE + ",\"op\":\"u\",\"ts_ms\":1}";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsDebeziumTopicLayoutWithKeyBytesAndEnvelopeValue() throws ParseException {
        ChangeEvent e = new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(ENVELOPE));
        assertEquals(new TableId("public", "pgbench_tellers"), e.table());
        assertEquals(ChangeOp.UPDATE, e.op());
        assertEquals(new Version(79473992L, 79472864L), e.version());
        assertEquals(1795584130305028L, e.sourceTimestampMicros());
        assertEquals(8L, e.key().get("tid"));
        assertEquals(151L, e.after().get("tbalance"));
        assertEquals("x", e.before().get("filler"));
    }

    @Test
    void theLineFormGivesTheSameEventAsTheTopicLayout() throws ParseException {
        ChangeEvent topic = new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(ENVELOPE));
        ChangeEvent line = new DebeziumJsonParser().parse(null, b("{\"key\":{\"tid\":8},\"value\":" + ENVELOPE + "}"));
        assertEquals(topic, line);
    }

    @Test
    void aSchemalessNullTakesItsTypeFromTheOtherImage() throws ParseException {
        ChangeEvent e = new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(ENVELOPE));
        assertEquals(FieldType.STRING, e.after().schema().type(3));
        assertNull(e.after().get("filler"));
    }

    @Test
    void aRepeatedImageTypesItsNullFromThisRecordsOtherImageNotTheLastRecords() throws ParseException {
        // The after image repeats its names and types in every record, while the before image (another
        // column order, so read with another shape) changes the type of filler: the after's null must follow it.
        DebeziumJsonParser parser = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        String[] fillers = {"5", "\"x\"", "\"x\"", "6"};
        FieldType[] expected = {FieldType.INT64, FieldType.STRING, FieldType.STRING, FieldType.INT64};
        for (int r = 0; r < fillers.length; r++) {
            String envelope = "{\"before\":{\"bid\":1,\"tid\":8,\"filler\":" + fillers[r] + "},"
                    + "\"after\":{\"tid\":8,\"bid\":1,\"filler\":null},\"source\":" + SOURCE + ",\"op\":\"u\",\"ts_ms\":1}";
            ChangeEvent e = parser.parse(b("{\"tid\":8}"), b(envelope));
            assertEquals(expected[r], e.after().schema().type(2), "record " + r);
        }
        assertEquals(fillers.length, parser.recordsReadByScanner(), "all read by the fast path");
    }

    @Test
    void aNullNeverTypedStaysNull() throws ParseException {
        ChangeEvent e = new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(ENVELOPE.replace("\"filler\":\"x\"", "\"filler\":null")));
        assertEquals(FieldType.NULL, e.after().schema().type(3));
    }

    @Test
    void tombstoneWithAKeyIsNullAndWithoutAKeyIsAnError() throws ParseException {
        assertNull(new DebeziumJsonParser().parse(b("{\"tid\":8}"), null));
        assertNull(new DebeziumJsonParser().parse(b("{\"tid\":8}"), new byte[0]));
        assertEquals(ParseErrorKind.EMPTY, assertThrows(ParseException.class, () -> new DebeziumJsonParser().parse(null, null)).kind());
    }

    @Test
    void connectSchemaTypesDecimalsTimestampsDatesAndBytes() throws ParseException {
        String schema = "{\"type\":\"struct\",\"fields\":["
                + "{\"type\":\"struct\",\"optional\":true,\"field\":\"after\",\"fields\":["
                + "{\"type\":\"int32\",\"field\":\"id\"},"
                + "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},\"field\":\"price\"},"
                + "{\"type\":\"int64\",\"name\":\"io.debezium.time.Timestamp\",\"field\":\"ms\"},"
                + "{\"type\":\"int64\",\"name\":\"io.debezium.time.NanoTimestamp\",\"field\":\"ns\"},"
                + "{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\",\"field\":\"day\"},"
                + "{\"type\":\"bytes\",\"field\":\"raw\"},{\"type\":\"float\",\"field\":\"f\"},{\"type\":\"boolean\",\"field\":\"ok\"},"
                + "{\"type\":\"string\",\"field\":\"note\",\"optional\":true}]}]}";
        String payload = "{\"before\":null,\"after\":{\"id\":1,\"price\":\"MDk=\",\"ms\":1700000000123,\"ns\":1700000000123456789,"
                + "\"day\":19000,\"raw\":\"AQI=\",\"f\":1,\"ok\":true,\"note\":null},\"source\":" + SOURCE + ",\"op\":\"c\"}";
        String keyJson = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"id\"}]},\"payload\":{\"id\":1}}";
        ChangeEvent e = new DebeziumJsonParser().parse(b(keyJson), b("{\"schema\":" + schema + ",\"payload\":" + payload + "}"));
        assertEquals(new BigDecimal("123.45"), e.after().get("price")); // 0x3039 = 12345, scale 2
        assertEquals(1700000000123000L, e.after().get("ms"));
        assertEquals(1700000000123456L, e.after().get("ns"));
        assertEquals(19000L, e.after().get("day"));
        assertEquals(FieldType.DATE, e.after().schema().type(4));
        assertEquals(FieldType.TIMESTAMP_MICROS, e.after().schema().type(2));
        assertEquals(1.0, e.after().get("f"));
        assertEquals(Boolean.TRUE, e.after().get("ok"));
        assertEquals(FieldType.STRING, e.after().schema().type(8), "a typed null keeps its schema type");
        assertEquals(1L, e.key().get("id"));
    }

    @Test
    void mysqlVersionIsBinlogFileIndexThenPositionAndRow() throws ParseException {
        String src = "{\"connector\":\"mysql\",\"ts_ms\":1700000000000,\"db\":\"shop\",\"table\":\"items\",\"file\":\"mysql-bin.000042\","
                + "\"pos\":1234,\"row\":3}";
        ChangeEvent e = new DebeziumJsonParser().parse(b("{\"id\":1}"), b("{\"before\":null,\"after\":{\"id\":1},\"source\":" + src + ",\"op\":\"c\"}"));
        assertEquals(new Version(42, (1234L << 16) | 3), e.version());
        assertEquals(new TableId("shop", "items"), e.table());
        assertEquals(1700000000000000L, e.sourceTimestampMicros());
    }

    @Test
    void withoutSequenceTheVersionFallsBackToTheLsn() throws ParseException {
        String env = ENVELOPE.replace("\"sequence\":\"[\\\"79473992\\\",\\\"79472864\\\"]\",", "");
        assertEquals(new Version(0, 79472864L), new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(env)).version());
    }

    @Test
    void everySpellingOfTheSequenceArrayGivesTheSameVersionInOneParser() throws ParseException {
        DebeziumJsonParser parser = new DebeziumJsonParser(); // compact and other spellings alternate in one parser
        String compact = "\"[\\\"79473992\\\",\\\"79472864\\\"]\"";
        String[][] cases = {
            {compact, "79473992", "79472864"},
            {"\"[ \\\"79473992\\\" , \\\"79472864\\\" ]\"", "79473992", "79472864"},
            {"\"[\\\"\\u0037\\u0039473992\\\",\\\"79472864\\\"]\"", "79473992", "79472864"},
            {"\"[null,\\\"79472864\\\"]\"", "0", "79472864"},
            {"\"[\\\"18446744073709551615\\\",\\\"1234567890123456789\\\"]\"", "-1", "1234567890123456789"},
            {compact, "79473992", "79472864"},
        };
        for (String[] c : cases) {
            String env = ENVELOPE.replace(compact, c[0]);
            assertEquals(new Version(Long.parseLong(c[1]), Long.parseLong(c[2])), parser.parse(b("{\"tid\":8}"), b(env)).version(), c[0]);
        }
        for (String bad : new String[] {"\"[\\\"79473992\\\"]\"", "\"[\\\"\\\",\\\"1\\\"]\"", "\"[\\\"7x\\\",\\\"1\\\"]\""}) {
            ParseException e = assertThrows(ParseException.class,
                    () -> parser.parse(b("{\"tid\":8}"), b(ENVELOPE.replace(compact, bad))), bad);
            assertEquals("/value/source/sequence", e.fieldPath(), bad);
        }
    }

    @Test
    void errorsNameTheFieldAndTheValue() {
        ParseException e = assertThrows(ParseException.class,
                () -> new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(ENVELOPE.replace("\"tbalance\":151", "\"tbalance\":[151]"))));
        assertEquals(ParseErrorKind.WRONG_TYPE, e.kind());
        assertEquals("/value/after/tbalance", e.fieldPath());
        ParseException op = assertThrows(ParseException.class,
                () -> new DebeziumJsonParser().parse(b("{\"tid\":8}"), b(ENVELOPE.replace("\"op\":\"u\"", "\"op\":\"q\""))));
        assertEquals("unknown op 'q' (expected r, c, u or d)", op.reason());
    }
}
