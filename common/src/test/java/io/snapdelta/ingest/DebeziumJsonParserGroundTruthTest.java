package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapdelta.export.PostgresCsvWriter;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import io.snapdelta.testing.GroundTruth;
import io.snapdelta.testing.PgCsv;
import io.snapdelta.testing.SharedData;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real pgbench-small capture: every line parses, and replaying the events by version (highest version
 * per key wins) yields exactly the tables PostgreSQL dumped after the run.
 */
class DebeziumJsonParserGroundTruthTest {
    private static final int EXPECTED_EVENTS = 180_011;

    private static List<ChangeEvent> events;

    @BeforeAll
    static void parseCapture() throws ParseException {
        List<byte[]> lines = SharedData.lines(SharedData.pgbenchSmallEvents());
        DebeziumJsonParser parser = new DebeziumJsonParser();
        events = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            ChangeEvent e;
            try {
                e = parser.parse(null, lines.get(i));
            } catch (ParseException ex) {
                throw new AssertionError("line " + (i + 1) + " did not parse: " + ex.getMessage(), ex);
            }
            assertNotNull(e, "line " + (i + 1) + " parsed as a tombstone");
            events.add(e);
        }
    }

    @Test
    void parsesEveryEventOfTheCapture() {
        assertEquals(EXPECTED_EVENTS, events.size());
        Map<String, Integer> byOp = new TreeMap<>();
        for (ChangeEvent e : events) {
            byOp.merge(e.table().name() + " " + e.op().code(), 1, Integer::sum);
        }
        assertEquals(Map.of("pgbench_accounts r", 100_000, "pgbench_accounts u", 20_000, "pgbench_branches r", 1,
                "pgbench_branches u", 20_000, "pgbench_tellers r", 10, "pgbench_tellers u", 20_000,
                "pgbench_history c", 20_000), byOp);
    }

    @Test
    void versionsFollowCommitOrderWhereTheChangeLsnDoesNot() {
        Version previous = null;
        Version firstStreamed = null;
        int lsnDecreases = 0;
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            Version v = e.version();
            if (e.op() == ChangeOp.SNAPSHOT_READ) {
                assertEquals(0, v.major(), "snapshot reads have no previous commit (sequence[0] null), line " + (i + 1));
                assertTrue(firstStreamed == null, "a snapshot read after streamed changes, line " + (i + 1));
                if (previous != null) {
                    assertTrue(v.compareTo(previous) >= 0, "snapshot version went backwards at line " + (i + 1));
                }
            } else {
                if (firstStreamed == null) {
                    firstStreamed = v;
                    assertTrue(v.isAfter(previous), "first streamed change must be after the snapshot");
                } else {
                    // The stream is in commit order, so its versions must strictly increase.
                    assertTrue(v.isAfter(previous), "version " + v + " at line " + (i + 1) + " is not after " + previous);
                    if (Long.compareUnsigned(v.minor(), previous.minor()) < 0) {
                        lsnDecreases++;
                    }
                }
            }
            previous = v;
        }
        // Why the version is (previous commit lsn, change lsn): the change lsn alone goes backwards.
        assertTrue(lsnDecreases > 0, "expected the change lsn alone to decrease somewhere in commit order");
    }

    @Test
    void replayByVersionEqualsTheGroundTruthForAllFourTables() {
        Map<TableId, Map<Row, ChangeEvent>> latest = new HashMap<>();
        for (ChangeEvent e : events) {
            Map<Row, ChangeEvent> table = latest.computeIfAbsent(e.table(), t -> new HashMap<>());
            ChangeEvent held = table.get(e.key());
            if (held != null && held.version().equals(e.version())) {
                fail("two events for key " + e.key() + " of " + e.table() + " share version " + e.version());
            }
            if (held == null || e.version().isAfter(held.version())) {
                table.put(e.key(), e);
            }
        }
        for (String name : GroundTruth.TABLES) {
            Map<Row, ChangeEvent> table = latest.get(TableId.of("public", name));
            assertNotNull(table, "no events for public." + name);
            Map<Row, Row> rows = new HashMap<>();
            List<String> columns = null;
            for (Map.Entry<Row, ChangeEvent> e : table.entrySet()) {
                if (e.getValue().op() != ChangeOp.DELETE) {
                    rows.put(e.getKey(), e.getValue().after());
                    if (columns == null) {
                        columns = e.getValue().after().schema().names();
                    }
                }
            }
            StringBuilder csv = new StringBuilder();
            PostgresCsvWriter.write(csv, columns, rows);
            compare(GroundTruth.load(name), csv.toString());
        }
    }

    /**
     * Field by field. Where the input carried no type, the value is compared as what it means: the
     * schemaless capture has history.mtime as an integer of microseconds, PostgreSQL prints the timestamp.
     */
    private static void compare(GroundTruth.Table expected, String actualCsv) {
        List<List<String>> actual = PgCsv.parse(actualCsv);
        assertEquals(expected.header(), actual.get(0), expected.name() + " header");
        assertEquals(expected.rows().size(), actual.size() - 1, expected.name() + " row count");
        int mtime = expected.header().indexOf("mtime");
        if (mtime < 0) {
            assertEquals(expected.text(), actualCsv, expected.name() + " must equal the dump byte for byte");
            return;
        }
        for (int r = 0; r < expected.rows().size(); r++) {
            List<String> want = expected.rows().get(r);
            List<String> got = actual.get(r + 1);
            for (int c = 0; c < want.size(); c++) {
                String where = expected.name() + " row " + (r + 1) + " column " + expected.header().get(c);
                if (c == mtime) {
                    assertEquals(pgTimestampToMicros(want.get(c)), Long.parseLong(got.get(c)), where + " (as an instant)");
                } else {
                    assertEquals(want.get(c), got.get(c), where);
                }
            }
        }
    }

    /** {@code 2026-11-25 05:22:10.30114} (timestamp without time zone, UTC as Debezium reads it) to micros. */
    static long pgTimestampToMicros(String text) {
        LocalDateTime t = LocalDateTime.parse(text.replace(' ', 'T'));
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.get(ChronoField.MICRO_OF_SECOND);
    }
}
