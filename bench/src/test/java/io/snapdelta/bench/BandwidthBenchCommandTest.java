package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapdelta.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bench bandwidth} end to end on a small slice of the real capture (400 snapshot reads and the
 * first 3,000 streamed changes, written to a temp file) and checks the report. No speed assertions.
 */
class BandwidthBenchCommandTest {
    private static final int READS = 400;
    private static final int STREAMED = 3_000;

    @TempDir
    Path dir;

    private Path smallCapture() throws Exception {
        List<byte[]> lines = SharedData.lines(SharedData.pgbenchSmallEvents());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int reads = 0;
        int streamed = 0;
        for (byte[] line : lines) {
            boolean isRead = new String(line, 0, line.length, java.nio.charset.StandardCharsets.UTF_8).contains("\"op\":\"r\"");
            if (isRead ? reads++ < READS : streamed++ < STREAMED) {
                out.write(line);
                out.write('\n');
            }
        }
        Path file = dir.resolve("small.jsonl");
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void reportsEveryRequiredFieldAndVerifiesTheDecodedState() throws Exception {
        Path input = smallCapture();
        Path json = dir.resolve("out/bandwidth.json");
        int exit = BenchMain.execute("bandwidth", "--input", input.toString(), "--shards", "4", "--batch-changes", "250",
                "--json", json.toString());
        assertEquals(0, exit);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        for (String field : List.of("streamed_changes", "debezium_json_zstd3_bytes_per_change", "debezium_json_gzip6_bytes_per_change",
                "snapdelta_bytes_per_change", "snapdelta_by_codec", "encode_changes_per_s", "decode_apply_changes_per_s",
                "zstd3_debezium_changes_per_s", "shards", "batch_changes", "verified", "sweep",
                "snapdelta_streamed_bytes_per_change_by_section", "snapdelta_snapshot_bytes_per_read",
                "encode_changes_per_cpu_s", "decode_apply_changes_per_cpu_s", "encode_changes_per_cpu_s_first_pass")) {
            assertTrue(j.has(field), "missing field " + field + " in " + j);
        }
        assertEquals(5, j.get("speed_passes").asInt(), "the default number of timed speed passes");
        assertTrue(j.get("speed_note").asText().contains("medians over 5"), j.get("speed_note").asText());
        assertTrue(j.get("verified").asBoolean());
        assertTrue(j.get("deterministic").asBoolean());
        assertEquals(STREAMED, j.get("streamed_changes").asLong());
        assertEquals(READS, j.get("snapshot_reads").asLong());
        assertEquals(4, j.get("shards").asInt());
        assertEquals(250, j.get("batch_changes").asInt());
        double snapdelta = j.get("snapdelta_bytes_per_change").asDouble();
        assertTrue(snapdelta > 0 && snapdelta < j.get("debezium_json_zstd3_bytes_per_change").asDouble(),
                "snapdelta " + snapdelta + " B/change should beat Debezium JSON + zstd");
        for (String codec : DeltaFormatDriver.fixedSettings()) {
            assertTrue(j.get("snapdelta_by_codec").get(codec).asDouble() > 0, "codec " + codec);
        }
        // The job's body probe: both bodies only on some batches, never on every one.
        JsonNode probes = j.get("body_probes");
        long probed = probes.get("streamed_batches_probed").asLong();
        assertTrue(probed > 0 && probed < j.get("streamed_batches").asLong(), probes.toString());
        assertTrue(probes.get("shipped_bytes").asLong() <= probes.get("other_body_bytes").asLong(),
                "a probe ships the smaller body: " + probes);
        assertEquals(j.get("streamed_batches").asLong() + j.get("snapshot_batches").asLong(),
                j.get("bodies_chosen").get("coalesced").asLong() + j.get("bodies_chosen").get("stream_ordered").asLong());
        for (String codec : DeltaFormatDriver.fixedSettings()) {
            assertTrue(j.get("shipped_crc32c_by_codec").get(codec).asText().matches("[0-9a-f]{8}"), "crc of codec " + codec);
        }
        JsonNode sweep = j.get("sweep");
        assertEquals(9, sweep.size());
        for (JsonNode row : sweep) {
            assertTrue(row.get("verified").asBoolean(), row.toString());
        }
        // Sections sum to the total (rounding aside).
        double sum = 0;
        for (JsonNode v : j.get("snapdelta_streamed_bytes_per_change_by_section")) {
            sum += v.asDouble();
        }
        assertEquals(snapdelta, sum, 0.01);
    }

    @Test
    void withoutSpeedPassesTheFirstDefaultPassIsTimedAndSaysSo() throws Exception {
        Path json = dir.resolve("out/first-pass.json");
        assertEquals(0, BenchMain.execute("bandwidth", "--input", smallCapture().toString(), "--shards", "4", "--batch-changes", "250",
                "--no-sweep", "--speed-passes", "0", "--json", json.toString()));
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, j.get("speed_passes").asInt());
        assertEquals(j.get("encode_changes_per_cpu_s_first_pass").asDouble(), j.get("encode_changes_per_cpu_s").asDouble());
        assertTrue(j.get("speed_note").asText().contains("first default-settings pass"), j.get("speed_note").asText());
    }

    @Test
    void negativeSpeedPassesIsAUsageError() throws Exception {
        assertEquals(2, BenchMain.execute("bandwidth", "--input", smallCapture().toString(), "--speed-passes", "-1"));
    }

    @Test
    void missingInputIsAUsageError() {
        assertEquals(2, BenchMain.execute("bandwidth", "--input", dir.resolve("nope.jsonl").toString()));
    }

    @Test
    void unknownFormatIsAUsageError() throws Exception {
        Path f = dir.resolve("x.jsonl");
        Files.writeString(f, "{}\n");
        assertEquals(2, BenchMain.execute("bandwidth", "--input", f.toString(), "--format", "xml"));
    }

    /**
     * A capture with deletes (the generated one: REPLICA IDENTITY FULL deletes of earlier history rows, each followed
     * by its tombstone): the deletes are streamed changes, the tombstones are counted and skipped, and the
     * replayed state still verifies.
     */
    @Test
    void deletesAreStreamedChangesAndTheirTombstonesAreSkipped() throws Exception {
        io.snapdelta.workload.PgbenchDebeziumWorkload workload = new io.snapdelta.workload.PgbenchDebeziumWorkload(200, 1_500, 1, 1.1, 0.3);
        List<byte[]> lines = workload.lines();
        long tombstones = lines.stream()
                .filter(l -> new String(l, java.nio.charset.StandardCharsets.UTF_8).endsWith("\"value\":null}")).count();
        assertTrue(tombstones > 300, tombstones + " tombstones");
        Path input = CaptureFiles.write(lines, dir.resolve("deletes.jsonl"));
        Path json = dir.resolve("deletes.json");
        assertEquals(0, BenchMain.execute("bandwidth", "--input", input.toString(), "--shards", "4", "--batch-changes", "250",
                "--no-sweep", "--speed-passes", "0", "--json", json.toString()));
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(tombstones, j.get("tombstones_skipped").asLong());
        assertEquals(4L * 1_500 + tombstones, j.get("streamed_changes").asLong(), "the deletes are streamed changes");
        assertEquals(lines.size() - tombstones, j.get("events").asLong());
        assertTrue(j.get("verified").asBoolean());
    }
}
