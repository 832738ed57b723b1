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
}
