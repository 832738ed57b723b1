package io.snapdelta.job;

import io.snapdelta.config.ConfigLoader;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.localstack.InputLines;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardingVersion;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A manual A/B benchmark of the job's shard operator alone: {@link ShardDeltaOperator} in Flink's
 * {@link KeyedOneInputStreamOperatorTestHarness} on RocksDB ({@link EmbeddedRocksDBStateBackend}, configured by
 * {@link SnapdeltaJob#flinkConfiguration}), one subtask holding every shard, driven by one thread over a capture's
 * parsed and sharded events in file order. It resolves shard-path changes of a few percent that
 * {@code bin/snapdelta bench job} (Kafka, parsing, sinks, a MiniCluster, the JIT of all of them) cannot.
 *
 * <p>Each round runs one pass per setting, A and B, alternating which one goes first; a pass opens the operator
 * on empty state, feeds the whole capture and every {@code --checkpoint-every} events advances processing time by
 * one second and takes a checkpoint (prepareSnapshotPreBarrier, snapshot, notify of completion). A setting is a
 * list of job option overrides ({@code key=value[,key=value]}) read by the job's own {@link ConfigLoader}, so
 * any option the shard operator or its state backend reads can be compared. Per pass it prints the driving
 * thread's CPU (processing plus the pre-barrier flush; the snapshot separately) and the whole process's CPU
 * (which also counts GC, JIT and RocksDB's background threads, so a change that moves cost there, e.g. a larger
 * {@code shard.state.cache-entries}, is not flattered); at the end, medians and quartiles of B/A over the
 * measured rounds.
 *
 * <p>NOT a regular test: its name matches none of surefire's patterns. How to run it: docs/benchmark-log.md,
 * "Shard operator harness".
 */
public final class ShardOperatorBench {
    private ShardOperatorBench() {
    }

    static final String USAGE = "usage: ShardOperatorBench --input FILE.jsonl[.zst] --a KEY=VALUE[,KEY=VALUE...] "
            + "--b KEY=VALUE[,KEY=VALUE...] [--rounds 16] [--warmup 4] [--checkpoint-every 60000] "
            + "[--format debezium-json] [--rocksdb-memory-mb 128]";

    /** The command line. {@code a} and {@code b} are the two settings' overrides as given. */
    record Args(Path input, InputFormat format, int rounds, int warmup, int checkpointEvery, String a, String b,
                long rocksDbMemoryMb) {
    }

    static Args parseArgs(String... args) {
        Path input = null;
        InputFormat format = InputFormat.DEBEZIUM_JSON;
        int rounds = 16;
        int warmup = 4;
        int every = 60_000;
        String a = null;
        String b = null;
        long memoryMb = 128;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (name) {
                case "--input" -> input = Path.of(value);
                case "--format" -> format = Arrays.stream(InputFormat.values()).filter(f -> f.id().equals(value)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown --format " + value));
                case "--rounds" -> rounds = positive(name, value);
                case "--warmup" -> warmup = positive(name, value);
                case "--checkpoint-every" -> every = positive(name, value);
                case "--a" -> a = value;
                case "--b" -> b = value;
                case "--rocksdb-memory-mb" -> memoryMb = positive(name, value);
                default -> throw new IllegalArgumentException("unknown argument " + name + "; " + USAGE);
            }
        }
        if (input == null || a == null || b == null) {
            throw new IllegalArgumentException("--input, --a and --b are required; " + USAGE);
        }
        return new Args(input, format, rounds, warmup, every, a, b, memoryMb);
    }

    private static int positive(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not " + value);
        }
        if (n < 0 || (n == 0 && !name.equals("--warmup"))) {
            throw new IllegalArgumentException(name + " must be " + (name.equals("--warmup") ? ">= 0" : "> 0") + ", not " + value);
        }
        return n;
    }

    /**
     * The job configuration of one setting: {@code key=value[,key=value]} overrides on the defaults, through the
     * job's own {@link ConfigLoader} (unknown keys and bad values are errors). An empty string is the defaults.
     */
    static Configuration setting(String overrides) {
        List<String> args = new ArrayList<>();
        for (String kv : overrides.split(",")) {
            if (!kv.isBlank()) {
                if (!kv.contains("=")) {
                    throw new IllegalArgumentException("setting '" + kv + "' is not key=value");
                }
                args.add("--" + kv.strip());
            }
        }
        Configuration config = ConfigLoader.forRegistry().load(null, args);
        SnapdeltaJob.shardSettings(config); // validates the shard operator's options now, not in the first pass
        return config;
    }

    /** CPU nanoseconds of one pass. */
    record PassCpu(long operatorNs, long snapshotNs, long processNs) {
    }

    public static void main(String[] argv) throws Exception {
        // The operator logs every sealed batch and codec switch at INFO (jobs' test log4j2 config): common to both
        // settings, but noise in the output and in the measured thread. Warnings and errors still show.
        Configurator.setAllLevels("io.snapdelta", Level.WARN);
        Args args;
        Configuration a;
        Configuration b;
        try {
            args = parseArgs(argv);
            a = setting(args.a());
            b = setting(args.b());
        } catch (IllegalArgumentException e) { // a usage error or a bad option (a ConfigException): the message says which
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<ChangeEvent> events = read(args);
        // Each setting shards with its own shard.count and shard.hash-version; with the same ones both passes feed
        // the very same objects, so an A/A run compares like with like down to the heap layout.
        List<ShardedChangeEvent> eventsA = sharded(events, a);
        boolean sameSharding = a.get(ShardOptions.SHARDS).equals(b.get(ShardOptions.SHARDS))
                && a.get(ShardOptions.HASH_VERSION) == b.get(ShardOptions.HASH_VERSION);
        List<ShardedChangeEvent> eventsB = sameSharding ? eventsA : sharded(events, b);
        System.out.printf(Locale.ROOT, "%d events from %s; A = [%s], B = [%s]; checkpoint every %d events; %d warm-up + %d rounds%n",
                events.size(), args.input(), args.a(), args.b(), args.checkpointEvery(), args.warmup(), args.rounds());

        List<Double> op = new ArrayList<>();
        List<Double> opWithSnapshot = new ArrayList<>();
        List<Double> process = new ArrayList<>();
        for (int round = 0; round < args.warmup() + args.rounds(); round++) {
            boolean aFirst = round % 2 == 0;
            PassCpu ra;
            PassCpu rb;
            if (aFirst) {
                ra = pass(eventsA, a, args);
                rb = pass(eventsB, b, args);
            } else {
                rb = pass(eventsB, b, args);
                ra = pass(eventsA, a, args);
            }
            double rOp = (double) rb.operatorNs() / ra.operatorNs();
            double rProcess = (double) rb.processNs() / ra.processNs();
            System.out.printf(Locale.ROOT, "round %2d%s %s first | A op %.1f snap %.1f process %.1f ms | B op %.1f snap %.1f process %.1f ms"
                            + " | B/A op %.4f process %.4f%n", round, round < args.warmup() ? " (warm-up)" : "          ", aFirst ? "A" : "B",
                    ra.operatorNs() / 1e6, ra.snapshotNs() / 1e6, ra.processNs() / 1e6,
                    rb.operatorNs() / 1e6, rb.snapshotNs() / 1e6, rb.processNs() / 1e6, rOp, rProcess);
            if (round >= args.warmup()) {
                op.add(rOp);
                opWithSnapshot.add((double) (rb.operatorNs() + rb.snapshotNs()) / (ra.operatorNs() + ra.snapshotNs()));
                process.add(rProcess);
            }
        }
        System.out.println(summary("B/A operator thread CPU (process + pre-barrier flush)", op));
        System.out.println(summary("B/A operator thread CPU incl. snapshot", opWithSnapshot));
        System.out.println(summary("B/A process CPU (all threads: GC, JIT, RocksDB)", process));
    }

    /** The capture's changes in file order, parsed like the job does (a line the parser rejects is skipped, counted). */
    static List<ChangeEvent> read(Args args) throws Exception {
        ChangeEventParser parser = Parsers.from(new Configuration()).create(args.format());
        List<ChangeEvent> events = new ArrayList<>();
        long rejected = 0;
        try (InputLines lines = InputLines.open(args.input())) {
            for (byte[] line; (line = lines.next()) != null; ) {
                if (line.length == 0) {
                    continue;
                }
                try {
                    ChangeEvent e = parser.parse(null, line);
                    if (e != null) { // null: a record that carries no change by design (e.g. a tombstone)
                        events.add(e);
                    }
                } catch (Exception e) {
                    rejected++;
                }
            }
        }
        if (rejected > 0) {
            System.out.printf(Locale.ROOT, "%d lines rejected by the parser (skipped)%n", rejected);
        }
        return events;
    }

    static List<ShardedChangeEvent> sharded(List<ChangeEvent> events, Configuration config) {
        ShardAssigner assigner = new ShardAssigner(config.get(ShardOptions.SHARDS), config.get(ShardOptions.HASH_VERSION));
        List<ShardedChangeEvent> out = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            out.add(new ShardedChangeEvent(assigner.shardOf(e.table(), e.key()), e));
        }
        return out;
    }

    /** One pass over the capture from empty state with one setting. */
    static PassCpu pass(List<ShardedChangeEvent> events, Configuration config, Args args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int shards = config.get(ShardOptions.SHARDS);
        ShardingVersion sharding = config.get(ShardOptions.HASH_VERSION);
        long process0 = os.getProcessCpuTime();

        // Like the job: keyed by shard, max parallelism from the shard count, one subtask (index 0) of 1.
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new ShardDeltaOperator(SnapdeltaJob.shardSettings(config)),
                new ShardKeySelector(shards, sharding), BasicTypeInfo.INT_TYPE_INFO, SnapdeltaJob.maxParallelism(shards), 1, 0);
        org.apache.flink.configuration.Configuration flink = SnapdeltaJob.flinkConfiguration(config);
        // The harness's mock environment has only a few MB of managed memory: give RocksDB a fixed budget instead.
        flink.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.ofMebiBytes(args.rocksDbMemoryMb()));
        harness.setStateBackend(new EmbeddedRocksDBStateBackend(true).configure(flink, ShardOperatorBench.class.getClassLoader()));
        harness.setCheckpointStorage(new JobManagerCheckpointStorage(512 << 20));
        harness.setup();
        harness.open();

        long operatorNs = 0;
        long snapshotNs = 0;
        long checkpoint = 0;
        long time = 0;
        harness.setProcessingTime(time);
        for (int i = 0; i < events.size(); ) {
            int end = Math.min(events.size(), i + args.checkpointEvery());
            long t0 = threads.getCurrentThreadCpuTime();
            for (; i < end; i++) {
                harness.processElement(new StreamRecord<>(events.get(i)));
            }
            time += 1000;
            harness.setProcessingTime(time);
            harness.prepareSnapshotPreBarrier(++checkpoint);
            long t1 = threads.getCurrentThreadCpuTime();
            harness.snapshot(checkpoint, time);
            harness.notifyOfCompletedCheckpoint(checkpoint);
            long t2 = threads.getCurrentThreadCpuTime();
            operatorNs += t1 - t0;
            snapshotNs += t2 - t1;
            harness.getOutput().clear(); // the sealed batches: not kept, so the heap does not grow with the pass
        }
        harness.close();
        long processNs = os.getProcessCpuTime() - process0;
        // Outside the measured window: start the next pass on a collected heap, so neither setting pays for the
        // other's garbage (the young collections during a pass, which a larger live set makes dearer, are counted).
        System.gc();
        return new PassCpu(operatorNs, snapshotNs, processNs);
    }

    /** "WHAT: n=N median M q1 Q1 q3 Q3 min X max Y" of the ratios. */
    static String summary(String what, List<Double> ratios) {
        double[] x = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (x.length == 0) {
            return what + ": n=0";
        }
        return String.format(Locale.ROOT, "%s: n=%d median %.4f q1 %.4f q3 %.4f min %.4f max %.4f", what, x.length,
                quantile(x, 0.5), quantile(x, 0.25), quantile(x, 0.75), x[0], x[x.length - 1]);
    }

    /** Quantile {@code p} of sorted {@code x}, interpolating linearly between order statistics (R type 7). */
    static double quantile(double[] x, double p) {
        double i = p * (x.length - 1);
        int lo = (int) Math.floor(i);
        int hi = (int) Math.ceil(i);
        return x[lo] + (x[hi] - x[lo]) * (i - lo);
    }
}
