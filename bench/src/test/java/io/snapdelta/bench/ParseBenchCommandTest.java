package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapdelta.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench parse on a small slice of the real capture: the JSON report has the documented fields. */
class ParseBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheJsonReportWithTheEventCount() throws Exception {
        List<byte[]> lines = SharedData.lines(SharedData.pgbenchSmallEvents()).subList(99_990, 100_040);
        Path input = CaptureFiles.write(lines, dir.resolve("slice.jsonl"));
        Path json = dir.resolve("out/parse.json");
        int code = BenchMain.execute("parse", "--input", input.toString(), "--json", json.toString(), "--rounds", "1", "--warmup-rounds", "0");
        assertEquals(0, code);
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(50, report.get("events").asLong());
        assertEquals(50, report.get("input_events").asLong(), "a small input is parsed whole");
        assertEquals(1, report.get("sample_every").asLong());
        assertEquals(lines.stream().mapToLong(l -> l.length).sum(), report.get("input_bytes").asLong());
        assertEquals(report.get("input_bytes").asLong(), report.get("bytes").asLong());
        assertEquals(1, report.get("cores").asInt());
        assertEquals("debezium-json", report.get("format").asText());
        for (String field : List.of("parser_events_per_s", "tree_model_events_per_s", "ratio")) {
            assertTrue(report.get(field).isNumber() && report.get(field).asDouble() > 0, field);
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, BenchMain.execute("parse"));
        assertEquals(2, BenchMain.execute("parse", "--input", "x.jsonl", "--format", "csv"));
        assertEquals(2, BenchMain.execute());
    }

    @Test
    void aMissingInputFileExitsWithOne() {
        assertEquals(1, BenchMain.execute("parse", "--input", dir.resolve("absent.jsonl").toString()));
    }

    /** A capture with deletes and the tombstones after them (no after image; a value of null) is parsed by both sides. */
    @Test
    void aCaptureWithDeletesAndTombstonesIsParsedToTheEnd() throws Exception {
        Path input = CaptureFiles.write(new io.snapdelta.workload.PgbenchDebeziumWorkload(50, 300, 1, 0, 0.5).lines(),
                dir.resolve("deletes.jsonl"));
        assertTrue(Files.readString(input).contains("\"value\":null}"), "the capture has tombstones");
        int code = BenchMain.execute("parse", "--input", input.toString(), "--rounds", "1", "--warmup-rounds", "0");
        assertEquals(0, code);
    }
}
