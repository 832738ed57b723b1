package io.snapdelta.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns bandwidth runs into the JSON document and the human table. */
final class BandwidthReport {
    private BandwidthReport() {
    }

    static double perChange(long bytes, long changes) {
        return round(bytes / (double) changes);
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** Streamed bytes of a run including its share of out-of-band bytes (dictionaries) for the whole run. */
    static long streamedTotal(BandwidthRun.Result r) {
        return r.streamedBytes + r.outOfBandBytes;
    }

    /**
     * @param main the default-settings pass whose bytes are reported
     * @param speeds where the speeds come from: the medians of {@code speedPasses} later default passes, or
     *     {@code main} itself when there were none
     */
    static Map<String, Object> json(Path input, CaptureEvents capture, DebeziumBaseline baseline, BandwidthRun.Result main,
                                    BandwidthRun.Result speeds, int speedPasses, Map<String, BandwidthRun.Result> byCodec, List<BandwidthRun.Result> sweep,
                                    boolean deterministic, boolean verified) {
        long n = capture.streamedChanges;
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("input", input.toString());
        j.put("events", capture.eventCount);
        j.put("streamed_changes", n);
        j.put("snapshot_reads", capture.snapshotReads);
        j.put("tombstones_skipped", capture.tombstones);
        j.put("shards", main.shards);
        j.put("sharding_version", main.sharding.number());
        j.put("batch_changes", main.batchChanges);
        j.put("debezium_json_raw_bytes_per_change", perChange(baseline.rawBytes(), n));
        j.put("debezium_json_zstd3_bytes_per_change", perChange(baseline.zstd3Bytes(), n));
        j.put("debezium_json_gzip6_bytes_per_change", perChange(baseline.gzip6Bytes(), n));
        j.put("debezium_json_zstd3_compressed_as", baseline.streamed()
                ? "one frame streamed as the lines were read, no pledged size (the streamed lines exceed a quarter of the heap or one Java array; ~0.3% larger than one call)" : "one frame, one call over the concatenated lines");
        j.put("snapdelta_bytes_per_change", perChange(streamedTotal(main), n));
        Map<String, Object> probes = new LinkedHashMap<>();
        probes.put("streamed_batches_probed", main.streamedBodyProbes);
        probes.put("shipped_bytes", main.streamedProbeShippedBytes);
        probes.put("other_body_bytes", main.streamedProbeOtherBodyBytes);
        j.put("body_probes", probes);
        j.put("snapdelta_snapshot_bytes_per_read", capture.snapshotReads == 0 ? null : perChange(main.snapshotBytes, capture.snapshotReads));
        Map<String, Object> codecs = new LinkedHashMap<>();
        byCodec.forEach((k, r) -> codecs.put(k, perChange(streamedTotal(r), n)));
        j.put("snapdelta_by_codec", codecs);
        // CRC32C of every batch a fixed-codec run shipped, in order: equal across builds iff their bytes are
        // (the adaptive default's codec choices depend on measured CPU time, so its CRC is not comparable).
        Map<String, Object> crcs = new LinkedHashMap<>();
        byCodec.forEach((k, r) -> crcs.put(k, String.format("%08x", r.shippedCrc.getValue())));
        j.put("shipped_crc32c_by_codec", crcs);
        Map<String, Object> sections = new LinkedHashMap<>();
        main.streamedSections.forEach((k, v) -> sections.put(k, perChange(v, n)));
        sections.put("out_of_band", perChange(main.outOfBandBytes, n));
        j.put("snapdelta_streamed_bytes_per_change_by_section", sections);
        j.put("streamed_batches", main.streamedBatches);
        j.put("snapshot_batches", main.snapshotBatches);
        j.put("bodies_chosen", Map.of("coalesced", main.bodiesChosenCoalesced, "stream_ordered", main.bodiesChosenStreamOrdered));
        j.put("codecs_chosen", main.codecsChosen);
        j.put("dictionary_trainings", main.dictionaryTrainings);
        j.put("dictionaries_published", main.dictionariesPublished);
        j.put("dictionary_attempts_screened_out", main.dictionariesScreenedOut);
        j.put("dictionary_training_cpu_ms", round(main.dictionaryTrainingCpuNanos / 1e6));
        j.put("encode_changes_per_s", round(speeds.sourceChanges / speeds.encodeSeconds));
        j.put("decode_apply_changes_per_s", round(speeds.sourceChanges / speeds.decodeApplySeconds));
        j.put("shard_logic_changes_per_s", round(speeds.sourceChanges / (speeds.encodeSeconds - speeds.formatSeconds)));
        j.put("format_encode_changes_per_s", round(speeds.sourceChanges / speeds.formatSeconds));
        j.put("zstd3_debezium_changes_per_s", round(n / baseline.zstd3Seconds()));
        j.put("encode_changes_per_cpu_s", round(speeds.sourceChanges / speeds.encodeCpuSeconds));
        j.put("shard_logic_changes_per_cpu_s", round(speeds.sourceChanges / (speeds.encodeCpuSeconds - speeds.formatCpuSeconds)));
        j.put("format_encode_changes_per_cpu_s", round(speeds.sourceChanges / speeds.formatCpuSeconds));
        j.put("decode_apply_changes_per_cpu_s", round(speeds.sourceChanges / speeds.decodeApplyCpuSeconds));
        j.put("zstd3_debezium_changes_per_cpu_s", round(n / baseline.zstd3CpuSeconds()));
        j.put("speed_note", "single thread; encode = the job's per-shard pipeline: route + shard state (dedup, diff, coalesce, digest)"
                + " + encode (both bodies only on body-probe batches) + compress + seal, over all source changes incl. snapshot reads;"
                + " format_encode = the pipeline calls that sealed a batch (coalescing + encode + compress + seal), shard_logic = the rest;"
                + " decode_apply = decode + apply + digest check;"
                + " *_per_s over wall time, *_per_cpu_s over the thread's CPU time (the per-core rate on a shared machine);"
                + (speedPasses == 0 ? " measured on the first default-settings pass, which runs after a whole warm-up pass at zstd-3 (a JVM still compiling)"
                : " medians over " + speedPasses + " default-settings passes timed after every byte pass (the first default pass runs in a JVM still compiling)"));
        j.put("speed_passes", speedPasses);
        j.put("jvm", JvmSettings.inEffect());
        j.put("encode_changes_per_cpu_s_first_pass", round(main.sourceChanges / main.encodeCpuSeconds));
        j.put("decode_apply_changes_per_cpu_s_first_pass", round(main.sourceChanges / main.decodeApplyCpuSeconds));
        j.put("counters", main.counters.asMap());
        List<Object> rows = new ArrayList<>();
        for (BandwidthRun.Result r : sweep) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("shards", r.shards);
            row.put("batch_changes", r.batchChanges);
            row.put("snapdelta_bytes_per_change", perChange(streamedTotal(r), n));
            row.put("streamed_batches", r.streamedBatches);
            row.put("codecs_chosen", r.codecsChosen);
            row.put("dictionary_trainings", r.dictionaryTrainings);
            row.put("dictionaries_published", r.dictionariesPublished);
            row.put("dictionary_attempts_screened_out", r.dictionariesScreenedOut);
            row.put("dictionary_training_cpu_ms", round(r.dictionaryTrainingCpuNanos / 1e6));
            row.put("verified", r.verified);
            rows.add(row);
        }
        j.put("sweep", rows);
        j.put("deterministic", deterministic);
        j.put("verified", verified);
        return j;
    }

    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> j, BandwidthRun.Result main, Map<String, BandwidthRun.Result> byCodec,
                      List<BandwidthRun.Result> sweep) {
        out.printf("snapdelta bench bandwidth  input=%s  shards=%s  batch_changes=%s%n", j.get("input"), j.get("shards"), j.get("batch_changes"));
        out.printf("streamed changes (c/u/d): %s   snapshot reads (r, reported apart): %s   tombstones (skipped, not in the baseline): %s%n%n",
                j.get("streamed_changes"), j.get("snapshot_reads"), j.get("tombstones_skipped"));
        out.printf("%-44s %12s%n", "bytes per streamed change", "B/change");
        out.printf("%-44s %12s%n", "Debezium JSON raw (key+value)", j.get("debezium_json_raw_bytes_per_change"));
        out.printf("%-44s %12s%n", "Debezium JSON + zstd -3", j.get("debezium_json_zstd3_bytes_per_change"));
        out.printf("%-44s %12s%n", "Debezium JSON + gzip -6", j.get("debezium_json_gzip6_bytes_per_change"));
        out.printf("%-44s %12s%n", "snapdelta (default settings)", j.get("snapdelta_bytes_per_change"));
        ((Map<String, Object>) j.get("snapdelta_by_codec")).forEach((k, v) -> out.printf("%-44s %12s%n", "  codec " + k, v));
        out.printf("%-44s %12s%n", "snapdelta snapshot part, bytes per read", j.get("snapdelta_snapshot_bytes_per_read"));
        out.println();
        out.println("where the default run's streamed bytes go (bytes per streamed change):");
        ((Map<String, Object>) j.get("snapdelta_streamed_bytes_per_change_by_section")).forEach((k, v) -> out.printf("  %-42s %12s%n", k, v));
        out.println();
        out.println("speeds, one thread, " + (((Number) j.get("speed_passes")).intValue() == 0 ? "the first default-settings pass:"
                : "medians of " + j.get("speed_passes") + " default-settings passes timed after the byte passes:"));
        out.printf("%-44s %14s %14s%n", "changes per second of", "wall time", "thread CPU");
        speedRow(out, j, "encode (the per-shard pipeline)", "encode_changes_per_s", "encode_changes_per_cpu_s");
        speedRow(out, j, "  rate of the shard logic alone", "shard_logic_changes_per_s", "shard_logic_changes_per_cpu_s");
        speedRow(out, j, "  rate of the sealing calls (coalesce+format)", "format_encode_changes_per_s", "format_encode_changes_per_cpu_s");
        speedRow(out, j, "decode+apply", "decode_apply_changes_per_s", "decode_apply_changes_per_cpu_s");
        speedRow(out, j, "zstd -3 over Debezium JSON", "zstd3_debezium_changes_per_s", "zstd3_debezium_changes_per_cpu_s");
        out.println("counters: " + j.get("counters"));
        out.println("bodies chosen: " + j.get("bodies_chosen") + "  codecs chosen: " + j.get("codecs_chosen")
                + "  dictionary trainings: " + j.get("dictionary_trainings") + " (published " + j.get("dictionaries_published")
                + ", attempts screened out before training " + j.get("dictionary_attempts_screened_out") + ", training CPU "
                + j.get("dictionary_training_cpu_ms") + " ms)");
        out.println("body probes (streamed batches sealed with both bodies): " + j.get("body_probes"));
        if (!sweep.isEmpty()) {
            out.println();
            out.printf("%8s %14s %14s %10s %16s  %s%n", "shards", "batch_changes", "B/change", "batches",
                    "dict t/p/s, ms", "codecs chosen");
            for (BandwidthRun.Result r : sweep) {
                String dictionaries = r.dictionaryTrainings + "/" + r.dictionariesPublished + "/" + r.dictionariesScreenedOut
                        + ", " + Math.round(r.dictionaryTrainingCpuNanos / 1e6);
                out.printf("%8d %14d %14s %10d %16s  %s%n", r.shards, r.batchChanges,
                        perChange(streamedTotal(r), (Long) j.get("streamed_changes")), r.streamedBatches, dictionaries,
                        r.codecsChosen);
            }
            out.println("dict t/p/s, ms: dictionary trainings / published / attempts screened out before training, "
                    + "thread CPU ms of the training attempts");
        }
        out.println();
        out.println("deterministic: " + j.get("deterministic") + "   verified: " + j.get("verified"));
        out.flush();
    }

    private static void speedRow(PrintWriter out, Map<String, Object> j, String what, String wallKey, String cpuKey) {
        out.printf("%-44s %14.0f %14.0f%n", what, (Double) j.get(wallKey), (Double) j.get(cpuKey));
    }
}
