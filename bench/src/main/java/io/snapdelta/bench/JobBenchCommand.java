package io.snapdelta.bench;

import io.snapdelta.config.ConfigException;
import io.snapdelta.config.ConfigLoader;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.OptionType;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.job.Parsers;
import io.snapdelta.localstack.LocalFlink;
import io.snapdelta.localstack.LocalStack;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench job}: throughput and latency of the snapdelta job on the embedded stack (Kafka KRaft, Flink
 * MiniCluster on RocksDB, exactly-once), in one run and one process, beside the rate at which the same
 * process merely parses the same events. See {@link ThroughputPhase}, {@link LatencyPhase} and
 * {@link JobBenchReport} for what is measured and how cores are counted. Goals are reported, never enforced.
 * Exit codes: 0 ok, 1 failure (including counts that disagree), 2 usage.
 */
@Command(name = "job", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Throughput and latency of the snapdelta job on the embedded stack (Kafka, Flink MiniCluster on RocksDB, exactly-once).",
            "Throughput: the whole input is produced into Kafka first, then the job runs bounded over it, after unmeasured "
                    + "warm-up runs until the JIT has settled (--warmup-jit-share, at most --warmup-runs or --warmup-seconds), "
                    + "like the parse-only rate's warm-up round, then up to --measured-runs measured runs, the median one "
                    + "reported; changes per second per core (cores = process CPU "
                    + "time / job wall time, also split by thread group) beside the parse-only rate of the same parser over the "
                    + "same bytes on one thread. The first (cold) run is reported too.",
            "Latency: the job runs unbounded with a fast checkpoint interval while the input is produced at --rate; per "
                    + "change, Kafka append time (LogAppendTime) to the moment a read_committed consumer sees the committed "
                    + "batch that holds it (HdrHistogram p50/p99/max)."},
        footer = {"", "Any other --key value pair is a job option (docs/options.md) for both phases; the bench fixes the "
                + "topics, group id, transactional id prefix, bounded-ness and starting offsets.",
            "Exit codes: 0 ok, 1 failure, 2 usage."})
