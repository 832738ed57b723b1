package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.DeadLetter.Header;
import io.snapdelta.ingest.DeadLetter.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final SourcePosition POS = new SourcePosition("cdc.accounts", 3, 1234567890123L);

    @Test
    void rejectedRecordKeepsOriginalBytesAndNamesOriginAndReason() {
        byte[] key = {1, 2, 3};
        byte[] value = "{\"op\":\"x\"".getBytes(StandardCharsets.UTF_8);
        DeadLetter dl = DeadLetter.rejected(POS, InputFormat.DEBEZIUM_JSON, key, value,
                new ParseException(ParseErrorKind.INVALID_VALUE, "/value/op", "unknown op 'x'"));

        assertSame(key, dl.key());
        assertSame(value, dl.value());
        assertArrayEquals(new byte[] {1, 2, 3}, dl.key());
        assertEquals("INVALID_VALUE", dl.errorClass());
        Map<String, String> h = DeadLetter.readHeaders(dl.headers());
        assertEquals(Map.of(
                "__snapdelta.errors.topic", "cdc.accounts",
                "__snapdelta.errors.partition", "3",
                "__snapdelta.errors.offset", "1234567890123",
                "__snapdelta.errors.format", "debezium-json",
                "__snapdelta.errors.class", "INVALID_VALUE",
                "__snapdelta.errors.field.path", "/value/op",
                "__snapdelta.errors.reason", "unknown op 'x'"), h);
        assertEquals(List.of(DeadLetter.TOPIC, DeadLetter.PARTITION, DeadLetter.OFFSET, DeadLetter.FORMAT,
                DeadLetter.CLASS, DeadLetter.FIELD_PATH, DeadLetter.REASON),
                dl.headers().stream().map(Header::name).toList());
    }

    @Test
    void nullKeyAndValueStayNull() {
        DeadLetter dl = DeadLetter.rejected(POS, InputFormat.SNAPDELTA_AVRO, null, null,
                new ParseException(ParseErrorKind.EMPTY, "", "record is empty"));
        assertNull(dl.key());
        assertNull(dl.value());
        assertEquals("snapdelta-avro", DeadLetter.readHeaders(dl.headers()).get(DeadLetter.FORMAT));
        assertEquals("", DeadLetter.readHeaders(dl.headers()).get(DeadLetter.FIELD_PATH));
    }

    @Test
    void parserBugIsDeadLetteredAsParserFailureNamingTheException() {
        DeadLetter dl = DeadLetter.parserFailure(POS, InputFormat.SNAPDELTA_JSON, null, new byte[] {9},
                new ArrayIndexOutOfBoundsException("Index 7 out of bounds for length 7"));
        Map<String, String> h = DeadLetter.readHeaders(dl.headers());
        assertEquals("PARSER_FAILURE", dl.errorClass());
        assertEquals("PARSER_FAILURE", h.get(DeadLetter.CLASS));
        assertEquals("java.lang.ArrayIndexOutOfBoundsException", h.get(DeadLetter.EXCEPTION_CLASS));
        assertTrue(h.get(DeadLetter.REASON).contains("Index 7 out of bounds"), h.get(DeadLetter.REASON));
    }

    @Test
    void hugeReasonIsCappedAndStaysValidUtf8() {
        // 😀 is a surrogate pair; a naive cut at the cap would split one and produce invalid UTF-8.
        String huge = "x".repeat(DeadLetter.MAX_REASON_CHARS - 41) + "😀".repeat(5000);
        DeadLetter dl = DeadLetter.rejected(POS, InputFormat.DEBEZIUM_JSON, null, new byte[0],
                new ParseException(ParseErrorKind.TOO_LARGE, "/value/after/filler", huge));
        String reason = DeadLetter.readHeaders(dl.headers()).get(DeadLetter.REASON);
        assertTrue(reason.length() <= DeadLetter.MAX_REASON_CHARS, "length " + reason.length());
        assertTrue(reason.endsWith(" more chars)"), reason.substring(reason.length() - 40));
        assertFalse(reason.contains("\uFFFD"), "the cut produced a broken character");
        byte[] bytes = dl.headers().get(6).value();
        assertEquals(reason, new String(bytes, StandardCharsets.UTF_8));
        assertArrayEquals(reason.getBytes(StandardCharsets.UTF_8), bytes);
    }

    @Test
    void readHeadersIgnoresForeignHeaders() {
        Map<String, String> h = DeadLetter.readHeaders(List.of(
                new Header("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8)),
                new Header(DeadLetter.CLASS, "MALFORMED".getBytes(StandardCharsets.UTF_8))));
        assertEquals(Map.of(DeadLetter.CLASS, "MALFORMED"), h);
    }
}
