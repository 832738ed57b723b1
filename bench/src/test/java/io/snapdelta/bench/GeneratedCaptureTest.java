package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParserLimits;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedCaptureTest {
    @TempDir
    Path dir;

    @Test
    void theFileHoldsTheWorkloadsLinesEachAValidDebeziumRecord() throws Exception {
        GeneratedCapture.Spec spec = GeneratedCapture.Spec.parse("250:40");
        Path file = GeneratedCapture.write(spec, dir);
        List<String> lines = Files.readAllLines(file);
        List<byte[]> expected = new PgbenchDebeziumWorkload(250, 40, 1).lines();
        assertEquals(expected.size(), lines.size());
        assertEquals(spec.events(), lines.size());
        ChangeEventParser parser = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertArrayEquals(expected.get(i), line, "line " + (i + 1));
            assertNotNull(parser.parse(null, line), "line " + (i + 1));
        }
        assertTrue(file.getFileName().toString().endsWith(".jsonl"));
    }

    @Test
    void aSpecThatIsNotTwoNonNegativeIntegersIsRefusedSayingWhatWasExpected() {
        for (String bad : new String[] {"100", "100:", ":5", "a:5", "0:5", "10:-1", "1:2:3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratedCapture.Spec.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
