package io.snapdelta.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.MemorySize;

/** What one {@code bench job} run measured: the human table and the JSON. */
final class JobBenchReport {
    static final double GOAL_CHANGES_PER_CORE = 150_000;
    static final double GOAL_P99_MS = 500;
    static final String CORES_COUNTED_AS = "process CPU time of this JVM while the measured (last) job run ran (Flink task threads, "
            + "RocksDB native threads, the embedded Kafka broker serving the job, GC and JIT) divided by that run's wall time";

    static final String STEADY_COUNTED_AS = "the measured run between the samples (every " + CpuMeter.SAMPLE_MILLIS
            + " ms) at which the shard operators had taken in from_fraction and to_fraction of the valid changes: process CPU "
            + "time meanwhile, without the job's submission, deployment, start-up and final checkpoint";
    static final String PHASES_COUNTED_AS = "the reported run in three parts, split at samples (every " + CpuMeter.SAMPLE_MILLIS
            + " ms) of the changes the shard operators had taken in: start_up from the submission to the last sample at which "
            + "none had (deployment, restore, the clients' start), changes from there to the first sample at which all had, "
            + "finish from there to the run's end (the last checkpoint with its state write-back, the transactions' commit, the "
            + "tasks' end); each part's process CPU time and wall time, exact to one sampling interval";
    static final String LATENCY_WARMUP_COUNTED_AS = "unmeasured latency runs before the measured one: until "
            + WarmupPolicy.SETTLED_RUNS + " runs in a row each compiled (latency_warmup_jit_compile_seconds: HotSpot's "
            + "compilation time, elapsed and summed over the compiler threads, while the input was produced) for at most "
            + "--latency-warmup-jit-share of that time (jit_settled), or --latency-warmup-runs (max_runs), or fewer once they took "
            + "--latency-warmup-seconds (time_budget); latency_jit_compile_seconds: the same for the measured run";
    static final String JIT_COUNTED_AS = "jit_compile_seconds: HotSpot's total compilation time (CompilationMXBean) during "
            + "the measured run, elapsed time summed over the compiler threads (not CPU time: jit_compiler in the thread groups is "
            + "that); jit_compile_seconds_per_run: the same for every run, the cold one first (job_seconds_per_run: their wall "
            + "times); jit_queued_at_submission: methods waiting in the C1 and C2 compile queues (Compiler.queue) when the "
            + "measured run was submitted, -1 if the JVM does not say. Queues near 0 at submission with seconds of compiling in "
            + "the run: the run's own submission pushes code warmed by the earlier runs over the compile thresholds (start-up "
            + "code, not the job's per-change path)";

    private final JobBenchInput input;
    private final int shards;
    /** The embedded TaskManager's managed memory (RocksDB's block cache and memtables), in bytes. */
    private final long managedMemoryBytes;
    /** The type of file system the Flink cluster's RocksDB files and checkpoints were on ({@code --flink-dir}), e.g. ext4. */
    private final String flinkFileSystem;
    private final ParseOnlyRate.Result parse;
    private final ThroughputPhase.Result throughput;
    private final LatencyPhase.Result latency;
    /** The unmeasured latency runs before the measured one, and why they stopped (null without a latency phase). */
    private final List<LatencyPhase.Result> latencyWarmups;
    private final WarmupPolicy.Stop latencyWarmupStop;
    private final double[] loadAverages;
    private final String inputCompression;

    /** @param loadAverages the machine's 1-minute load average at the start and at the end of the run */
    JobBenchReport(JobBenchInput input, String inputCompression, int shards, long managedMemoryBytes, String flinkFileSystem, ParseOnlyRate.Result parse, ThroughputPhase.Result throughput,
                   LatencyPhase.Result latency, List<LatencyPhase.Result> latencyWarmups, WarmupPolicy.Stop latencyWarmupStop,
                   double[] loadAverages) {
        this.loadAverages = loadAverages;
        this.latencyWarmups = List.copyOf(latencyWarmups);
        this.latencyWarmupStop = latencyWarmupStop;
        this.input = input;
        this.inputCompression = inputCompression;
        this.shards = shards;
        this.managedMemoryBytes = managedMemoryBytes;
        this.flinkFileSystem = flinkFileSystem;
        this.parse = parse;
        this.throughput = throughput;
        this.latency = latency;
    }

