package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.testing.MalformedCorpus;
import io.snapdelta.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The byte-level fast path ({@link DebeziumJsonScanner}) against the Jackson reader alone, record by
 * record: the same events (tables, keys, rows with their types and values, versions, timestamps) and the
 * same errors (kind, field path, reason).
 */
class DebeziumJsonScannerDifferentialTest {

    @Test
    void fastPathGivesTheJacksonReadersEventForEveryLineOfTheCapture() {
        List<byte[]> lines = SharedData.lines(SharedData.pgbenchSmallEvents());
        DebeziumJsonParser fast = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(ParserLimits.DEFAULTS, false);
        for (int i = 0; i < lines.size(); i++) {
            ParserOutcome expected = ParserOutcome.of(jackson, null, lines.get(i));
            ParserOutcome actual = ParserOutcome.of(fast, null, lines.get(i));
            assertTrue(!expected.failed() && expected.event() != null, "line " + (i + 1) + " is a good event: " + expected);
            assertEquals(expected, actual, "line " + (i + 1));
        }
        // Every line took the fast path: the comparison above is between two different readers.
        assertEquals(lines.size(), fast.recordsReadByScanner());
        assertEquals(0, jackson.recordsReadByScanner());
    }

    @Test
    void fastPathGivesTheJacksonReadersOutcomeForEveryMalformedCorpusRecord() {
        ParserLimits limits = MalformedCorpus.debeziumLimits();
        DebeziumJsonParser fast = new DebeziumJsonParser(limits, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(limits, false);
        List<MalformedCorpus.Entry> entries = MalformedCorpus.debezium();
        int errors = 0;
        for (MalformedCorpus.Entry entry : entries) {
            ParserOutcome expected = ParserOutcome.of(jackson, null, entry.bytes());
            ParserOutcome actual = ParserOutcome.of(fast, null, entry.bytes());
            assertEquals(expected, actual, entry.toString());
            errors += expected.failed() ? 1 : 0;
        }
        assertTrue(errors > 40, "the corpus exercises many error paths: " + errors);
        assertTrue(fast.recordsReadByScanner() > 0, "some good corpus records take the fast path");
    }

    @Test
    void kafkaTopicLayoutWithKeyBytesTakesTheFastPathAndMatches() {
        DebeziumJsonParser fast = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(ParserLimits.DEFAULTS, false);
        byte[] key = b("{\"tid\":8}");
        byte[] value = b("{\"before\":{\"tid\":8,\"bid\":1,\"tbalance\":0,\"filler\":null},"
                + "\"after\":{\"tid\":8,\"bid\":1,\"tbalance\":-12.5e1,\"filler\":\"caf\\u00e9 \\\"q\\\" \u00e9\u20ac\uD83D\uDE00\"},"
                + "\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"db\":\"bench\",\"schema\":\"public\","
                + "\"table\":\"pgbench_tellers\",\"sequence\":\"[\\\"79472808\\\",\\\"79473792\\\"]\",\"lsn\":79473792,"
                + "\"ts_us\":1795584130304472,\"xmin\":null,\"extra\":[1,{\"a\":[true,false,null]},\"x\"]},"
                + "\"transaction\":{\"id\":\"6805:79473792\",\"total_order\":3},\"op\":\"u\",\"ts_ns\":1795584130776102874}");
        ParserOutcome expected = ParserOutcome.of(jackson, key, value);
        assertTrue(!expected.failed(), expected.toString());
        assertEquals(expected, ParserOutcome.of(fast, key, value));
        assertEquals(1, fast.recordsReadByScanner());
    }

    /**
     * The source block is read with a skeleton of the block before (changing members as holes) once two
     * blocks in a row have the same members: every kind of departure from it (a stable member changing, a
     * hole turning null or into an object, members reordered, added or missing, a second source block, a
     * damaged byte) must give the Jackson reader's event or error, and the records after it too.
     */
    @Test
    void sourceBlocksThatDepartFromTheLastBlocksSkeletonAreReadLikeTheJacksonReaderDoes() {
        DebeziumJsonParser fast = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(ParserLimits.DEFAULTS, false);
        java.util.Random random = new java.util.Random(11);
        // Appended to the block for a run of records (so that skeletons are built with them), %d: the record.
        String[] departures = {
            "", "", "",
            ",\"schema\":\"other%d\"", // a second schema after the first one: the last one counts
            ",\"lsn\":null",
            ",\"lsn\":%d",
            ",\"ts_us\":{\"x\":%d}",
            ",\"extra\":[1,%d]",
        };
        String departure = "";
        int good = 0;
        for (int n = 0; n < 600; n++) {
            if (n % 8 == 0) {
                departure = departures[random.nextInt(departures.length)];
            }
            long lsn = 79471320L + n * 96L + random.nextInt(3);
            String table = random.nextInt(25) == 0 ? "pgbench_other" : "pgbench_tellers";
            String connector = random.nextInt(40) == 0 ? "mysql" : "postgresql";
            String snapshot = random.nextInt(30) == 0 ? "true" : "false";
            String tsUs = random.nextInt(20) == 0 ? "null" : Long.toString(1795584130304472L + n / 3);
            String sequence = random.nextInt(20) == 0 ? "null" : "\"[\\\"" + (lsn - 8) + "\\\",\\\"" + lsn + "\\\"]\"";
            String members = "\"version\":\"3.6.1.Final\",\"connector\":\"" + connector + "\",\"name\":\"bench\","
                    + "\"ts_ms\":" + (1795584130304L + n / 3) + ",\"snapshot\":\"" + snapshot + "\",\"db\":\"bench_small\","
                    + "\"sequence\":" + sequence + ",\"ts_us\":" + tsUs + ",\"schema\":\"public\",\"table\":\"" + table + "\","
                    + "\"txId\":" + (6803 + n) + ",\"lsn\":" + lsn + ",\"file\":\"binlog.00000" + (n % 3) + "\",\"pos\":" + n
                    + ",\"xmin\":null" + String.format(departure, n);
            if (random.nextInt(30) == 0) {
                members = members.replace("\"name\":\"bench\",", "").replace("\"xmin\":null", "\"xmin\":null,\"name\":\"bench\"");
            }
            String source = "{" + members + "}";
            String second = random.nextInt(30) == 0 ? ",\"source\":{\"lsn\":5,\"table\":\"pgbench_tellers\"}" : "";
            String line = "{\"key\":{\"tid\":" + (n % 10) + "},\"value\":{\"before\":null,\"after\":{\"tid\":" + (n % 10)
                    + ",\"tbalance\":" + n + "},\"source\":" + source + second + ",\"op\":\"u\",\"ts_ms\":" + n + "}}";
            byte[] bytes = b(line);
            if (random.nextInt(40) == 0) { // a damaged byte inside the source block
                int at = line.indexOf("\"source\"") + 10 + random.nextInt(source.length() - 1);
                bytes[at] = (byte) "x\"{,:0 ".charAt(random.nextInt(7));
            }
            ParserOutcome expected = ParserOutcome.of(jackson, null, bytes);
            assertEquals(expected, ParserOutcome.of(fast, null, bytes), "record " + n + ": " + new String(bytes, StandardCharsets.UTF_8));
            good += expected.failed() ? 0 : 1;
        }
        assertTrue(good > 400, "mostly good records: " + good);
        assertTrue(fast.recordsReadByScanner() > 400, "they take the fast path: " + fast.recordsReadByScanner());
    }

    @Test
    void numbersOfMembersTheProductSkipsAreCheckedLikeTheJacksonReaderDoes() {
        DebeziumJsonParser fast = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(ParserLimits.DEFAULTS, false);
        // Changing values first, so the scanner stops memoising the member and steps over its digits.
        String[] numbers = {"1795584130776102874", "1795584130776102875", "1795584130776102876", "0", "7", "-5",
            "12345678", "123456789", "1.5", "2e10", "12345678.9e-3", "123456789012E2", "01", "1.", "-", "1e", "12a",
            "123456789x", "1234567890123456789012345678901234567890", "1795584130776102877"};
        for (String n : numbers) {
            for (String where : new String[] {"source", "envelope"}) {
                String sourceNs = where.equals("source") ? n : "1";
                String envelopeNs = where.equals("envelope") ? n : "1";
                byte[] line = b("{\"key\":{\"id\":7},\"value\":{\"before\":null,\"after\":{\"id\":7},"
                        + "\"source\":{\"connector\":\"postgresql\",\"ts_ns\":" + sourceNs + ",\"schema\":\"public\","
                        + "\"table\":\"items\",\"lsn\":12,\"ts_us\":3},\"op\":\"c\",\"ts_ns\":" + envelopeNs + "}}");
                ParserOutcome expected = ParserOutcome.of(jackson, null, line);
                assertEquals(expected, ParserOutcome.of(fast, null, line), where + " ts_ns " + n);
            }
        }
        assertTrue(fast.recordsReadByScanner() > 20, "the good records take the fast path");
    }

    @Test
    void integersOfEveryDigitCountAreReadLikeTheJacksonReaderDoes() {
        DebeziumJsonParser fast = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(ParserLimits.DEFAULTS, false);
        String digits = "1234567890123456789"; // 19 digits, below Long.MAX_VALUE
        for (int n = 1; n <= digits.length(); n++) {
            String v = digits.substring(0, n);
            for (String value : new String[] {v, "-" + v, v + ".5"}) {
                // The column value in the key bytes ends within the last eight bytes of the input; those in
                // the images and the sequence do not, so both ends of a digit run are read.
                byte[] key = b("{\"id\":" + value + "}");
                byte[] line = b("{\"before\":null,\"after\":{\"id\":" + value + ",\"n\":" + value + ",\"s\":\"x\"},"
                        + "\"source\":{\"connector\":\"postgresql\",\"schema\":\"public\",\"table\":\"items\","
                        + "\"sequence\":\"[\\\"" + v + "\\\",\\\"" + v + "\\\"]\",\"lsn\":" + v + ",\"ts_us\":3},\"op\":\"c\"}");
                ParserOutcome expected = ParserOutcome.of(jackson, key, line);
                assertTrue(!expected.failed(), value + ": " + expected);
                assertEquals(expected, ParserOutcome.of(fast, key, line), value);
            }
        }
        assertEquals(3 * digits.length(), fast.recordsReadByScanner(), "every record takes the fast path");
    }

    @Test
    void mysqlSourceTakesTheFastPathAndMatches() {
        DebeziumJsonParser fast = new DebeziumJsonParser(ParserLimits.DEFAULTS, true);
        DebeziumJsonParser jackson = new DebeziumJsonParser(ParserLimits.DEFAULTS, false);
        byte[] line = b("{\"key\":{\"id\":7},\"value\":{\"before\":null,\"after\":{\"id\":7,\"name\":\"x\",\"ok\":true},"
                + "\"source\":{\"connector\":\"mysql\",\"db\":\"shop\",\"table\":\"items\",\"file\":\"mysql-bin.000042\","
                + "\"pos\":1234,\"row\":2,\"ts_ms\":1700000000000,\"gtid\":null},\"op\":\"c\"}}");
        ParserOutcome expected = ParserOutcome.of(jackson, null, line);
        assertTrue(!expected.failed(), expected.toString());
        assertEquals(expected, ParserOutcome.of(fast, null, line));
        assertEquals(1, fast.recordsReadByScanner());
    }

    @Test
    void theParserTheJobCreatesForDebeziumJsonUsesTheFastPath() throws ParseException {
        ChangeEventParser parser = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
        DebeziumJsonParser debezium = assertInstanceOf(DebeziumJsonParser.class, parser);
        byte[] line = SharedData.lines(SharedData.pgbenchSmallEvents()).get(0);
        assertTrue(debezium.parse(null, line) != null);
        assertEquals(1, debezium.recordsReadByScanner());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
