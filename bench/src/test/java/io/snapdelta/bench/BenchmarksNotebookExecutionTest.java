package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notebooks/snapdelta-benchmarks.ipynb executed headless by {@code jupyter nbconvert --execute}, the way its
 * README runs it: against the committed results every cell runs without error, the output holds the bytes per
 * change read from bandwidth.json, and every chart is written as PNG; against a directory holding only
 * parse.json the notebook still runs and says which files are missing.
 */
class BenchmarksNotebookExecutionTest {
    static final Path NOTEBOOK = NotebookPython.NOTEBOOKS.resolve("snapdelta-benchmarks.ipynb");
    static final Path COMMITTED = NotebookPython.NOTEBOOKS.resolve("results/latest");
    static final List<String> CHARTS = List.of("bytes_per_change", "streamed_bytes_by_section", "sweep", "speeds",
            "job_throughput", "job_cpu_by_thread_group", "latency", "parse");
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    @Test
    void notebookRunsAgainstTheCommittedResultsAndShowsTheirBytesPerChange() throws Exception {
        JsonNode bandwidth = JSON.readTree(COMMITTED.resolve("bandwidth.json").toFile());
        Path out = scratch.resolve("out");
        JsonNode executed = execute(out, Map.of());

        List<String> text = outputsText(executed);
        String all = String.join("\n", text);
        assertContains(all, String.format(Locale.ROOT, "snapdelta, default settings: %.3f bytes per streamed change",
                bandwidth.get("snapdelta_bytes_per_change").asDouble()));
        assertContains(all, String.format(Locale.ROOT, "Debezium JSON + zstd -3: %.3f bytes per streamed change",
                bandwidth.get("debezium_json_zstd3_bytes_per_change").asDouble()));
        assertContains(all, String.format(Locale.ROOT, "Debezium JSON + gzip -6: %.3f bytes per streamed change",
                bandwidth.get("debezium_json_gzip6_bytes_per_change").asDouble()));
        assertContains(all, "results directory: " + COMMITTED);
        assertTrue(!all.contains("is not in"), "the notebook reported a missing result file:\n" + all);
        // Every goal of issues 2, 3 and 4 got a verdict line.
        assertEquals(8, all.lines().filter(l -> l.matches("issue [234]: .*: (MET|NOT MET) \\(measured .*")).count(), all);
        for (String chart : CHARTS) {
            Path png = out.resolve(chart + ".png");
            assertTrue(Files.isRegularFile(png), "chart " + png + " was not written");
            try (InputStream in = Files.newInputStream(png)) {
                assertArrayEquals(PNG_MAGIC, in.readNBytes(4), png + " is not a PNG");
            }
        }
    }

    @Test
    void notebookWithOnlyParseResultsSaysWhatIsMissingAndRunsTheRest() throws Exception {
        Path results = scratch.resolve("only-parse");
        Files.createDirectories(results);
        Files.copy(COMMITTED.resolve("parse.json"), results.resolve("parse.json"));
        Path out = scratch.resolve("out");
        JsonNode executed = execute(out, Map.of("SNAPDELTA_RESULTS", results.toString()));

        String all = String.join("\n", outputsText(executed));
        assertContains(all, "bandwidth.json is not in " + results);
        assertContains(all, "job.json is not in " + results);
        assertContains(all, "issue 2: parse rate: ");
        assertContains(all, "issue 3: bytes per change: NO VERDICT");
        assertTrue(Files.isRegularFile(out.resolve("parse.png")), "the parse chart was not written");
        assertTrue(!Files.exists(out.resolve("bytes_per_change.png")), "a bandwidth chart was drawn without bandwidth.json");
    }

    /** Runs nbconvert --execute into {@code out}; asserts it succeeded, every code cell ran and none errored. */
    private JsonNode execute(Path out, Map<String, String> env) throws Exception {
        assertTrue(Files.isRegularFile(NOTEBOOK), "the notebook is missing at " + NOTEBOOK);
        NotebookPython.requireTools(scratch);
        Files.createDirectories(out);
        Map<String, String> withFigures = new java.util.HashMap<>(env);
        withFigures.put("SNAPDELTA_FIGURES", out.toString());
        NotebookPython.Outcome o = NotebookPython.run(List.of(NotebookPython.PYTHON, "-m", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=300", "--output-dir", out.toString(), "--output", "executed.ipynb", NOTEBOOK.toString()),
                NotebookPython.ROOT, withFigures, scratch, 420);
        assertEquals(0, o.exitCode(), "jupyter nbconvert --execute failed (a cell raised or the kernel died):\n" + o.output());
        JsonNode nb = JSON.readTree(out.resolve("executed.ipynb").toFile());
        int codeCells = 0;
        for (JsonNode cell : nb.get("cells")) {
            if (!"code".equals(cell.get("cell_type").asText())) {
                continue;
            }
            codeCells++;
            assertTrue(cell.get("execution_count").isNumber(), "a code cell did not run: " + cell.get("source"));
            for (JsonNode output : cell.get("outputs")) {
                assertTrue(!"error".equals(output.get("output_type").asText()), "a cell errored: " + output);
                if ("stream".equals(output.get("output_type").asText())) {
                    assertTrue(!"stderr".equals(output.get("name").asText()) || !output.toString().contains("Traceback"),
                            "a cell printed a traceback: " + output);
                }
            }
        }
        assertTrue(codeCells >= 10, "expected the notebook's code cells, found " + codeCells);
        return nb;
    }

    /** The text of every stream output and every text/plain result, cell by cell. */
    private static List<String> outputsText(JsonNode nb) {
        List<String> text = new ArrayList<>();
        for (JsonNode cell : nb.get("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                JsonNode t = output.has("text") ? output.get("text") : output.path("data").path("text/plain");
                StringBuilder s = new StringBuilder();
                if (t.isArray()) {
                    t.forEach(part -> s.append(part.asText()));
                } else {
                    s.append(t.asText());
                }
                text.add(s.toString());
            }
        }
        return text;
    }

    private static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected the notebook's output to contain \"" + needle + "\"; it was:\n"
                + Arrays.stream(haystack.split("\n")).limit(200).reduce("", (a, b) -> a + b + "\n"));
    }
}
