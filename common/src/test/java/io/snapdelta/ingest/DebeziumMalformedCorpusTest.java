package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.testing.MalformedCorpus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record of the Debezium malformed-input corpus gets exactly the outcome its manifest states. */
class DebeziumMalformedCorpusTest {
    static Stream<MalformedCorpus.Entry> corpus() {
        return MalformedCorpus.debezium().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void recordHasTheOutcomeTheManifestStates(MalformedCorpus.Entry entry) throws ParseException {
        DebeziumJsonParser parser = new DebeziumJsonParser(MalformedCorpus.debeziumLimits());
        switch (entry.expected()) {
            case "OK" -> assertNotNull(parser.parse(null, entry.bytes()), "a good record must give an event");
            case "TOMBSTONE" -> assertNull(parser.parse(null, entry.bytes()), "a tombstone gives no event");
            default -> {
                ParseException e = assertThrows(ParseException.class, () -> parser.parse(null, entry.bytes()));
                assertEquals(ParseErrorKind.valueOf(entry.expected()), e.kind(), "error class; reason: " + e.reason());
                assertEquals(entry.fieldPath(), e.fieldPath(), "field path; reason: " + e.reason());
                assertTrue(e.reason() != null && !e.reason().isBlank(), "a human-readable reason");
            }
        }
    }

    @Test
    void oneParserKeepsParsingGoodRecordsBetweenBadOnes() {
        DebeziumJsonParser parser = new DebeziumJsonParser(MalformedCorpus.debeziumLimits());
        List<MalformedCorpus.Entry> entries = MalformedCorpus.debezium();
        int events = 0;
        int errors = 0;
        for (MalformedCorpus.Entry entry : entries) {
            try {
                ChangeEvent e = parser.parse(null, entry.bytes());
                assertTrue(entry.isGood(), entry + " parsed but should have failed");
                events += e == null ? 0 : 1;
            } catch (ParseException ex) {
                assertTrue(!entry.isGood(), entry + " failed: " + ex.getMessage());
                errors++;
            }
        }
        long good = entries.stream().filter(x -> x.expected().equals("OK")).count();
        assertEquals(good, events);
        assertEquals(entries.stream().filter(x -> !x.isGood()).count(), errors);
        assertTrue(errors > 40 && good >= 6, "the corpus covers many bad and several good records");
    }
}
