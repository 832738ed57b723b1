package io.snapdelta.local;

import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.ConfigException;
import io.snapdelta.config.ConfigLoader;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaOptions;
import io.snapdelta.config.JobOptions;
import io.snapdelta.config.KafkaOptions;
import io.snapdelta.config.OptionType;
import io.snapdelta.config.S3Options;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.job.IngestMetrics;
import io.snapdelta.job.Parsers;
import io.snapdelta.job.ShardFinalAccumulator;
import io.snapdelta.job.SnapdeltaJob;
import io.snapdelta.localstack.InputProducer;
import io.snapdelta.localstack.LocalFlink;
import io.snapdelta.localstack.LocalStack;
import io.snapdelta.replica.ShardFinal;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code bin/snapdelta local}: starts the embedded stack (Kafka, S3, Flink MiniCluster on RocksDB), puts
 * an input into a Kafka topic, runs the snapdelta job on it bounded at the topic's end, and reports what
 * happened to every record. Exit codes: 0 ok, 1 failure (including a summary whose witnesses disagree),
 * 2 usage.
 */
@Command(name = "snapdelta local", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Starts the embedded Kafka broker, S3 server and Flink MiniCluster (RocksDB, exactly-once checkpoints) on "
                    + "127.0.0.1, produces an input into Kafka, runs the snapdelta job until the input is drained and "
                    + "the final checkpoint has committed, then replays every shard of the deltas topic (read_committed) "
                    + "into an empty state, checking every checksum, sequence and the digest chain, compares each shard's "
                    + "final digest with the job's, and prints a summary: events in, valid, dead letters by reason, batches, "
                    + "delta bytes, drops, digests.",
            "Without --input it runs a built-in workload: a synthetic pgbench-like Debezium JSON capture with a few "
                    + "deliberately malformed records, so the dead-letter path is visible."},
        footer = {"",
            "Any other --key value pair is a job option (see docs/options.md) and wins over --config; the embedded "
                    + "stack fixes kafka.bootstrap-servers, kafka.input-topics, kafka.input-format (use --format), "
                    + "job.input.bounded and job.input.starting-offsets.",
            "snapdelta-avro input files hold one record per line as the standard base64 of its Avro bytes "
                    + "(schemas/local-input-files.md).",
            "Exit codes: 0 ok, 1 failure, 2 usage."})