    private List<Long> latencyWarmupP99() {
        return latencyWarmups.stream().map(w -> w.latencies().appendToVisible().getValueAtPercentile(99)).toList();
    }

    /** Every way the job's counts disagree with the input (empty when the run is consistent). */
    List<String> problems() {
        List<String> p = new ArrayList<>();
        if (throughput.jobEventsIn() != input.size()) {
            p.add("the throughput job read " + throughput.jobEventsIn() + " records but " + input.size() + " were produced");
        }
        if (throughput.jobValid() != input.valid || throughput.jobDeadLetters() != input.deadLetters
                || throughput.jobTombstones() != input.tombstones) {
            p.add("the throughput job counted " + throughput.jobValid() + " valid / " + throughput.jobDeadLetters() + " dead letters / "
                    + throughput.jobTombstones() + " tombstones, the parser alone " + input.valid + " / " + input.deadLetters + " / "
                    + input.tombstones);
        }
        if (latency != null) {
            CommitLatencies.Result l = latency.latencies();
            if (l.sequenceGaps() > 0) {
                p.add("the latency job's committed batches have " + l.sequenceGaps() + " sequence gaps");
            }
            if (!l.rangesOrdered()) {
                p.add("the latency job's batch version ranges overlap within a shard, so changes cannot be mapped to batches "
                        + "(the input's versions do not grow in arrival order)");
            }
        }
        return p;
    }

