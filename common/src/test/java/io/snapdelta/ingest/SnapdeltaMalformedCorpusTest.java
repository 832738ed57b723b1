package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.testing.MalformedCorpus;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The snapdelta JSON and Avro malformed-input corpora: each record gets the outcome its manifest states. */
class SnapdeltaMalformedCorpusTest {
    static Stream<MalformedCorpus.Entry> json() {
        return MalformedCorpus.snapdeltaJson().stream();
    }

    static Stream<MalformedCorpus.Entry> avro() {
        return MalformedCorpus.snapdeltaAvro().stream();
    }

    @ParameterizedTest(name = "snapdelta-json {0}")
    @MethodSource("json")
    void snapdeltaJsonRecordHasTheStatedOutcome(MalformedCorpus.Entry entry) throws ParseException {
        check(new SnapdeltaJsonParser(MalformedCorpus.limitsOf("snapdelta-json")), entry);
    }

    @ParameterizedTest(name = "snapdelta-avro {0}")
    @MethodSource("avro")
    void snapdeltaAvroRecordHasTheStatedOutcome(MalformedCorpus.Entry entry) throws ParseException {
        check(new SnapdeltaAvroParser(MalformedCorpus.limitsOf("snapdelta-avro")), entry);
    }

    static void check(ChangeEventParser parser, MalformedCorpus.Entry entry) throws ParseException {
        switch (entry.expected()) {
            case "OK" -> assertNotNull(parser.parse(null, entry.bytes()));
            case "TOMBSTONE" -> assertNull(parser.parse(null, entry.bytes()));
            default -> {
                ParseException e = assertThrows(ParseException.class, () -> parser.parse(null, entry.bytes()));
                assertEquals(ParseErrorKind.valueOf(entry.expected()), e.kind(), "error class; reason: " + e.reason());
                assertEquals(entry.fieldPath(), e.fieldPath(), "field path; reason: " + e.reason());
            }
        }
    }
}
