package io.snapdelta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import io.snapdelta.export.PostgresCsvWriter;
import io.snapdelta.testing.GroundTruth;
import io.snapdelta.testing.PgCsv;
import io.snapdelta.testing.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proofs of issue 4 item 7 on the real pgbench-small capture, through the embedded Kafka broker, S3
 * server and Flink MiniCluster: the job's committed deltas, replayed by the replica library into an empty
 * state, export exactly PostgreSQL's own dump, and every shard's replayed digest equals the job's. Then
 * the same capture shuffled (any order: version-aware dedup keeps each key's newest version) with
 * injected duplicates and stale versions reaches the same state and the same per-shard digests.
 */
class PgbenchEndToEndITCase {
    @TempDir
    Path dir;

    @Test
    void captureInFileOrderAndShuffledWithDuplicatesAndStaleVersionsBothReplayToTheGroundTruth() throws IOException {
        Path events = SharedData.pgbenchSmallEvents();

        Path exportA = dir.resolve("export-a");
        JsonNode a = runLocal(events, exportA, "a.json");
        assertEquals(180_011, a.get("events_valid").asLong());
        assertEquals(0, a.get("duplicates_dropped").asLong());
        assertEquals(0, a.get("stale_dropped").asLong());
        assertReplayedStateIsTheGroundTruth(exportA);
        assertIndependentModelAgrees(events, exportA);
        // 100,011 snapshot rows and 80,000 streamed changes; coalescing and no-ops can only lower what travels.
        assertTrue(a.get("streamed_changes").asLong() <= 180_011 && a.get("streamed_changes").asLong() >= 120_011,
                a.toPrettyString());

        List<byte[]> lines = SharedData.lines(events);
        Random rnd = new Random(20260425);
        List<byte[]> perturbed = new ArrayList<>(lines);
        int injected = 5_000;
        for (int i = 0; i < injected; i++) {
            perturbed.add(lines.get(rnd.nextInt(lines.size())));
        }
        Collections.shuffle(perturbed, rnd);
        Path shuffled = dir.resolve("shuffled.jsonl.zst");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(shuffled))) {
            for (byte[] line : perturbed) {
                out.write(line);
                out.write('\n');
            }
        }
        Path exportB = dir.resolve("export-b");
        JsonNode b = runLocal(shuffled, exportB, "b.json");
        assertEquals(180_011 + injected, b.get("events_valid").asLong());
        long dropped = b.get("duplicates_dropped").asLong() + b.get("stale_dropped").asLong();
        // Every injected copy is dropped, and so is every older version of a key that arrived after a newer one.
        assertTrue(dropped >= injected, b.toPrettyString());
        assertTrue(b.get("stale_dropped").asLong() > 0, "a full shuffle must deliver some versions late: " + b.toPrettyString());
        assertReplayedStateIsTheGroundTruth(exportB);
        assertEquals(finalDigests(a), finalDigests(b), "same state, same per-shard digests");
    }

    /**
     * The judging captures' shape: Zipf-skewed accounts and deletes of history rows inserted earlier, each delete
     * (REPLICA IDENTITY FULL) followed by Debezium's tombstone. In capture order the export equals the independent
     * last-writer-wins model (docs/tools/export_check.py); shuffled with injected duplicates (a delete may now come
     * before its insert, which its tombstone must then drop as stale) it reaches the same per-shard digests.
     */
    @Test
    void aSkewedCaptureWithDeletesReplaysToTheIndependentModelInAnyOrder() throws IOException {
        int transactions = 6_000;
        List<byte[]> lines = new io.snapdelta.workload.PgbenchDebeziumWorkload(3_000, transactions, 7, 1.1, 0.3).lines();
        long tombstones = lines.stream()
                .filter(l -> new String(l, java.nio.charset.StandardCharsets.UTF_8).endsWith("\"value\":null}")).count();
        assertTrue(tombstones > 1_000, tombstones + " deletes");
        Path capture = dir.resolve("deletes.jsonl");
        write(lines, capture);
        Path exportA = dir.resolve("export-deletes");
        JsonNode a = runLocal(capture, exportA, "deletes.json");
        assertEquals(tombstones, a.get("tombstones").asLong());
        assertEquals(lines.size() - tombstones, a.get("events_valid").asLong());
        ExportCheck check = exportCheck(capture, exportA);
        assertEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("pgbench_history: equal, " + String.format(java.util.Locale.ROOT, "%,d", transactions - tombstones)
                + " rows"), check.output());

        Random rnd = new Random(20261128);
        List<byte[]> perturbed = new ArrayList<>(lines);
        for (int i = 0; i < 2_000; i++) {
            perturbed.add(lines.get(rnd.nextInt(lines.size())));
        }
        Collections.shuffle(perturbed, rnd);
        Path shuffled = dir.resolve("deletes-shuffled.jsonl");
        write(perturbed, shuffled);
        JsonNode b = runLocal(shuffled, dir.resolve("export-deletes-shuffled"), "deletes-shuffled.json");
        assertTrue(b.get("stale_dropped").asLong() > 0, b.toPrettyString());
        assertEquals(finalDigests(a), finalDigests(b), "same state, same per-shard digests");
    }

    private static void write(List<byte[]> lines, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
    }

    /**
     * docs/tools/export_check.py (Python, no code shared with snapdelta: a last-writer-wins replay of the capture)
     * agrees with the export, and finds a one-cell change in a copy of it: the tool users run on captures without
     * a ground truth is itself checked against one.
     */
    private void assertIndependentModelAgrees(Path events, Path export) throws IOException {
        Path plain = dir.resolve("capture.jsonl");
        write(SharedData.lines(events), plain);
        ExportCheck agrees = exportCheck(plain, export);
        assertEquals(0, agrees.exitCode(), agrees.output());
        assertTrue(agrees.output().contains("pgbench_accounts: equal, 100,000 rows"), agrees.output());

        Path altered = dir.resolve("export-altered");
        Files.createDirectories(altered);
        for (String table : GroundTruth.TABLES) {
            Files.copy(export.resolve(table + ".csv"), altered.resolve(table + ".csv"));
        }
        Path tellers = altered.resolve("pgbench_tellers.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(tellers));
        List<String> cells = new ArrayList<>(List.of(lines.get(1).split(",", -1)));
        cells.set(2, cells.get(2) + "1"); // tbalance of the first teller
        lines.set(1, String.join(",", cells));
        Files.write(tellers, lines);
        ExportCheck differs = exportCheck(plain, altered);
        assertEquals(1, differs.exitCode(), differs.output());
        assertTrue(differs.output().contains("pgbench_tellers: DIFFERENT"), differs.output());
        assertTrue(differs.output().contains("pgbench_accounts: equal"), differs.output());
    }

    private record ExportCheck(int exitCode, String output) {
    }

    private static ExportCheck exportCheck(Path capture, Path export) throws IOException {
        Path script = Path.of("..", "..", "docs", "tools", "export_check.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "missing " + script);
        Process p = new ProcessBuilder("python3", script.toString(), capture.toString(), export.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("export_check.py did not finish within 5 min: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new ExportCheck(p.exitValue(), out);
    }

    private JsonNode runLocal(Path input, Path export, String summaryName) throws IOException {
        Path summary = dir.resolve(summaryName);
        LocalMainITCase.Run run = LocalMainITCase.run("--input", input.toString(), "--format", "debezium-json",
                "--summary-json", summary.toString(), "--export-dir", export.toString());
        assertEquals(0, run.exitCode(), run.output());
        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertTrue(s.get("digests_match").asBoolean(), s.toPrettyString());
        assertEquals(0, s.get("gaps").asLong());
        assertEquals(0, s.get("dead_letters").asLong());
        assertEquals(16, s.get("shards").asInt());
        assertTrue(s.get("batches").asLong() > 0 && s.get("delta_bytes").asLong() > 0, s.toPrettyString());
        return s;
    }

    private static Map<Integer, String> finalDigests(JsonNode summary) {
        Map<Integer, String> m = new TreeMap<>();
        summary.get("shard_reports").forEach(r -> m.put(r.get("shard").asInt(), r.get("final_digest").asText()));
        return m;
    }

    /**
     * The exported CSVs equal PostgreSQL's dump. Byte for byte where the capture carried the column's type;
     * {@code pgbench_history.mtime} arrived as a bare integer (Debezium MicroTimestamp with schemas off), so
     * the export writes the integer and it is compared as the instant it denotes.
     */
    static void assertReplayedStateIsTheGroundTruth(Path export) throws IOException {
        for (String table : GroundTruth.TABLES) {
            GroundTruth.Table truth = GroundTruth.load(table);
            Path file = export.resolve(table + ".csv");
            assertTrue(Files.exists(file), "no export " + file);
            String text = Files.readString(file);
            if (!table.equals("pgbench_history")) {
                assertEquals(truth.text(), text, table + " differs from the ground truth");
                continue;
            }
            List<List<String>> rows = PgCsv.parse(text);
            assertEquals(truth.header(), rows.get(0), table + " header");
            int mtime = truth.header().indexOf("mtime");
            List<List<String>> body = rows.subList(1, rows.size());
            assertEquals(truth.rows().size(), body.size(), table + " row count");
            for (int i = 0; i < body.size(); i++) {
                List<String> row = new ArrayList<>(body.get(i));
                row.set(mtime, PostgresCsvWriter.formatTimestampMicros(Long.parseLong(row.get(mtime))));
                assertEquals(truth.rows().get(i), row, table + " row " + (i + 1));
            }
        }
    }
}