    double ratio() {
        return throughput.changesPerCoreSecond() / parse.eventsPerCpuSecond();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", input.file.toString());
        m.put("format", input.format.id());
        m.put("events", input.size());
        m.put("bytes", input.bytes);
        m.put("input_compression", inputCompression);
        m.put("valid", input.valid);
        m.put("dead_letters", input.deadLetters);
        m.put("tombstones", input.tombstones);
        m.put("shards", shards);
        m.put("parallelism", throughput.parallelism());
        m.put("flink_managed_memory_bytes", managedMemoryBytes);
        m.put("flink_directory_file_system", flinkFileSystem);
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put("jvm", JvmSettings.inEffect());
        m.put("load_average_start", round3(loadAverages[0]));
        m.put("load_average_end", round3(loadAverages[1]));

        m.put("job_changes_per_s", round(throughput.changesPerCoreSecond()));
        m.put("parse_only_changes_per_s", round(parse.eventsPerCpuSecond()));
        m.put("cores", round3(throughput.cores()));
        m.put("cores_counted_as", CORES_COUNTED_AS);
        m.put("garbage_between_runs", "collected (System.gc()) before every job run, throughput and latency, outside its "
                + "measurement: earlier runs' dropped state is not the measured run's cost; its own garbage is");
        m.put("ratio_job_to_parse", round3(ratio()));
        m.put("job_changes_per_s_wall", round(throughput.produced() / throughput.jobSeconds()));
        m.put("job_seconds", round3(throughput.jobSeconds()));
        m.put("job_process_cpu_seconds", round3(throughput.processCpuSeconds()));
        m.put("job_task_thread_cpu_seconds", round3(throughput.taskThreadCpuSeconds()));
        m.put("job_changes_per_task_thread_cpu_s", round(throughput.produced() / throughput.taskThreadCpuSeconds()));
        ThroughputPhase.Run measured = throughput.measured();
        m.put("job_changes_per_s_without_broker", round(throughput.produced() / measured.cpuSecondsWithoutBroker()));
        m.put("job_cpu_seconds_by_thread_group", cpuGroups(measured.cpuSeconds()));
        m.put("shard_progress_max_sampled", measured.maxProgressSampled());
        m.put("jit_compile_seconds", round3(measured.jitCompileSeconds()));
        m.put("jit_compile_seconds_per_run", throughput.runs().stream().mapToDouble(r -> round3(r.jitCompileSeconds())).toArray());
        m.put("job_seconds_per_run", throughput.runs().stream().mapToDouble(r -> round3(r.jobSeconds())).toArray());
        m.put("jit_queued_at_submission", Map.of("c1", measured.jitAtSubmission().c1Queued(), "c2", measured.jitAtSubmission().c2Queued()));
        m.put("jit_counted_as", JIT_COUNTED_AS);
        CpuMeter.Window steady = measured.steady();
        if (steady != null) {
            m.put("job_changes_per_s_steady", round(steady.progress() / (steady.processCpuNanos() / 1e9)));
            m.put("job_changes_per_task_thread_cpu_s_steady",
                    round(steady.progress() / (steady.cpuNanosByGroup().get(CpuMeter.Group.FLINK_TASKS) / 1e9)));
            m.put("job_changes_per_s_wall_steady", round(steady.progress() / (steady.wallNanos() / 1e9)));
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("from_fraction", steady.fromFraction());
            w.put("to_fraction", steady.toFraction());
            w.put("changes", steady.progress());
            w.putAll(partJson(steady.part()));
            w.put("counted_as", STEADY_COUNTED_AS);
            m.put("steady", w);
        }
        CpuMeter.Phases phases = measured.phases();
        if (phases != null) {
            Map<String, Object> ph = new LinkedHashMap<>();
            ph.put("start_up", partJson(phases.startUp()));
            ph.put("changes", partJson(phases.changes()));
            ph.put("finish", partJson(phases.finish()));
            ph.put("counted_as", PHASES_COUNTED_AS);
            m.put("phases", ph);
        }
        ThroughputPhase.StateLookups lookups = measured.stateLookups();
        Map<String, Object> sl = new LinkedHashMap<>();
        sl.put("cache_hits", lookups.cacheHits());
        sl.put("reads", lookups.reads());
        sl.put("reads_skipped", lookups.readsSkipped());
        sl.put("cache_hit_rate", round3(lookups.cacheHitRate()));
        sl.put("counted_as", "the shard operators' key look-ups in the reported run: answered from the heap cache "
                + "(shard.state.cache-entries), by a RocksDB read, or as absent by the written-keys filter");
        m.put("state_lookups", sl);
        m.put("measured_runs", throughput.measuredRuns());
        m.put("job_changes_per_s_measured_runs", throughput.measuredRunsInOrder().stream()
                .mapToDouble(r -> round(throughput.produced() / r.processCpuSeconds())).toArray());
        m.put("measured_run_reported", throughput.measuredIndex() + 1);
        m.put("measured_runs_counted_as", "runs after the warm-up, up to --measured-runs (fewer once they took --measured-seconds); "
                + "the reported one (measured_run_reported, 1-based; the job_* figures without a suffix are that run's) has the "
                + "median process CPU of them, for an even count the higher of the middle two");
        m.put("warmup_runs", throughput.warmups());
        m.put("warmup_stopped_because", throughput.warmupStop().id);
        m.put("warmup_runs_counted_as", "runs before the measured ones: until " + WarmupPolicy.SETTLED_RUNS + " runs in a row each "
                + "compiled (jit_compile_seconds_per_run) for at most --warmup-jit-share of their wall time (jit_settled), or "
                + "--warmup-runs (max_runs), or fewer once the warm-up runs took --warmup-seconds (time_budget)");
        ThroughputPhase.Run cold = throughput.cold();
        m.put("job_changes_per_s_cold", round(throughput.produced() / cold.processCpuSeconds()));
        m.put("job_seconds_cold", round3(cold.jobSeconds()));
        m.put("job_changes_per_task_thread_cpu_s_cold", round(throughput.produced() / cold.taskThreadCpuSeconds()));
        m.put("job_cpu_seconds_by_thread_group_cold", cpuGroups(cold.cpuSeconds()));
        m.put("parse_only_cores", 1);
        m.put("parse_only_changes_per_s_wall", round(parse.eventsPerWallSecond()));
        m.put("parse_only_rounds_changes_per_s", java.util.Arrays.stream(parse.rounds()).map(Math::rint).toArray());
        m.put("parse_only_events", parse.events());
        m.put("parse_only_sample_every", parse.sampleStride());
        m.put("parse_only_counted_as", "records parsed per round: every record of the input (parse_only_sample_every 1), or for "
                + "an input whose values exceed the sample budget (an eighth of the heap, at most 1 GiB) every "
                + "parse_only_sample_every-th record of it, evenly spaced over the snapshot and the stream");
        m.put("job_events_in", throughput.jobEventsIn());
        m.put("job_events_valid", throughput.jobValid());
        m.put("job_dead_letters", throughput.jobDeadLetters());
        m.put("job_tombstones", throughput.jobTombstones());
        m.put("batches", throughput.batches());
        m.put("delta_bytes", throughput.deltaBytes());
        m.put("throughput_options", throughput.options());

        if (latency != null) {
            CommitLatencies.Result l = latency.latencies();
            m.put("rate", round(latency.rate()));
            m.put("achieved_rate", round(latency.achievedRate()));
            m.put("latency_events", latency.produced());
            m.put("latency_count", l.matched());
            m.put("latency_p50_ms", l.appendToVisible().getValueAtPercentile(50));
            m.put("latency_p99_ms", l.appendToVisible().getValueAtPercentile(99));
            m.put("latency_warmup_runs", latencyWarmups.size());
            m.put("latency_warmup_p99_ms", latencyWarmupP99());
            m.put("latency_warmup_jit_compile_seconds", latencyWarmups.stream().map(w -> round3(w.jitCompileSeconds())).toList());
            m.put("latency_warmup_stopped_because", latencyWarmupStop == null ? null : latencyWarmupStop.id);
            m.put("latency_jit_compile_seconds", round3(latency.jitCompileSeconds()));
            m.put("latency_warmup_counted_as", LATENCY_WARMUP_COUNTED_AS);
            m.put("latency_max_ms", l.appendToVisible().getMaxValue());
            m.put("latency_mean_ms", round3(l.appendToVisible().getMean()));
            m.put("latency_unique_version_count", l.uniqueVersionAppendToVisible().getTotalCount());
            m.put("latency_unique_version_p50_ms", l.uniqueVersionAppendToVisible().getValueAtPercentile(50));
            m.put("latency_unique_version_p99_ms", l.uniqueVersionAppendToVisible().getValueAtPercentile(99));
            m.put("latency_unique_version_max_ms", l.uniqueVersionAppendToVisible().getMaxValue());
            m.put("latency_phase_handled_changes_per_s", round(l.handledRate()));
            m.put("latency_from", "Kafka append time of the input record (input topic message.timestamp.type=LogAppendTime)");
            m.put("latency_to", "a read_committed consumer of the deltas topic polls the committed batch holding the change "
                    + "(fetch.max.wait.ms=" + DeltasTopicWatcher.FETCH_MAX_WAIT_MS + ")");
            m.put("append_to_sealed_p50_ms", l.appendToSealed().getValueAtPercentile(50));
            m.put("append_to_sealed_p99_ms", l.appendToSealed().getValueAtPercentile(99));
            m.put("sealed_to_visible_p50_ms", l.sealedToVisible().getValueAtPercentile(50));
            m.put("sealed_to_visible_p99_ms", l.sealedToVisible().getValueAtPercentile(99));
            m.put("latency_changes_not_in_a_batch", l.notInABatch());
            m.put("latency_changes_mapped_by_op_count", l.byOpCount());
            m.put("latency_negative_clamped", l.clampedNegative());
            m.put("latency_batches", l.batches());
            m.put("latency_delta_bytes", l.batchBytes());
            m.put("latency_sequence_gaps", l.sequenceGaps());
            m.put("checkpoint_interval_ms", latency.checkpointInterval().toMillis());
            m.put("batch_latency_budget_ms", latency.latencyBudget().toMillis());
            m.put("checkpoints", latency.checkpoints());
            m.put("checkpoint_mean_ms", latency.checkpointMeanMillis());
            m.put("checkpoint_max_ms", latency.checkpointMaxMillis());
            m.put("checkpoint_phases_ms", CheckpointPhases.toJson(latency.checkpointPhases()));
            m.put("checkpoint_phases_counted_as", "per completed checkpoint (" + latency.checkpointPhases().checkpoints()
                    + " in the history) the slowest subtask of each vertex; p50 / p99 / max over the checkpoints");
            m.put("max_producer_lag_ms", round3(latency.maxProducerLagMillis()));
            m.put("latency_phase_cpu_seconds", round3(latency.cpuSeconds()));
            m.put("latency_phase_cores", round3(latency.cores()));
            m.put("latency_phase_cpu_seconds_by_thread_group", cpuGroups(latency.cpuSecondsByGroup()));
            m.put("latency_phase_cpu_counted_as", "process CPU while the input is produced at the rate (producer, broker, job, "
                    + "watcher; the bench's sampler excluded)");
            m.put("latency_options", latency.options());
        }
        Map<String, Object> goals = new LinkedHashMap<>();
        goals.put("job_at_least_half_parse_only", ratio() >= 0.5);
        goals.put("job_at_least_150000_per_core", throughput.changesPerCoreSecond() >= GOAL_CHANGES_PER_CORE);
        if (latency != null && latency.latencies().matched() > 0) {
            goals.put("p99_under_500_ms", latency.latencies().appendToVisible().getValueAtPercentile(99) < GOAL_P99_MS);
        }
        m.put("goals_met", goals);
        m.put("consistent", problems().isEmpty());
        m.put("problems", problems());
        return m;
    }

