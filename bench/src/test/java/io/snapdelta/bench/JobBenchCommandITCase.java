package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapdelta.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench job end to end on the embedded stack, over a slice of the real capture (the tail of the snapshot
 * and the first streamed transactions) plus one malformed record, at a low rate: the report's counts match
 * the input and every latency field is there. No speed is asserted.
 */
class JobBenchCommandITCase {
    private static final int FIRST_LINE = 99_000;
    private static final int LINES = 3_000;

    @TempDir
    Path dir;

    @Test
    void measuresThroughputAndLatencyWithCountsMatchingTheInput() throws Exception {
        List<byte[]> lines = SharedData.lines(SharedData.pgbenchSmallEvents()).subList(FIRST_LINE, FIRST_LINE + LINES);
        Path input = dir.resolve("slice.jsonl");
        try (var out = Files.newOutputStream(input)) {
            for (int i = 0; i < lines.size(); i++) {
                out.write(lines.get(i));
                out.write('\n');
                if (i == LINES / 2) {
                    out.write("{\"key\":{\"aid\":1},\"value\":{\"op\":".getBytes(StandardCharsets.UTF_8)); // truncated JSON
                    out.write('\n');
                }
            }
        }
        Path json = dir.resolve("out/job.json");
        int code = BenchMain.execute("job", "--input", input.toString(), "--json", json.toString(), "--rate", "2000",
                "--parse-rounds", "1", "--warmup-runs", "3", "--warmup-seconds", "0", "--measured-runs", "3", "--latency-warmup-runs", "2",
                "--latency-warmup-jit-share", "0", "--timeout", "3min",
                // The input topics store the records compressed: the job's consumers decompress every batch.
                "--input-compression", "lz4",
                // The Flink cluster's files (RocksDB, checkpoints) apart from the stack's, removed at the end.
                "--flink-dir", dir.resolve("flink").toString());
        assertEquals(0, code);
        try (var left = Files.list(dir.resolve("flink"))) {
            assertEquals(List.of(), left.toList(), "the Flink directory under --flink-dir is removed at the end");
        }

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        int events = LINES + 1;
        assertEquals(events, r.get("events").asLong());
        assertEquals(LINES, r.get("valid").asLong());
        assertEquals(1, r.get("dead_letters").asLong());
        assertEquals("lz4", r.get("input_compression").asText());
        assertEquals(Files.getFileStore(dir).type(), r.get("flink_directory_file_system").asText());
        assertEquals(1, r.get("parallelism").asInt(), "the default --slots 1");
        assertEquals(events, r.get("job_events_in").asLong());
        assertEquals(LINES, r.get("job_events_valid").asLong());
        assertEquals(1, r.get("job_dead_letters").asLong());
        assertEquals(events, r.get("parse_only_events").asLong(), "a small input is parsed whole");
        assertEquals(1, r.get("parse_only_sample_every").asLong());
        assertTrue(r.get("consistent").asBoolean(), r.get("problems").toString());
        for (String positive : List.of("job_changes_per_s", "job_changes_per_s_cold", "job_changes_per_s_without_broker",
                "parse_only_changes_per_s", "cores", "ratio_job_to_parse",
                "job_seconds", "batches", "delta_bytes", "latency_count", "checkpoints", "latency_batches")) {
            assertTrue(r.get(positive).isNumber() && r.get(positive).asDouble() > 0, positive + " = " + r.get(positive));
        }
        for (String nonNegative : List.of("latency_p50_ms", "latency_p99_ms", "latency_max_ms", "latency_unique_version_p99_ms", "append_to_sealed_p99_ms",
                "sealed_to_visible_p99_ms")) {
            assertTrue(r.get(nonNegative).isNumber() && r.get(nonNegative).asLong() >= 0, nonNegative + " = " + r.get(nonNegative));
        }
        assertTrue(r.get("latency_p50_ms").asLong() <= r.get("latency_p99_ms").asLong());
        assertTrue(r.get("latency_p99_ms").asLong() <= r.get("latency_max_ms").asLong());
        assertEquals(2000, r.get("rate").asDouble());
        assertEquals(events, r.get("latency_events").asLong());
        // Every valid change is either timed against the batch that carries it or travelled in no batch.
        assertEquals(LINES, r.get("latency_count").asLong() + r.get("latency_changes_not_in_a_batch").asLong());
        assertEquals(0, r.get("latency_sequence_gaps").asLong());
        assertEquals(200, r.get("checkpoint_interval_ms").asLong());
        assertTrue(r.get("cores_counted_as").asText().contains("process CPU time"));
        assertTrue(r.get("garbage_between_runs").asText().contains("before every job run"));
        // Up to 3 warm-up runs, but a warm-up budget of 0 s ends warming up after the first one.
        assertEquals(1, r.get("warmup_runs").asInt());
        assertEquals("time_budget", r.get("warmup_stopped_because").asText()); // --warmup-seconds 0 ends it after the cold run
        // Two unmeasured latency runs (a share of 0 never settles: exactly --latency-warmup-runs), reported beside the measured one.
        assertEquals(2, r.get("latency_warmup_runs").asInt());
        assertEquals("max_runs", r.get("latency_warmup_stopped_because").asText());
        assertEquals(2, r.get("latency_warmup_p99_ms").size());
        for (JsonNode p99 : r.get("latency_warmup_p99_ms")) {
            assertTrue(p99.asLong() >= 0);
        }
        assertEquals(2, r.get("latency_warmup_jit_compile_seconds").size());
        assertTrue(r.get("latency_jit_compile_seconds").isNumber(), r.toString());
        r.get("latency_warmup_jit_compile_seconds").forEach(s -> assertTrue(s.isNumber(), s.toString()));
        double groups = 0;
        for (JsonNode g : r.get("job_cpu_seconds_by_thread_group")) {
            groups += g.asDouble();
        }
        // The groups split the process CPU time: "other" is the remainder, so they add up to at least the total
        // (each rounded to a millisecond); threads are read again just after the total, so a little above it.
        double process = r.get("job_process_cpu_seconds").asDouble();
        assertTrue(groups >= process - 0.01 && groups <= process * 1.05 + 0.05, groups + " vs process " + process);
        assertTrue(r.get("job_cpu_seconds_by_thread_group").get("flink_task_threads").asDouble() > 0);
        assertTrue(r.get("goals_met").has("p99_under_500_ms"));
        // The progress reporter samples the shard operators' counters while the measured run runs; a run this short
        // may have no steady part and no phases, so only their wiring is checked here (CpuMeterWindowTest checks
        // both): when the samples show the phases, the three parts add up to the run's process CPU time.
        if (r.has("phases")) {
            JsonNode parts = r.get("phases");
            double sum = 0;
            for (String part : List.of("start_up", "changes", "finish")) {
                assertTrue(parts.get(part).get("process_cpu_seconds").asDouble() >= 0, parts.toString());
                sum += parts.get(part).get("process_cpu_seconds").asDouble();
            }
            assertEquals(process, sum, 0.005, parts.toString());
        }
        // Every vertex's checkpoint phases are there, the shard operator's among them, ack the longest phase.
        JsonNode phases = r.get("checkpoint_phases_ms");
        assertTrue(phases.size() >= 2, phases.toString());
        phases.fields().forEachRemaining(v -> {
            for (String phase : CheckpointPhases.PHASES) {
                JsonNode q = v.getValue().get(phase);
                assertTrue(q.get("p50").asLong() >= 0 && q.get("p50").asLong() <= q.get("p99").asLong()
                        && q.get("p99").asLong() <= q.get("max").asLong(), v.getKey() + " " + phase + " " + q);
            }
            assertTrue(v.getValue().get("ack").get("max").asLong() >= v.getValue().get("sync").get("max").asLong(), v.toString());
        });
        // The latency phase's CPU is split the same way, and the job's task threads ran in it.
        double latencyGroups = 0;
        for (JsonNode g : r.get("latency_phase_cpu_seconds_by_thread_group")) {
            latencyGroups += g.asDouble();
        }
        double latencyCpu = r.get("latency_phase_cpu_seconds").asDouble();
        assertTrue(latencyCpu > 0 && latencyGroups >= latencyCpu - 0.01 && latencyGroups <= latencyCpu * 1.05 + 0.05,
                latencyGroups + " vs latency phase process CPU " + latencyCpu);
        assertTrue(r.get("latency_phase_cpu_seconds_by_thread_group").get("flink_task_threads").asDouble() > 0);
        assertTrue(r.get("latency_phase_cores").asDouble() > 0);
        long progress = r.get("shard_progress_max_sampled").asLong();
        assertTrue(progress > 0 && progress <= LINES, "shard_progress_max_sampled = " + progress);
        // A JIT compiles something during every run of a fresh JVM, and the queues of a HotSpot JVM are readable.
        assertTrue(r.get("jit_compile_seconds").asDouble() > 0, "jit_compile_seconds = " + r.get("jit_compile_seconds"));
        // Three measured runs after the warm-up (well within --measured-seconds); the reported one has the median
        // process CPU, so its rate is the median of the three.
        assertEquals(3, r.get("measured_runs").asInt());
        assertEquals(3, r.get("job_changes_per_s_measured_runs").size());
        double[] rates = new double[3];
        for (int i = 0; i < 3; i++) {
            rates[i] = r.get("job_changes_per_s_measured_runs").get(i).asDouble();
        }
        int reported = r.get("measured_run_reported").asInt();
        assertTrue(reported >= 1 && reported <= 3, "measured_run_reported = " + reported);
        assertEquals(rates[reported - 1], r.get("job_changes_per_s").asDouble(), 1.0);
        java.util.Arrays.sort(rates);
        assertEquals(rates[1], r.get("job_changes_per_s").asDouble(), 1.0);
        JsonNode lookups = r.get("state_lookups");
        long lookupCount = lookups.get("cache_hits").asLong() + lookups.get("reads").asLong() + lookups.get("reads_skipped").asLong();
        assertTrue(lookupCount > 0 && lookups.get("reads_skipped").asLong() > 0, lookups.toString());
        double hitRate = lookups.get("cache_hit_rate").asDouble();
        assertEquals((double) lookups.get("cache_hits").asLong() / lookupCount, hitRate, 1e-3);
        int runs = r.get("warmup_runs").asInt() + 3;
        assertEquals(runs, r.get("jit_compile_seconds_per_run").size());
        assertEquals(runs, r.get("job_seconds_per_run").size());
        assertEquals(r.get("job_seconds").asDouble(),
                r.get("job_seconds_per_run").get(r.get("warmup_runs").asInt() + reported - 1).asDouble(), 1e-3);
        assertTrue(r.get("jit_queued_at_submission").get("c2").asInt() >= 0, r.get("jit_queued_at_submission").toString());
    }
}
