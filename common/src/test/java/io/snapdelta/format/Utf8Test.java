package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void aLoneSurrogateAmongAsciiIsRefusedRatherThanReplacedByAQuestionMark() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Utf8.encode("a\uD800", "table t field f"));
        assertTrue(e.getMessage().contains("table t field f") && e.getMessage().contains("unpaired surrogate at index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Utf8.encode("\uDC00", "ctx"));
    }

    @Test
    void asciiQuestionMarksAndSurrogatePairsEncodeAsUtf8() {
        assertArrayEquals("what?".getBytes(StandardCharsets.US_ASCII), Utf8.encode("what?", "ctx"));
        assertArrayEquals("a\uD83D\uDE00?".getBytes(StandardCharsets.UTF_8), Utf8.encode("a\uD83D\uDE00?", "ctx"));
    }
}
