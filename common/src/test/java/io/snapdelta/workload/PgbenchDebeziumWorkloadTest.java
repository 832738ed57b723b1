package io.snapdelta.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.ParseErrorKind;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgbenchDebeziumWorkloadTest {
    private final PgbenchDebeziumWorkload workload = new PgbenchDebeziumWorkload(300, 200, 42);

    @Test
    void everyGeneratedLineIsAValidDebeziumEventInCommitOrderPerKey() throws ParseException {
        DebeziumJsonParser parser = new DebeziumJsonParser();
        List<byte[]> lines = workload.lines();
        assertEquals(workload.eventCount(), lines.size());
        Map<ChangeOp, Integer> ops = new EnumMap<>(ChangeOp.class);
        Map<Object, ChangeEvent> lastPerKey = new java.util.HashMap<>();
        for (byte[] line : lines) {
            ChangeEvent e = parser.parse(null, line);
            assertNotNull(e);
            ops.merge(e.op(), 1, Integer::sum);
            ChangeEvent before = lastPerKey.put(List.of(e.table(), e.key()), e);
            if (before != null) {
                assertEquals(1, e.version().compareTo(before.version()),
                        "version of " + e.table() + " " + e.key() + " did not increase: " + before.version() + " -> " + e.version());
            }
        }
        assertEquals(Map.of(ChangeOp.SNAPSHOT_READ, 300 + 1 + 3, ChangeOp.UPDATE, 3 * 200, ChangeOp.INSERT, 200), ops);
    }

    @Test
    void malformedLinesAreEachRejectedWithTheirKind() {
        DebeziumJsonParser parser = new DebeziumJsonParser();
        List<byte[]> bad = workload.malformedLines();
        List<ParseErrorKind> expected = List.of(ParseErrorKind.MALFORMED, ParseErrorKind.INVALID_VALUE, ParseErrorKind.EMPTY,
                ParseErrorKind.WRONG_TYPE, ParseErrorKind.MISSING_FIELD, ParseErrorKind.INVALID_UTF8, ParseErrorKind.MALFORMED);
        assertEquals(expected.size(), bad.size());
        for (int i = 0; i < bad.size(); i++) {
            byte[] line = bad.get(i);
            ParseException e = assertThrows(ParseException.class, () -> parser.parse(null, line), "line " + i + " was accepted");
            assertEquals(expected.get(i), e.kind(), "line " + i + ": " + e.getMessage());
        }
    }

    @Test
    void sameSeedGivesSameBytesAndMalformedAreSpreadThroughTheStream() {
        List<byte[]> a = workload.linesWithMalformed();
        List<byte[]> b = new PgbenchDebeziumWorkload(300, 200, 42).linesWithMalformed();
        assertEquals(workload.eventCount() + workload.malformedLines().size(), a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "line " + i);
        }
        int firstBad = -1;
        int lastBad = -1;
        List<byte[]> bad = workload.malformedLines();
        for (int i = 0; i < a.size(); i++) {
            for (byte[] x : bad) {
                if (java.util.Arrays.equals(x, a.get(i))) {
                    firstBad = firstBad < 0 ? i : firstBad;
                    lastBad = i;
                }
            }
        }
        assertTrue(firstBad > 0 && firstBad < a.size() / 4, "first malformed at " + firstBad);
        assertTrue(lastBad > a.size() * 3 / 4, "last malformed at " + lastBad);
    }

    /**
     * With deletes: each delete removes a history row inserted earlier and not deleted yet, its before image is
     * that row as inserted, a tombstone follows it, versions still rise per key, and the transactions draw the
     * accounts, tellers and deltas of the capture without deletes. Replaying the lines leaves every other row.
     */
    @Test
    void deletesRemoveEarlierHistoryRowsEachFollowedByItsTombstone() throws ParseException {
        int transactions = 2_000;
        PgbenchDebeziumWorkload withDeletes = new PgbenchDebeziumWorkload(300, transactions, 42, 1.1, 0.3);
        List<byte[]> lines = withDeletes.lines();
        assertEquals(withDeletes.eventCount(), lines.size());
        DebeziumJsonParser parser = new DebeziumJsonParser();
        Map<Object, ChangeEvent> lastPerKey = new java.util.HashMap<>();
        Map<io.snapdelta.model.Row, io.snapdelta.model.Row> history = new java.util.HashMap<>();
        List<String> drawn = new java.util.ArrayList<>();
        int deletes = 0;
        int recent = 0;
        int inserted = 0;
        for (int i = 0; i < lines.size(); i++) {
            ChangeEvent e = parser.parse(null, lines.get(i));
            if (e == null) {
                ChangeEvent previous = parser.parse(null, lines.get(i - 1));
                assertEquals(ChangeOp.DELETE, previous.op(), "a tombstone follows a delete, line " + i);
                assertTrue(new String(lines.get(i), java.nio.charset.StandardCharsets.UTF_8)
                        .startsWith("{\"key\":{\"hid\":" + previous.key().get(0) + "},\"value\":null}"));
                continue;
            }
            ChangeEvent before = lastPerKey.put(List.of(e.table(), e.key()), e);
            if (before != null) {
                assertEquals(1, e.version().compareTo(before.version()), "line " + i);
            }
            if (e.table().name().equals("pgbench_history")) {
                if (e.op() == ChangeOp.INSERT) {
                    history.put(e.key(), e.after());
                    inserted++;
                    drawn.add(e.after().get("aid") + "/" + e.after().get("tid") + "/" + e.after().get("delta"));
                } else {
                    assertEquals(ChangeOp.DELETE, e.op());
                    assertEquals(history.remove(e.key()), e.before(), "the delete's before image is the row as inserted, line " + i);
                    deletes++;
                    if (inserted - (Long) e.key().get(0) < PgbenchDebeziumWorkload.RECENT_HISTORY) {
                        recent++;
                    }
                }
            }
        }
        assertEquals(transactions - deletes, history.size());
        assertEquals(withDeletes.eventCount(), 300 + 1 + 3 + 4 * transactions + 2 * deletes);
        assertTrue(deletes > 0.25 * transactions && deletes < 0.3 * transactions, deletes + " deletes");
        assertTrue(recent > deletes / 3 && recent < deletes, recent + " of " + deletes + " deletes were of one of the newest rows");

        List<String> withoutDeletes = new java.util.ArrayList<>();
        for (byte[] line : new PgbenchDebeziumWorkload(300, transactions, 42, 1.1).lines()) {
            ChangeEvent e = parser.parse(null, line);
            if (e.table().name().equals("pgbench_history")) {
                withoutDeletes.add(e.after().get("aid") + "/" + e.after().get("tid") + "/" + e.after().get("delta"));
            }
        }
        assertEquals(withoutDeletes, drawn);
        List<byte[]> none = new PgbenchDebeziumWorkload(300, 200, 42, 0, 0).lines();
        List<byte[]> plain = new PgbenchDebeziumWorkload(300, 200, 42).lines();
        assertEquals(plain.size(), none.size());
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(plain.get(i), none.get(i), "line " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> new PgbenchDebeziumWorkload(3, 2, 1, 0, 1.5));
    }

    @Test
    void forEachLineHandsOutTheSameLinesInTheSameOrderAsLines() {
        PgbenchDebeziumWorkload withDeletes = new PgbenchDebeziumWorkload(300, 400, 42, 1.1, 0.3);
        List<byte[]> streamed = new java.util.ArrayList<>();
        withDeletes.forEachLine(streamed::add);
        List<byte[]> held = withDeletes.lines();
        assertEquals(withDeletes.eventCount(), streamed.size());
        assertEquals(held.size(), streamed.size());
        for (int i = 0; i < held.size(); i++) {
            assertArrayEquals(held.get(i), streamed.get(i), "line " + i);
        }
    }
}