public final class JobBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(JobBenchCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", description = "Change events, one per line: .jsonl or .jsonl.zst. This or --generate-pgbench.")
    Path input;

    @Option(names = "--generate-pgbench", paramLabel = GeneratedCapture.Spec.FORMAT,
            description = "Instead of --input: a generated pgbench-shaped Debezium JSON capture (ACCOUNTS snapshot rows, one "
                    + "branch, ACCOUNTS/100 tellers, then 4 events per transaction; SKEW: Zipf exponent of the accounts "
                    + "updated, default 0 = uniform; DELETES: share of transactions followed by a delete of an earlier history "
                    + "row and its tombstone, default 0), written to a temporary file and deleted at the end; e.g. 100000:500000 "
                    + "gives 2,101,001 events, long enough that JIT warm-up no longer dominates (also: bench generate).")
    String generatePgbench;

    @Option(names = "--format", defaultValue = "debezium-json", paramLabel = "FORMAT",
            description = "debezium-json, snapdelta-json or snapdelta-avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--rate", defaultValue = "20000", paramLabel = "R",
            description = "Events per second the latency phase produces at (default: ${DEFAULT-VALUE}).")
    double rate;

    // The issue's baseline ships Debezium JSON through Kafka with zstd, and CDC producers are often configured to
    // compress; the job then fetches fewer bytes and decompresses them in its consumers. Uncompressed stays the default:
    // the most bytes through the broker and the clients, the figure comparable with every earlier session's.
    static final List<String> INPUT_COMPRESSIONS = List.of("uncompressed", "lz4", "zstd", "snappy", "gzip");

    @Option(names = "--input-compression", defaultValue = "uncompressed", paramLabel = "CODEC",
            description = "How the input topics store the records (their compression.type, as if the upstream producer "
                    + "compressed): uncompressed, lz4, zstd, snappy or gzip; the job's consumers decompress (default: "
                    + "${DEFAULT-VALUE}).")
    String inputCompression;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the results as JSON to this file.")
    Path jsonOut;

    @Option(names = "--latency-events", defaultValue = "0", paramLabel = "N",
            description = "Produce only the first N records in the latency phase; 0: all (default: ${DEFAULT-VALUE}).")
    int latencyEvents;

    @Option(names = "--latency-checkpoint-interval", defaultValue = "200ms", paramLabel = "DURATION",
            description = "Checkpoint interval of the latency phase's job; exactly-once output is visible when a checkpoint "
                    + "commits (default: ${DEFAULT-VALUE}).")
    String latencyCheckpointInterval;

    @Option(names = "--no-latency", description = "Skip the latency phase.")
    boolean noLatency;

    // The throughput warm-up runs compile the job; they do not compile what only the latency phase runs: the paced
    // producer, the broker taking small produce requests and a transaction commit every 200 ms checkpoint, the
    // read_committed watcher. Measured without this (session 7): the JIT took 5.5 of the 16 CPU s of the measured
    // latency input, and p99 read 382-521 ms in four runs of one build. A fixed count was not enough either: after 2-3
    // warm-up runs (and 8 throughput runs) the measured run's compilation time was 3.5-4.7 s of its ~9 s (session 17,
    // -Xlog:jit+compilation: C2 still compiled 196, 168, 154 methods in three consecutive runs, nearly all first
    // compilations of the broker's, the clients' and Flink's code); after 12 it was 0.27 s. So the latency warm-up, like
    // the throughput one, goes on until the JIT has settled (WarmupPolicy), up to a count and a time budget. Each run
    // produces pgbench-small for ~9 s at 20,000/s and then waits ~10 s for its commits.
    @Option(names = "--latency-warmup-runs", defaultValue = "12", paramLabel = "N",
            description = "Unmeasured latency runs (same input and rate, topics of their own) before the measured one, at most; "
                    + "their p99 and compile time are reported beside (default: ${DEFAULT-VALUE}; 0: measure the first).")
    int latencyWarmupRuns;

    @Option(names = "--latency-warmup-jit-share", defaultValue = "0.1", paramLabel = "F",
            description = "Stop the latency warm-up once " + WarmupPolicy.SETTLED_RUNS + " latency runs in a row each compiled "
                    + "for at most this share of the time the input was produced (default: ${DEFAULT-VALUE}; 0: always run "
                    + "--latency-warmup-runs, up to --latency-warmup-seconds).")
    double latencyWarmupJitShare;

    @Option(names = "--latency-warmup-seconds", defaultValue = "300", paramLabel = "S",
            description = "Stop the latency warm-up once its runs have taken this many seconds (default: ${DEFAULT-VALUE}).")
    int latencyWarmupSeconds;

    @Option(names = "--parse-rounds", defaultValue = "3", paramLabel = "N",
            description = "Measured rounds of the parse-only rate, after one warm-up round; the median counts (default: ${DEFAULT-VALUE}).")
    int parseRounds;

    // Up to 200 runs or 240 s, stopping once the JIT has settled (WarmupPolicy): on 2 cores the one C2 compiler thread
    // keeps compiling the broker's, the clients' and Flink's code for minutes; after 8 runs the measured run still
    // spent 2.1-2.2 of its 5.5-6.0 CPU s compiling, after 30 0.43 of 3.6 (NOTES.md, session 15). On pgbench-small
    // (~1.2-2 s a run) the former cap of 40 runs ended most default warm-ups before the JIT criterion held, and the
    // measured runs still compiled lukewarm code for 0.19-0.36 CPU s; after 69-120 warm-ups 0.07-0.31, and the
    // reported rate read higher in 5 of 6 alternating pairs (docs/benchmark-log.md "Session 29").
    @Option(names = "--warmup-runs", defaultValue = "200", paramLabel = "N",
            description = "Runs of the throughput job over the same input before the measured ones, in the same JVM, at most; the "
                    + "latency phase runs after them, so they warm it up too (default: ${DEFAULT-VALUE}; the first, cold run is "
                    + "reported beside).")
    int warmupRuns;

    // One measured run of pgbench-small is ~1.5 s, and on the shared 2-core bench machine four single runs of one build
    // after the warm-up read 89,570-112,188 changes/s per core within 10 minutes, mostly as the JIT compiled lukewarm
    // start-up code for 0.26-0.60 CPU s of the run (docs/benchmark-log.md "Session 26"): the median of a few is the figure.
    @Option(names = "--measured-runs", defaultValue = "5", paramLabel = "N",
            description = "Measured runs of the throughput job after the warm-up, at most (see --measured-seconds); the run with "
                    + "the median process CPU is the reported one, and every measured run's rate is in the JSON "
                    + "(job_changes_per_s_measured_runs; default: ${DEFAULT-VALUE}).")
    int measuredRuns;

    @Option(names = "--measured-seconds", defaultValue = "60", paramLabel = "S",
            description = "Stop measuring more runs once the measured runs have taken this many seconds (a long capture's one "
                    + "run is measurement enough; default: ${DEFAULT-VALUE}).")
    int measuredSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "240", paramLabel = "S",
            description = "Stop warming up once the warm-up runs have taken this many seconds, even before --warmup-runs (a "
                    + "long capture's first run is warm-up enough; default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    // Compile time per run is bursty: 0.2 held by chance for two runs in a row as early as the 30th warm-up of
    // pgbench-small, 0.1 first at the 73rd of the same 120 runs, 0.05 at the 119th (docs/benchmark-log.md "Session 29").
    @Option(names = "--warmup-jit-share", defaultValue = "0.05", paramLabel = "F",
            description = "Stop warming up once " + WarmupPolicy.SETTLED_RUNS + " runs in a row each spent at most this share "
                    + "of their wall time in JIT compilation (HotSpot's compilation time, summed over the compiler threads): the "
                    + "JIT has settled, as in a job that has run for minutes (default: ${DEFAULT-VALUE}; 0: always run "
                    + "--warmup-runs, up to --warmup-seconds).")
    double warmupJitShare;

    /** Why one slot by default, and where two read higher: README "bench job", docs/benchmark-log.md "Session 32", "Session 33". */
    @Option(names = "--slots", defaultValue = "1", paramLabel = "N",
            description = "Task slots of the embedded Flink TaskManager = the job's default parallelism (default: ${DEFAULT-VALUE}: "
                    + "the input topic has one partition, so a second source subtask would idle; 2 runs two shard "
                    + "operators on the 2-core machine, which read higher on a 2M-account capture in 3 of 3 pairs, "
                    + "though within the host's drift: README).")
    int slots;

    @Option(names = "--managed-memory", defaultValue = LocalFlink.DEFAULT_MANAGED_MEMORY, paramLabel = "SIZE",
            description = "Managed memory of the embedded Flink TaskManager, shared by its slots: RocksDB's block cache and "
                    + "memtables (default: ${DEFAULT-VALUE}).")
    String managedMemory;
    /** {@link #managedMemory} as the MiniCluster setting, once checked. */
    private Map<String, String> managedMemoryOverride = Map.of();

    @Option(names = "--flink-dir", paramLabel = "DIR", description = LocalFlink.FLINK_DIR_HELP)
    String flinkDir;
    /** {@link #flinkDir}, once checked (null: inside the stack's own directory). */
    private java.nio.file.Path flinkParentDir;

    @Option(names = "--deltas-partitions", defaultValue = "4", paramLabel = "P",
            description = "Partitions of the deltas topics (default: ${DEFAULT-VALUE}).")
    int deltasPartitions;

    @Option(names = "--timeout", defaultValue = "20min", paramLabel = "DURATION",
            description = "Give up on a phase after this long (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        InputFormat fmt = parseFormat();
        GeneratedCapture.Spec generate = null;
        if ((input == null) == (generatePgbench == null)) {
            throw usage("give exactly one of --input FILE and --generate-pgbench " + GeneratedCapture.Spec.FORMAT);
        }
        if (generatePgbench != null) {
            if (fmt != InputFormat.DEBEZIUM_JSON) {
                throw usage("--generate-pgbench writes debezium-json; --format " + fmt.id() + " does not apply");
            }
            try {
                generate = GeneratedCapture.Spec.parse(generatePgbench);
            } catch (IllegalArgumentException e) {
                throw usage("--generate-pgbench: " + e.getMessage());
            }
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw usage("--rate must be a positive number of events per second, got " + rate);
        }
        if (latencyEvents < 0 || latencyWarmupRuns < 0 || latencyWarmupSeconds < 0 || warmupRuns < 0 || warmupSeconds < 0
                || !(warmupJitShare >= 0 && warmupJitShare <= 1) || !(latencyWarmupJitShare >= 0 && latencyWarmupJitShare <= 1)
                || parseRounds < 1 || slots < 1 || deltasPartitions < 1 || measuredRuns < 1 || measuredSeconds < 0) {
            throw usage("--latency-events, --latency-warmup-runs, --latency-warmup-seconds, --warmup-runs, --warmup-seconds and "
                    + "--measured-seconds must be >= 0, --warmup-jit-share and --latency-warmup-jit-share within [0, 1], --parse-rounds, "
                    + "--measured-runs, --slots and --deltas-partitions >= 1");
        }
        try {
            managedMemoryOverride = LocalFlink.managedMemoryOverride(managedMemory);
        } catch (IllegalArgumentException e) {
            throw usage("--managed-memory: " + e.getMessage());
        }
        if (flinkDir != null) {
            try {
                flinkParentDir = LocalFlink.parentDirectory(flinkDir);
            } catch (IllegalArgumentException e) {
                throw usage("--flink-dir: " + e.getMessage());
            }
        }
        if (!INPUT_COMPRESSIONS.contains(inputCompression)) {
            throw usage("--input-compression must be one of " + String.join(", ", INPUT_COMPRESSIONS) + ", got " + inputCompression);
        }
        Duration phaseTimeout = duration("--timeout", timeout);
        Duration checkpointInterval = duration("--latency-checkpoint-interval", latencyCheckpointInterval);
        Configuration user;
        try {
            user = ConfigLoader.forRegistry().load(null, overrides.stream().filter(a -> !a.equals("--")).toList());
        } catch (ConfigException e) {
            throw usage(e.getMessage());
        }
        Path generated = null;
        if (generate != null) {
            LOG.info("Generating a pgbench-shaped capture of {} events", generate.events());
            generated = GeneratedCapture.write(generate, Path.of(System.getProperty("java.io.tmpdir")));
            input = generated;
        }
        try {
            return run(fmt, user, phaseTimeout, checkpointInterval);
        } finally {
            if (generated != null) {
                Files.deleteIfExists(generated);
            }
        }
    }

    private int run(InputFormat fmt, Configuration user, Duration phaseTimeout, Duration checkpointInterval) throws Exception {
        if (!Files.isReadable(input)) {
            spec.commandLine().getErr().println("bench job: input file " + input + " does not exist or is not readable");
            return 1;
        }
        int shards = user.get(ShardOptions.SHARDS);

        LOG.info("Reading and parsing {} once", input);
        Parsers parsers = Parsers.from(user);
        ParseSample sample = new ParseSample(ParseSample.defaultBudgetBytes());
        JobBenchInput events = JobBenchInput.read(input, fmt, parsers.create(fmt), shards, user.get(ShardOptions.HASH_VERSION),
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), sample);
        if (events.size() == 0) {
            spec.commandLine().getErr().println("bench job: " + input + " has no records");
            return 1;
        }
        LOG.info("Parse-only rate: {} rounds over {} of {} records (every {})", parseRounds, sample.values().size(), events.size(),
                sample.stride());
        ParseOnlyRate.Result parse = ParseOnlyRate.measure(sample.values(), sample.stride(), parsers.create(fmt), parseRounds);
        // From here on only the latency phase's producer reads the values (the throughput phase produces from the
        // file), from the mapped copy: the sample is dropped, and no value sits in the old generation beside the job.
        sample = null;

        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        ThroughputPhase.Result throughput;
        LatencyPhase.Result latency = null;
        List<LatencyPhase.Result> latencyWarmups = new java.util.ArrayList<>();
        WarmupPolicy.Stop latencyWarmupStop = null;
        long managedMemoryBytes;
        String flinkFileSystem;
        try (LocalStack stack = LocalStack.start(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), flinkParentDir, slots,
                     Map.of(), clusterConfiguration());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
            String bootstrap = stack.kafka().bootstrapServers();
            managedMemoryBytes = stack.flink().managedMemory().getBytes();
            flinkFileSystem = LocalFlink.fileSystemType(stack.flink().rocksDbDirectory());
            Map<String, String> inputTopic = Map.of("compression.type", inputCompression);
            throughput = ThroughputPhase.run(stack, admin, events, inputTopic, user, fmt,
                    new WarmupPolicy(warmupRuns, Duration.ofSeconds(warmupSeconds), warmupJitShare),
                    new ThroughputPhase.Measurement(measuredRuns, Duration.ofSeconds(measuredSeconds)), deltasPartitions, phaseTimeout);
            if (!noLatency) {
                JobBenchInput head = latencyEvents > 0 ? events.head(latencyEvents) : events;
                WarmupPolicy policy = new WarmupPolicy(latencyWarmupRuns, Duration.ofSeconds(latencyWarmupSeconds), latencyWarmupJitShare);
                long warmupStart = System.nanoTime();
                while ((latencyWarmupStop = policy.stopAfter(latencyWarmups, Duration.ofNanos(System.nanoTime() - warmupStart))) == null) {
                    int i = latencyWarmups.size() + 1;
                    LOG.info("Latency warm-up run {} (at most {})", i, latencyWarmupRuns);
                    LatencyPhase.Result warm = LatencyPhase.run(stack, admin, head, inputTopic,
                            BenchJobSetup.of("latency-warmup-" + i, user, bootstrap, fmt, false, checkpointInterval), deltasPartitions,
                            rate, phaseTimeout);
                    LOG.info("Latency warm-up run {}: p99 {} ms, {} s compiling over {} s of input", i,
                            warm.latencies().appendToVisible().getValueAtPercentile(99), String.format("%.2f", warm.jitCompileSeconds()),
                            String.format("%.2f", warm.wallSeconds()));
                    latencyWarmups.add(warm);
                }
                LOG.info("Latency phase: measured after {} warm-up run(s), warm-up stopped: {}", latencyWarmups.size(), latencyWarmupStop.id);
                latency = LatencyPhase.run(stack, admin, head, inputTopic,
                        BenchJobSetup.of("latency", user, bootstrap, fmt, false, checkpointInterval), deltasPartitions, rate,
                        phaseTimeout);
            }
        }
        double loadAtEnd = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        JobBenchReport report = new JobBenchReport(events, inputCompression, shards, managedMemoryBytes, flinkFileSystem, parse, throughput, latency,
                latencyWarmups, latencyWarmupStop,
                new double[] {loadAtStart, loadAtEnd});
        PrintWriter out = spec.commandLine().getOut();
        report.printTable(out);
        if (jsonOut != null) {
            report.writeJson(jsonOut);
            out.println("JSON written to " + jsonOut);
            out.flush();
        }
        return report.problems().isEmpty() ? 0 : 1;
    }

    private InputFormat parseFormat() {
        try {
            return InputFormat.fromId(format);
        } catch (IllegalArgumentException e) {
            throw usage("--format: " + e.getMessage());
        }
    }

    private Duration duration(String option, String text) {
        Duration d;
        try {
            d = OptionType.DURATION.parser().apply(text.trim());
        } catch (RuntimeException e) {
            throw usage(option + ": '" + text + "' is not a duration (" + e.getMessage() + ")");
        }
        if (d.isNegative() || d.isZero()) {
            throw usage(option + " must be positive");
        }
        return d;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Cluster-level settings of the bench's MiniCluster: the progress reporter, the whole checkpoint history. */
    private Map<String, String> clusterConfiguration() {
        Map<String, String> c = new java.util.HashMap<>(ShardProgressReporter.clusterConfiguration());
        c.putAll(managedMemoryOverride);
        c.putAll(CheckpointPhases.CLUSTER_CONFIGURATION);
        return c;
    }
}