    private static Map<String, Object> cpuGroups(Map<CpuMeter.Group, Double> seconds) {
        Map<String, Object> g = new LinkedHashMap<>();
        for (CpuMeter.Group group : CpuMeter.Group.values()) {
            g.put(group.jsonName, round3(seconds.get(group)));
        }
        return g;
    }

    private static Map<String, Object> partJson(CpuMeter.Part part) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round3(part.wallNanos() / 1e9));
        m.put("process_cpu_seconds", round3(part.processCpuNanos() / 1e9));
        m.put("cpu_seconds_by_thread_group", cpuGroups(secondsByGroup(part.cpuNanosByGroup())));
        return m;
    }

    private static Map<CpuMeter.Group, Double> secondsByGroup(Map<CpuMeter.Group, Long> nanosByGroup) {
        Map<CpuMeter.Group, Double> m = new java.util.EnumMap<>(CpuMeter.Group.class);
        nanosByGroup.forEach((g, nanos) -> m.put(g, nanos / 1e9));
        return m;
    }

    /** "group seconds, group seconds, ..." in group order. */
    private static String groupsLine(Map<CpuMeter.Group, Double> seconds) {
        StringBuilder line = new StringBuilder();
        for (CpuMeter.Group g : CpuMeter.Group.values()) {
            line.append(line.length() == 0 ? "" : ", ").append(g.jsonName).append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", seconds.get(g)));
        }
        return line.toString();
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
    }

    void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "bench job: %s (%s), %,d events (%,d valid, %,d dead letters, %,d tombstones), %,d bytes%n",
                input.file, input.format.id(), input.size(), input.valid, input.deadLetters, input.tombstones, input.bytes);
        out.printf(Locale.ROOT, "embedded stack: Kafka KRaft + Flink MiniCluster on RocksDB, exactly-once; S=%d shards, parallelism %d, "
                + "managed memory %s, RocksDB files and checkpoints on %s%n", shards, throughput.parallelism(),
                new MemorySize(managedMemoryBytes), flinkFileSystem);
        out.printf(Locale.ROOT, "machine: %d processors, 1-minute load average %.1f at start, %.1f at end%n",
                Runtime.getRuntime().availableProcessors(), loadAverages[0], loadAverages[1]);
        out.println();
        out.printf(Locale.ROOT, "Throughput (input produced first, then the job bounded over it; default options; the median of %d "
                        + "measured run(s) after %d warm-up run(s) in this JVM, warm-up stopped: %s)%n", throughput.measuredRuns(),
                throughput.warmups(), throughput.warmupStop().id);
        out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s per core%n", "job", throughput.changesPerCoreSecond());
        if (throughput.measuredRuns() > 1) {
            List<String> rates = new ArrayList<>();
            List<ThroughputPhase.Run> measuredRuns = throughput.measuredRunsInOrder();
            for (int i = 0; i < measuredRuns.size(); i++) {
                rates.add(String.format(Locale.ROOT, i == throughput.measuredIndex() ? "[%,.0f]" : "%,.0f",
                        throughput.produced() / measuredRuns.get(i).processCpuSeconds()));
            }
            out.printf(Locale.ROOT, "  %-44s %s changes/s per core (in the order they ran; [reported])%n", "  measured runs",
                    String.join(", ", rates));
        }
        out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s per core%s%n", "parse only (same parser, same bytes, 1 thread)",
                parse.eventsPerCpuSecond(), parse.sampleStride() == 1 ? ""
                        : String.format(Locale.ROOT, " (over every %d-th record: %,d)", parse.sampleStride(), parse.events()));
        out.printf(Locale.ROOT, "  %-44s %14.2f   (goal >= 0.5)%n", "ratio job / parse only", ratio());
        out.printf(Locale.ROOT, "  %-44s %14.2f   (%s)%n", "cores", throughput.cores(), "process CPU / job wall time");
        out.printf(Locale.ROOT, "  %-44s %14.2f s (submission to final checkpoint committed)%n", "job wall time", throughput.jobSeconds());
        out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s%n", "job, wall clock", throughput.produced() / throughput.jobSeconds());
        out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s per core (%.2f CPU s)%n", "job, counting Flink task threads only",
                throughput.produced() / throughput.taskThreadCpuSeconds(), throughput.taskThreadCpuSeconds());
        ThroughputPhase.Run measured = throughput.measured();
        out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s per core (%.2f CPU s)%n", "job, process CPU without the embedded broker",
                throughput.produced() / measured.cpuSecondsWithoutBroker(), measured.cpuSecondsWithoutBroker());
        out.printf(Locale.ROOT, "  %-44s %s%n", "CPU s by thread group", groupsLine(measured.cpuSeconds()));
        out.printf(Locale.ROOT, "  %-44s %14.2f s compiling over %.2f s (elapsed, all compiler threads); queued at submission: C1 %d, C2 %d%n",
                "JIT during the measured run", measured.jitCompileSeconds(), measured.jobSeconds(), measured.jitAtSubmission().c1Queued(),
                measured.jitAtSubmission().c2Queued());
        CpuMeter.Window steady = measured.steady();
        if (steady != null) {
            out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s per core (%,d changes in %.2f s wall, %.2f CPU s; task threads %,.0f per CPU s)%n",
                    String.format(Locale.ROOT, "job, steady part (%.0f%%-%.0f%% of the changes)", 100 * steady.fromFraction(),
                            100 * steady.toFraction()),
                    steady.progress() / (steady.processCpuNanos() / 1e9), steady.progress(), steady.wallNanos() / 1e9,
                    steady.processCpuNanos() / 1e9, steady.progress() / (steady.cpuNanosByGroup().get(CpuMeter.Group.FLINK_TASKS) / 1e9));
            out.printf(Locale.ROOT, "  %-44s %s%n", "  CPU s by thread group, steady part", groupsLine(secondsByGroup(steady.cpuNanosByGroup())));
        }
        CpuMeter.Phases phases = measured.phases();
        if (phases != null) {
            out.printf(Locale.ROOT, "  %-44s start-up %.2f (%.2f s wall), changes %.2f (%.2f s), finish %.2f (%.2f s)%n",
                    "  CPU s by phase of the run", phases.startUp().processCpuNanos() / 1e9, phases.startUp().wallNanos() / 1e9,
                    phases.changes().processCpuNanos() / 1e9, phases.changes().wallNanos() / 1e9,
                    phases.finish().processCpuNanos() / 1e9, phases.finish().wallNanos() / 1e9);
        }
        ThroughputPhase.Run cold = throughput.cold();
        out.printf(Locale.ROOT, "  %-44s %,14.0f changes/s per core (%.2f s wall, %.2f CPU s, task threads %,.0f changes/s per core)%n",
                "job, first (cold) run in this JVM", throughput.produced() / cold.processCpuSeconds(), cold.jobSeconds(),
                cold.processCpuSeconds(), throughput.produced() / cold.taskThreadCpuSeconds());
        ThroughputPhase.StateLookups lookups = measured.stateLookups();
        out.printf(Locale.ROOT, "  %-44s %,14d (heap cache %,d = %.1f%%, RocksDB reads %,d, absent by the written-keys filter %,d)%n",
                "shard state look-ups", lookups.total(), lookups.cacheHits(), 100 * lookups.cacheHitRate(), lookups.reads(),
                lookups.readsSkipped());
        out.printf(Locale.ROOT, "  %-44s %,14d batches, %,d bytes%n", "committed deltas", throughput.batches(), throughput.deltaBytes());
        if (latency != null) {
            CommitLatencies.Result l = latency.latencies();
            out.println();
            out.printf(Locale.ROOT, "Latency, Kafka append (LogAppendTime) -> committed batch seen by a read_committed consumer%n");
            List<Long> warmP99 = latencyWarmupP99();
            out.printf(Locale.ROOT, "  measured after %d unmeasured latency run(s) of the same input (warm-up stopped: %s; their p99: %s ms; "
                            + "their compile time: %s s); the measured run compiled for %.2f s of its %.2f s%n",
                    warmP99.size(), latencyWarmupStop == null ? "-" : latencyWarmupStop.id, warmP99.isEmpty() ? "-" : warmP99.toString(),
                    latencyWarmups.isEmpty() ? "-" : latencyWarmups.stream().map(w -> String.format(Locale.ROOT, "%.2f", w.jitCompileSeconds())).toList(),
                    latency.jitCompileSeconds(), latency.wallSeconds());
            out.printf(Locale.ROOT, "  rate %,.0f/s (achieved %,.0f/s), checkpoint interval %d ms, batch.latency-budget %d ms, %,d changes%n",
                    latency.rate(), latency.achievedRate(), latency.checkpointInterval().toMillis(),
                    latency.latencyBudget().toMillis(), l.matched());
            out.printf(Locale.ROOT, "  %-28s %8s %8s %8s %8s%n", "ms", "p50", "p99", "p99.9", "max");
            row(out, "append -> visible (total)", l.appendToVisible());
            row(out, "  changes of unique versions", l.uniqueVersionAppendToVisible());
            row(out, "append -> sealed", l.appendToSealed());
            row(out, "sealed -> visible (commit)", l.sealedToVisible());
            out.printf(Locale.ROOT, "  checkpoints %d, mean %d ms, max %d ms; %,d batches; %,d changes in no batch; %,d of shared versions mapped by op count%n",
                    latency.checkpoints(), latency.checkpointMeanMillis(), latency.checkpointMaxMillis(), l.batches(),
                    l.notInABatch(), l.byOpCount());
            out.printf(Locale.ROOT, "  checkpoint phases, ms, p50/p99/max over %d checkpoints of each vertex's slowest subtask:%n",
                    latency.checkpointPhases().checkpoints());
            latency.checkpointPhases().byVertex().forEach((vertex, q) -> out.printf(Locale.ROOT, "    %-40.40s %s%n", vertex,
                    CheckpointPhases.describe(q)));
            out.printf(Locale.ROOT, "  the job handled %,.0f changes/s (first append to last batch seen)%s%n", l.handledRate(),
                    l.handledRate() < 0.9 * latency.achievedRate() ? ": it did NOT keep up with the rate, so queueing dominates" : "");
            out.printf(Locale.ROOT, "  process CPU while producing %.2f s over %.2f s wall = %.2f cores of %d; CPU s by thread group: %s%n",
                    latency.cpuSeconds(), latency.wallSeconds(), latency.cores(), Runtime.getRuntime().availableProcessors(),
                    groupsLine(latency.cpuSecondsByGroup()));
        }
        List<String> problems = problems();
        problems.forEach(p -> out.println("INCONSISTENT: " + p));
        out.flush();
    }

    private static void row(PrintWriter out, String name, Histogram h) {
        out.printf(Locale.ROOT, "  %-28s %8d %8d %8d %8d%n", name, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    private static long round(double v) {
        return Math.round(v);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
