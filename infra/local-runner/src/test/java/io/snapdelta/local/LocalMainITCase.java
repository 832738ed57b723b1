package io.snapdelta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import io.snapdelta.testing.MalformedCorpus;
import io.snapdelta.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/snapdelta local} end to end, in-process: each run starts the real embedded stack (Kafka,
 * S3, Flink MiniCluster), produces the input, runs the job bounded and checks the summary JSON it writes.
 */
class LocalMainITCase {
    @TempDir
    Path dir;

    @Test
    void withoutInputItRunsTheBuiltInWorkloadAndShowsItsDeadLetters() throws IOException {
        Path summary = dir.resolve("s.json");
        Run run = run("--summary-json", summary.toString());
        assertEquals(0, run.exitCode, run.output());
        JsonNode s = read(summary);
        assertEquals(3018, s.get("events_in").asLong());
        assertEquals(3011, s.get("events_valid").asLong());
        assertEquals(7, s.get("dead_letters").asLong());
        assertEquals(Map.of("EMPTY", 1L, "INVALID_UTF8", 1L, "INVALID_VALUE", 1L, "MALFORMED", 2L, "MISSING_FIELD", 1L,
                "WRONG_TYPE", 1L), reasons(s));
        assertTrue(run.out.contains("dead letters              7"), run.out);
    }

    @Test
    void debeziumCorpusFileIsSummarisedExactlyWithOverridesAndConfigFile() throws IOException {
        List<MalformedCorpus.Entry> corpus = MalformedCorpus.debezium();
        Path input = dir.resolve("corpus.jsonl.zst");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(input))) {
            for (MalformedCorpus.Entry e : corpus) {
                out.write(e.bytes());
                out.write('\n');
            }
        }
        // The corpus's expectations assume its parser limits: two via the config file, two as overrides.
        Path config = dir.resolve("job.yaml");
        Files.writeString(config, "parser.max-record-bytes: 16kb\nparser.max-fields: 64\nkafka.dead-letter-topic: corpus.dlq\n");
        Path summary = dir.resolve("corpus.json");
        Run run = run("--input", input.toString(), "--format", "debezium-json", "--summary-json", summary.toString(),
                "--config", config.toString(), "--parser.max-string-length", "1000", "--parser.max-nesting-depth=32");
        assertEquals(0, run.exitCode, run.output());

        JsonNode s = read(summary);
        Map<String, Long> expectedReasons = new TreeMap<>();
        corpus.stream().filter(e -> !e.isGood()).forEach(e -> expectedReasons.merge(e.expected(), 1L, Long::sum));
        assertEquals(corpus.size(), s.get("events_in").asLong());
        assertEquals(corpus.stream().filter(e -> e.expected().equals("OK")).count(), s.get("events_valid").asLong());
        assertEquals(corpus.stream().filter(e -> e.expected().equals("TOMBSTONE")).count(), s.get("tombstones").asLong());
        assertEquals(expectedReasons.values().stream().mapToLong(Long::longValue).sum(), s.get("dead_letters").asLong());
        assertEquals(expectedReasons, reasons(s));
        assertTrue(s.get("consistent").asBoolean());
    }

    @Test
    void snapdeltaAvroFileOfBase64LinesIsSummarisedExactly() throws IOException {
        List<MalformedCorpus.Entry> corpus = MalformedCorpus.snapdeltaAvro();
        Path input = dir.resolve("avro.jsonl");
        List<String> lines = new ArrayList<>();
        corpus.forEach(e -> lines.add(Base64.getEncoder().encodeToString(e.bytes())));
        Files.write(input, lines, StandardCharsets.US_ASCII);
        Path summary = dir.resolve("avro.json");
        Run run = run("--input", input.toString(), "--format", "snapdelta-avro", "--summary-json", summary.toString(),
                "--parser.max-record-bytes", "16kb", "--parser.max-string-length", "16", "--parser.max-fields", "8",
                "--parser.max-nesting-depth", "16");
        assertEquals(0, run.exitCode, run.output());

        JsonNode s = read(summary);
        Map<String, Long> expectedReasons = new TreeMap<>();
        corpus.stream().filter(e -> !e.isGood()).forEach(e -> expectedReasons.merge(e.expected(), 1L, Long::sum));
        assertEquals(corpus.size(), s.get("events_in").asLong());
        assertEquals(corpus.stream().filter(e -> e.expected().equals("OK")).count(), s.get("events_valid").asLong());
        assertEquals(expectedReasons, reasons(s));
    }

    /** The acceptance run of issue 2: the real pgbench capture, every event valid, no dead letter. */
    @Test
    void pgbenchSmallCaptureIsAllValidWithNoDeadLetters() throws IOException {
        Path events = SharedData.pgbenchSmallEvents();
        Path summary = dir.resolve("pgbench.json");
        Run run = run("--input", events.toString(), "--format", "debezium-json", "--summary-json", summary.toString());
        assertEquals(0, run.exitCode, run.output());
        JsonNode s = read(summary);
        assertEquals(180_011, s.get("events_in").asLong());
        assertEquals(180_011, s.get("events_valid").asLong());
        assertEquals(0, s.get("dead_letters").asLong());
        assertEquals(Map.of(), reasons(s));
    }

    record Run(int exitCode, String out, String err) {
        String output() {
            return "stdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LocalMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode read(Path summary) throws IOException {
        assertTrue(Files.exists(summary), "no summary written at " + summary);
        return new ObjectMapper().readTree(summary.toFile());
    }

    private static Map<String, Long> reasons(JsonNode s) {
        Map<String, Long> out = new TreeMap<>();
        s.get("dead_letter_reasons").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