public final class LocalMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMain.class);

    /** The topic the input is produced into (one partition, so the job sees the file's order). */
    static final String INPUT_TOPIC = "snapdelta.local.input";
    static final int BUILT_IN_ACCOUNTS = 1000;
    static final int BUILT_IN_TRANSACTIONS = 500;

    @Option(names = "--input", paramLabel = "FILE", description = "Change events, one per line: .jsonl or .jsonl.zst.")
    Path input;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "debezium-json",
            description = "Format of the input lines: debezium-json, snapdelta-json or snapdelta-avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path summaryJson;

    @Option(names = "--export-dir", paramLabel = "DIR", description = "Write the replayed state there, one <table>.csv per "
            + "table, as PostgreSQL's COPY (SELECT * FROM t ORDER BY <key>) TO ... WITH (FORMAT csv, HEADER true) writes it.")
    Path exportDir;

    @Option(names = "--config", paramLabel = "FILE", description = "Job configuration file (see docs/options.md).")
    Path config;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
            description = "Task slots of the embedded Flink TaskManager, and the job's default parallelism (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--managed-memory", paramLabel = "SIZE", defaultValue = LocalFlink.DEFAULT_MANAGED_MEMORY,
            description = "Managed memory of the embedded Flink TaskManager, shared by its slots: RocksDB's block cache and "
                    + "memtables, which hold the shard state's hot blocks (default: ${DEFAULT-VALUE}).")
    String managedMemory;

    @Option(names = "--flink-dir", paramLabel = "DIR", description = LocalFlink.FLINK_DIR_HELP)
    String flinkDir;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "none",
            description = "Give up if the job has not finished after this long in all; none: no limit, the job may take as "
                    + "long as it makes progress (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "10min",
            description = "Give up if the job has not finished and its tasks have reported no newly parsed record for this "
                    + "long: a stalled job, whatever the input's size (default: ${DEFAULT-VALUE}).")
    String stallTimeout;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new LocalMain());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException || e instanceof ConfigException) {
                commandLine.getErr().println("snapdelta local: " + e.getMessage());
                commandLine.getErr().println("Try 'bin/snapdelta local --help'.");
                return 2;
            }
            LOG.error("snapdelta local failed", e);
            commandLine.getErr().println("snapdelta local failed: " + e);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        InputFormat inputFormat = parseFormat(format);
        Duration jobTimeout = "none".equals(timeout.trim()) ? null : parseTimeout("--timeout", timeout);
        Duration jobStallTimeout = parseTimeout("--stall-timeout", stallTimeout);
        if (input != null && !Files.isReadable(input)) {
            throw new UsageException("input file " + input + " does not exist or is not readable");
        }
        if (input == null && inputFormat != InputFormat.DEBEZIUM_JSON) {
            throw new UsageException("the built-in workload is Debezium JSON; --format " + format + " needs --input FILE");
        }
        if (slots < 1) {
            throw new UsageException("--slots must be at least 1");
        }
        Map<String, String> flinkOverrides;
        try {
            flinkOverrides = LocalFlink.managedMemoryOverride(managedMemory);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--managed-memory: " + e.getMessage());
        }
        Path flinkParentDir = null;
        if (flinkDir != null) {
            try {
                flinkParentDir = LocalFlink.parentDirectory(flinkDir);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--flink-dir: " + e.getMessage());
            }
        }
        Configuration user = ConfigLoader.forRegistry().load(config, withoutEndOfOptions(overrides));

        long started = System.nanoTime();
        // Says why the job's threads are about to fail noisily; LocalStack's own hook does the clean-up.
        Thread interrupted = new Thread(() -> LOG.info("Interrupted: stopping the job and the local stack; no summary"),
                "snapdelta-local-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try (LocalStack stack = LocalStack.start(Path.of(System.getProperty("java.io.tmpdir")), flinkParentDir, slots, Map.of(), flinkOverrides)) {
            String bootstrap = stack.kafka().bootstrapServers();
            Configuration jobConfig = withLocalS3(jobConfiguration(user, bootstrap, inputFormat), user, stack);
            String dlqTopic = jobConfig.get(KafkaOptions.DEAD_LETTER_TOPIC);
            stack.kafka().createTopic(INPUT_TOPIC, 1);
            stack.kafka().createTopic(dlqTopic, 1);
            int shards = jobConfig.get(ShardOptions.SHARDS);
            String deltasTopic = jobConfig.get(DeltaOptions.TOPIC);
            stack.kafka().createTopic(deltasTopic, deltaPartitions(shards));
            stack.s3().createBucket(LOCAL_BUCKET);
            String eventsTopic = jobConfig.get(JobOptions.VALID_EVENTS_TOPIC);
            if (!eventsTopic.isEmpty()) {
                stack.kafka().createTopic(eventsTopic, 1);
            }

            String inputName;
            long eventsIn;
            if (input != null) {
                inputName = input.toString();
                eventsIn = InputProducer.produce(input, inputFormat, INPUT_TOPIC, bootstrap);
            } else {
                PgbenchDebeziumWorkload workload = new PgbenchDebeziumWorkload(BUILT_IN_ACCOUNTS, BUILT_IN_TRANSACTIONS, 1);
                List<byte[]> lines = workload.linesWithMalformed();
                inputName = "built-in workload (synthetic pgbench: " + workload.eventCount() + " Debezium JSON events and "
                        + workload.malformedLines().size() + " malformed records)";
                eventsIn = produceLines(lines, bootstrap);
            }

            long jobStarted = System.nanoTime();
            JobExecutionResult result = runJob(stack, jobConfig, eventsIn, jobTimeout, jobStallTimeout);
            double jobSeconds = (System.nanoTime() - jobStarted) / 1e9;

            DeadLetterTally tally = DeadLetterTally.read(bootstrap, dlqTopic, Duration.ofMinutes(2));
            DeltaSummary deltas;
            DictionaryStore dictionaries = io.snapdelta.replica.ReplicaDictionaries.forConfiguration(jobConfig);
            try {
                deltas = DeltaCheck.run(bootstrap, deltasTopic, shards, DeltaFormatOptions.fromConfiguration(jobConfig),
                        dictionaries, jobFinals(result), jobCounts(result), exportDir, Duration.ofMinutes(2));
            } finally {
                if (dictionaries instanceof AutoCloseable c) {
                    c.close();
                }
            }
            RunSummary summary = new RunSummary(inputName, inputFormat.id(), eventsIn,
                    accumulator(result, IngestMetrics.ACC_EVENTS_IN), accumulator(result, IngestMetrics.ACC_EVENTS_VALID),
                    accumulator(result, IngestMetrics.ACC_DEAD_LETTERS), accumulator(result, IngestMetrics.ACC_TOMBSTONES),
                    tally.total(), tally.byClass(), jobSeconds, deltas);
            spec.commandLine().getOut().print(summary.toText());
            spec.commandLine().getOut().flush();
            if (summaryJson != null) {
                summary.writeJson(summaryJson);
                LOG.info("Summary written to {}", summaryJson.toAbsolutePath());
            }
            LOG.info("Done in {} s (job {} s)", String.format("%.1f", (System.nanoTime() - started) / 1e9), String.format("%.1f", jobSeconds));
            return summary.problems().isEmpty() ? 0 : 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the hook runs or has run, which is what we want.
            }
        }
    }

    /** The bucket of the embedded S3 server where the local job publishes its dictionaries. */
    static final String LOCAL_BUCKET = "snapdelta-local";

    /** Partitions of the deltas topic: shard mod P (schemas/deltas-topic-v1.md); a few suffice locally. */
    static int deltaPartitions(int shards) {
        return Math.min(shards, 4);
    }

    /**
     * Points the job's S3 client at the embedded S3 server and, unless the user chose a location, publishes
     * dictionaries to {@code s3://snapdelta-local/local/dictionaries/}, where the verifier fetches them.
     */
    static Configuration withLocalS3(Configuration jobConfig, Configuration user, LocalStack stack) {
        Map<String, String> values = new LinkedHashMap<>(jobConfig.toMap());
        if (!user.toMap().containsKey(S3Options.ENDPOINT.key())) {
            values.put(S3Options.ENDPOINT.key(), stack.s3().endpoint().toString());
            values.put(S3Options.REGION.key(), io.snapdelta.localstack.EmbeddedS3Server.REGION.id());
            values.put(S3Options.ACCESS_KEY.key(), stack.s3().accessKey());
            values.put(S3Options.SECRET_KEY.key(), stack.s3().secretKey().value());
            values.put(S3Options.PATH_STYLE.key(), "true");
        }
        values.putIfAbsent(DeltaOptions.DICTIONARY_LOCATION.key(), "s3://" + LOCAL_BUCKET + "/local");
        if (values.get(DeltaOptions.DICTIONARY_LOCATION.key()).isEmpty()) {
            values.remove(DeltaOptions.DICTIONARY_LOCATION.key());
        }
        return Configuration.fromMap(values);
    }

    /** The job's final digest per shard ({@value ShardFinalAccumulator#NAME}). */
    static Map<Integer, ShardFinal> jobFinals(JobExecutionResult result) {
        Object v = result.getAccumulatorResult(ShardFinalAccumulator.NAME);
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalStateException("the job reported no accumulator " + ShardFinalAccumulator.NAME + " (got " + v + ")");
        }
        return ShardFinal.parseAccumulator(m);
    }

    /** The job's drop, no-op and coalescing counts, by their summary names. */
    static Map<String, Long> jobCounts(JobExecutionResult result) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String name : DeltaSummary.JOB_COUNTS) {
            m.put(name, accumulator(result, name));
        }
        return m;
    }

    /**
     * The job's configuration: local defaults, then the user's file and overrides, then what the embedded
     * stack dictates (the broker address, our input topic and format, a bounded run from the beginning).
     */
    static Configuration jobConfiguration(Configuration user, String bootstrap, InputFormat format) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(JobOptions.JOB_NAME.key(), "snapdelta-local");
        // Short checkpoints: the summary can only be read once the final checkpoint has committed.
        values.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500ms");
        // Well below the embedded broker's transaction.max.timeout.ms (15 min), well above the interval.
        values.put(KafkaOptions.TRANSACTION_TIMEOUT.key(), "2min");
        // A bounded, throughput-oriented run: no batch waits on the clock, so batches fill to batch.max-changes
        // and their boundaries follow the input alone (docs/determinism.md). The end of input seals the rest.
        values.put(DeltaOptions.BATCH_LATENCY_BUDGET.key(), "1d");
        values.putAll(user.toMap());
        Map<String, String> fixed = Map.of(
                KafkaOptions.BOOTSTRAP_SERVERS.key(), bootstrap,
                KafkaOptions.INPUT_TOPICS.key(), INPUT_TOPIC,
                KafkaOptions.INPUT_FORMAT.key(), format.id(),
                JobOptions.INPUT_TOPIC_FORMATS.key(), "",
                JobOptions.INPUT_BOUNDED.key(), "true",
                JobOptions.INPUT_STARTING_OFFSETS.key(), "earliest");
        fixed.forEach((key, value) -> {
            if (user.toMap().containsKey(key) && !user.toMap().get(key).equals(value)) {
                LOG.warn("Ignoring {} from the configuration: the local stack sets it to {}", key, value);
            }
            values.put(key, value);
        });
        return Configuration.fromMap(values);
    }

    /**
     * Waits for the bounded job to finish. It is cancelled after {@code timeout} in all ({@code null}: never), or once its
     * tasks have reported no newly parsed record for {@code stallTimeout}: a large input takes as long as it needs.
     */
    private static JobExecutionResult runJob(LocalStack stack, Configuration jobConfig, long expected, Duration timeout,
                                             Duration stallTimeout) throws Exception {
        StreamExecutionEnvironment env = stack.flink().environment(SnapdeltaJob.flinkConfiguration(jobConfig));
        SnapdeltaJob.define(env, jobConfig, Parsers.from(jobConfig));
        JobClient job = env.executeAsync(jobConfig.get(JobOptions.JOB_NAME));
        LOG.info("Job {} submitted; it stops by itself once the {} input records are drained and the final checkpoint commits",
                job.getJobID(), expected);
        CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
        long start = System.nanoTime();
        StallWatch stall = new StallWatch(stallTimeout, start);
        while (true) {
            try {
                return done.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException stillRunning) {
                long now = System.nanoTime();
                if (timeout != null && now - start > timeout.toNanos()) {
                    job.cancel();
                    throw new IllegalStateException("the job did not finish within --timeout " + timeout + "; cancelled");
                }
                if (stall.stalled(logProgress(job, expected), now)) {
                    job.cancel();
                    throw new IllegalStateException("the job made no progress for --stall-timeout " + stallTimeout + " (its tasks "
                            + "last reported " + stall.lastParsed() + " of " + expected + " records parsed); cancelled");
                }
            }
        }
    }

    /** Logs and returns the records the tasks last reported parsed; -1 while they report none. */
    private static long logProgress(JobClient job, long expected) {
        try {
            Map<String, Object> acc = job.getAccumulators().get(5, TimeUnit.SECONDS);
            Object in = acc.get(IngestMetrics.ACC_EVENTS_IN);
            LOG.info("Job running: {} of {} records parsed as last reported by the tasks ({} valid, {} dead letters)", in == null ? 0 : in, expected,
                    acc.getOrDefault(IngestMetrics.ACC_EVENTS_VALID, 0), acc.getOrDefault(IngestMetrics.ACC_DEAD_LETTERS, 0));
            return in instanceof Long l ? l : -1;
        } catch (Exception e) {
            LOG.info("Job running (progress not available yet: {})", e.toString());
            return -1;
        }
    }

    private static long produceLines(List<byte[]> lines, String bootstrap) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 20),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] line : lines) {
                producer.send(new ProducerRecord<>(INPUT_TOPIC, null, null, line));
            }
            producer.flush();
        }
        LOG.info("Produced the built-in workload ({} records) into {}", lines.size(), INPUT_TOPIC);
        return lines.size();
    }

    private static long accumulator(JobExecutionResult result, String name) {
        Object v = result.getAccumulatorResult(name);
        if (!(v instanceof Long l)) {
            throw new IllegalStateException("the job reported no accumulator " + name + " (got " + v + ")");
        }
        return l;
    }

    private static InputFormat parseFormat(String id) {
        try {
            return InputFormat.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--format: " + e.getMessage());
        }
    }

    private static Duration parseTimeout(String option, String text) {
        try {
            Duration d = OptionType.DURATION.parser().apply(text.trim());
            if (d.isNegative() || d.isZero()) {
                throw new UsageException(option + " must be positive, got '" + text + "'");
            }
            return d;
        } catch (RuntimeException e) {
            if (e instanceof UsageException u) {
                throw u;
            }
            throw new UsageException(option + ": '" + text + "' is not a duration (" + e.getMessage() + ")");
        }
    }

    /** picocli leaves a literal "--" among unmatched arguments; it only ends options. */
    private static List<String> withoutEndOfOptions(List<String> args) {
        return args.stream().filter(a -> !a.equals("--")).toList();
    }

    /** A usage error: exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
