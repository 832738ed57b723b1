package io.snapdelta.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * CPU time this JVM spends while the job runs:
 * <ul>
 *   <li>process CPU time ({@code OperatingSystemMXBean.getProcessCpuTime}): every thread of the process,
 *       Java and native (RocksDB's flush and compaction threads, GC, JIT) and the embedded Kafka broker
 *       serving the job. The benchmark's {@code cores} is this divided by wall time;</li>
 *   <li>the same time split by who spent it ({@link Group}): Java threads by name ({@link ThreadMXBean}),
 *       native threads (JIT compilers, GC workers, RocksDB background threads) by their Linux thread name in
 *       {@code /proc/self/task} (absent elsewhere: then those groups read 0 and their time is in
 *       {@link Group#OTHER}). Sampled every {@value #SAMPLE_MILLIS} ms because a finished thread is gone
 *       before it can be read: up to one interval per thread that ends during the run is missed, so each
 *       group is a lower bound and {@link Group#OTHER} (the process total minus the rest) an upper bound.</li>
 * </ul>
 * The meter's own sampling thread is not the job's: its CPU time (reading a few hundred threads' times every
 * interval, ~3% of a core when it was counted) is left out of the process total and of every group, and
 * reported apart ({@link #meterCpuNanos()}). With a progress counter ({@link #start(LongSupplier)}) every sample
 * also notes the counter, the process CPU time and the groups' times so far, so that {@link #window} can
 * measure the steady middle of a run apart from its start-up and its end. A sample reads {@code /proc} only for the
 * threads already known to be native groups' ({@link #nativeStat}); the directory {@code /proc/self/task} (several
 * hundred threads in the bench: the broker's, Flink's, Kafka clients') is listed for new ones every
 * {@value #RECHECK_SAMPLES} samples (and a thread is named again then, since a new thread may name itself after its
 * first listing). A native thread found late is still counted from its start (its first reading has no start
 * value, so all its time counts); only one that starts and ends between two listings is missed. Listing the
 * directory on every sample made the meter's loop hot enough for C2 to compile it (a 1 s compile with the
 * listing inlined) during the measured run, which the JIT group counted as the job's time.
 */
final class CpuMeter implements AutoCloseable {
    static final long SAMPLE_MILLIS = 50;
    static final int RECHECK_SAMPLES = 20;

    /** Who spent CPU time. */
    enum Group {
        /**
         * Flink task threads (names ending in {@code (i/n)#attempt}): the job's operators. Before this split the
         * source fetcher threads, which carry the same suffix, were counted here too.
         */
        FLINK_TASKS("flink_task_threads"),
        /** The Kafka clients of the job: source fetchers, sink producers' network threads, admin clients. */
        KAFKA_CLIENTS("kafka_clients"),
        /** The embedded Kafka broker (and its KRaft controller) serving the job; not part of the job. */
        KAFKA_BROKER("embedded_kafka_broker"),
        /** HotSpot's JIT compiler threads. */
        JIT("jit_compiler"),
        /** Garbage collector threads. */
        GC("gc"),
        /** RocksDB's native flush and compaction threads. */
        ROCKSDB("rocksdb_background"),
        /** Everything else: Flink's runtime (RPC, checkpoint coordination, timers), the VM, and what sampling missed. */
        OTHER("other");

        final String jsonName;

        Group(String jsonName) {
            this.jsonName = jsonName;
        }
    }

    private static final Pattern FLINK_TASK_THREAD = Pattern.compile(".*\\(\\d+/\\d+\\)#\\d+$");
    private static final Pattern KAFKA_CLIENT_THREAD = Pattern.compile(
            "^(kafka-producer-network-thread|kafka-admin-client-thread|Source Data Fetcher|kafka-coordinator-heartbeat-thread).*");
    /** Thread names of the in-process Kafka 4.x broker and KRaft controller (see LocalStack's KafkaServer). */
    private static final Pattern KAFKA_BROKER_THREAD = Pattern.compile("^(data-plane-kafka-|kafka-\\d+-|kafka-scheduler-|kafka-log-cleaner"
            + "|quorum-controller-|broker-\\d+-|controller-\\d+-|TxnMarkerSenderThread|AddPartitionsToTxnSenderThread|ExpirationReaper-"
            + "|executor-|group-coordinator|share-coordinator|share-group-lock|transaction-log-manager|LogDirFailureHandler"
            + "|raft-expiration-reaper|client-metrics-reaper|network-partition-metadata-client-reaper|persister-state-manager-reaper"
            + "|PersisterStateManager|log-closing-|SensorExpiryThread).*");
    /** Linux thread names (15 characters at most) of the VM's and RocksDB's native threads. */
    private static final Pattern JIT_NATIVE = Pattern.compile("^C[12] CompilerThre.*");
    private static final Pattern GC_NATIVE = Pattern.compile("^(GC Thread#|G1 |GC |VM Periodic).*");
    private static final Pattern ROCKSDB_NATIVE = Pattern.compile("^rocksdb:.*");
    private static final Path PROC_TASKS = Path.of("/proc/self/task");
    /** {@link #PROC_TASKS}, or a directory laid out like it (tests). */
    private final Path procTasks;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** Linux reports thread CPU in clock ticks of USER_HZ = 100 per second on every architecture the JDK runs on. */
    private static final long NANOS_PER_TICK = 1_000_000_000L / 100;
    private final Map<Long, Long> startJava = new HashMap<>();
    private final Map<Long, Long> lastJava = new HashMap<>();
    private final Map<Long, Group> javaGroup = new HashMap<>();
    private final Map<String, Long> startNative = new HashMap<>();
    private final Map<String, Long> lastNative = new HashMap<>();
    private final Map<String, Group> nativeGroup = new HashMap<>();
    /** The {@code stat} file of every thread known to be a native group's, by tid: what a sample reads. */
    private final Map<String, Path> nativeStat = new HashMap<>();
    private int samples;
    private volatile long meterCpuNanos = -1;
    private final long processCpu0;
    private final long wall0;
    private final Thread sampler;
    private volatile boolean stopping;
    private long processCpuNanos = -1;
    private long wallNanos = -1;
    private final LongSupplier progress;
    private final List<Sample> series = new java.util.ArrayList<>();

    /**
     * One sample of a meter with a progress counter: times since the start, CPU by {@link Group} (index =
     * ordinal; {@link Group#OTHER} the process time minus the rest) and the counter's value.
     */
    record Sample(long wallNanos, long processCpuNanos, long[] groupCpuNanos, long progress) {
    }

    /**
     * A part of the run between two samples: from the first sample at which the counter had reached
     * {@code fromFraction} of its total to the last at which it had not passed {@code toFraction}.
     */
    record Window(double fromFraction, double toFraction, long progress, Part part) {
        long wallNanos() {
            return part.wallNanos();
        }

        long processCpuNanos() {
            return part.processCpuNanos();
        }

        Map<Group, Long> cpuNanosByGroup() {
            return part.cpuNanosByGroup();
        }
    }

    /** CPU time of one part of a run, in total and by {@link Group}. */
    record Part(long wallNanos, long processCpuNanos, Map<Group, Long> cpuNanosByGroup) {
    }

    /**
     * A run in three parts by its progress counter: {@code startUp} until the last sample at which nothing had reached
     * the counter (submission, deployment, restore), {@code changes} until the first sample at which everything had
     * (or the highest reading, if no sample saw the total), {@code finish} the rest of the run (the last checkpoint, its
     * commit, the tasks' end). Each boundary is a sample, so each part is exact to one sampling interval.
     */
    record Phases(Part startUp, Part changes, Part finish) {
    }

    private CpuMeter(LongSupplier progress, Path procTasks) {
        this.progress = progress;
        this.procTasks = procTasks;
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0) {
                startJava.put(id, cpu);
            }
        }
        listNative();
        readNative(startNative);
        processCpu0 = os.getProcessCpuTime();
        wall0 = System.nanoTime();
        sampler = new Thread(this::sampleLoop, "snapdelta-bench-cpu-sampler");
        sampler.setDaemon(true);
    }

    static CpuMeter start() {
        return start(null);
    }

    /** A meter that also samples {@code progress} (a counter that only grows), or none if null. */
    static CpuMeter start(LongSupplier progress) {
        return start(progress, PROC_TASKS);
    }

    /** A meter reading native threads' times from {@code procTasks}, laid out like {@code /proc/self/task} (tests). */
    static CpuMeter start(LongSupplier progress, Path procTasks) {
        CpuMeter m = new CpuMeter(progress, procTasks);
        m.sampler.start();
        return m;
    }

    private void sampleLoop() {
        try {
            while (!stopping) {
                sample(false);
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            meterCpuNanos = threads.getCurrentThreadCpuTime();
        }
    }

    /** @param list list {@link #procTasks} for new native threads whatever the sample count (the last sample) */
    private void sample(boolean list) {
        synchronized (lastJava) {
            list |= ++samples % RECHECK_SAMPLES == 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null || info.getThreadId() == sampler.getId()) {
                    continue;
                }
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    lastJava.put(info.getThreadId(), cpu);
                    javaGroup.computeIfAbsent(info.getThreadId(), id -> javaGroupOf(info.getThreadName()));
                }
            }
            if (list) {
                listNative();
            }
            readNative(lastNative);
            if (progress != null && Thread.currentThread() == sampler) {
                series.add(snapshot());
            }
        }
    }

    /** The sample the sampler thread takes now (its own CPU time left out, as in the totals). */
    private Sample snapshot() {
        long count = progress.getAsLong();
        long cpu = os.getProcessCpuTime() - processCpu0 - threads.getCurrentThreadCpuTime();
        long[] groups = new long[Group.values().length];
        lastJava.forEach((id, t) -> groups[javaGroup.get(id).ordinal()] += t - startJava.getOrDefault(id, 0L));
        lastNative.forEach((tid, t) -> groups[nativeGroup.get(tid).ordinal()] += t - startNative.getOrDefault(tid, 0L));
        long attributed = 0;
        for (Group g : Group.values()) {
            if (g != Group.OTHER) {
                attributed += groups[g.ordinal()];
            }
        }
        groups[Group.OTHER.ordinal()] = Math.max(groups[Group.OTHER.ordinal()], cpu - attributed);
        return new Sample(System.nanoTime() - wall0, cpu, groups, count);
    }

    /** The samples taken so far (empty without a progress counter). */
    List<Sample> samples() {
        synchronized (lastJava) {
            return List.copyOf(series);
        }
    }

    /**
     * The steady part of the run: between the first sample at which the progress counter had reached
     * {@code fromFraction x total} and the last at which it had not passed {@code toFraction x total} (samples
     * after the highest reading, taken once the job's tasks had ended, are ignored); empty if
     * fewer than two samples fall there (a run shorter than a few sampling intervals).
     */
    static Optional<Window> window(List<Sample> samples, long total, double fromFraction, double toFraction) {
        Sample first = null;
        Sample last = null;
        for (Sample s : samples.subList(0, peakIndex(samples) + 1)) {
            if (first == null && s.progress() >= fromFraction * total) {
                first = s;
            }
            if (s.progress() <= toFraction * total) {
                last = s;
            }
        }
        if (first == null || last == null || last.wallNanos() <= first.wallNanos() || last.progress() <= first.progress()) {
            return Optional.empty();
        }
        return Optional.of(new Window(fromFraction, toFraction, last.progress() - first.progress(), part(first, last)));
    }

    /**
     * Index of the first sample with the highest progress reading, -1 for no samples. The counters go away with the
     * job's tasks, so samples after the highest one read less: they are not progress.
     */
    private static int peakIndex(List<Sample> samples) {
        int peak = -1;
        for (int i = 0; i < samples.size(); i++) {
            if (peak < 0 || samples.get(i).progress() > samples.get(peak).progress()) {
                peak = i;
            }
        }
        return peak;
    }

    /**
     * The run's {@link Phases}, from its samples and the meter's totals at the run's end ({@link #processCpuNanos()},
     * {@link #byGroup()}, {@link #wallNanos()}); empty if no sample saw the counter at 0 before it moved, or none saw
     * it move.
     */
    static Optional<Phases> phases(List<Sample> samples, long total, long endWallNanos, long endProcessCpuNanos,
                                   Map<Group, Long> endByGroup) {
        int peak = peakIndex(samples);
        int idle = -1;
        int done = -1;
        for (int i = 0; i <= peak; i++) {
            long p = samples.get(i).progress();
            if (p == 0 && done < 0) {
                idle = i;
            }
            if (p >= total && done < 0) {
                done = i;
            }
        }
        if (done < 0) {
            done = peak;
        }
        if (idle < 0 || done <= idle || samples.get(done).progress() == 0) {
            return Optional.empty();
        }
        Sample a = samples.get(idle);
        Sample b = samples.get(done);
        long[] end = new long[Group.values().length];
        endByGroup.forEach((g, nanos) -> end[g.ordinal()] = nanos);
        Sample last = new Sample(endWallNanos, endProcessCpuNanos, end, b.progress());
        Sample origin = new Sample(0, 0, new long[Group.values().length], 0);
        return Optional.of(new Phases(part(origin, a), part(a, b), part(b, last)));
    }

    private static Part part(Sample from, Sample to) {
        Map<Group, Long> groups = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            groups.put(g, Math.max(0, to.groupCpuNanos()[g.ordinal()] - from.groupCpuNanos()[g.ordinal()]));
        }
        return new Part(Math.max(0, to.wallNanos() - from.wallNanos()), Math.max(0, to.processCpuNanos() - from.processCpuNanos()), groups);
    }

    static Group javaGroupOf(String name) {
        // Clients first: a source's fetcher thread carries its task's name, "(i/n)#attempt" included.
        if (KAFKA_CLIENT_THREAD.matcher(name).matches()) {
            return Group.KAFKA_CLIENTS;
        }
        if (FLINK_TASK_THREAD.matcher(name).matches()) {
            return Group.FLINK_TASKS;
        }
        if (KAFKA_BROKER_THREAD.matcher(name).matches()) {
            return Group.KAFKA_BROKER;
        }
        return Group.OTHER;
    }

    /** The group of a native (non-Java) thread by its Linux name, or null for Java threads and unknown ones. */
    static Group nativeGroupOf(String comm) {
        if (JIT_NATIVE.matcher(comm).matches()) {
            return Group.JIT;
        }
        if (GC_NATIVE.matcher(comm).matches()) {
            return Group.GC;
        }
        if (ROCKSDB_NATIVE.matcher(comm).matches()) {
            return Group.ROCKSDB;
        }
        return null;
    }

    /** Lists {@code /proc/self/task} and notes every thread whose Linux name is a native group's ({@link #nativeStat}). */
    private void listNative() {
        if (!Files.isDirectory(procTasks)) {
            return;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(procTasks)) {
            for (Path task : tasks) {
                String tid = task.getFileName().toString();
                if (nativeStat.containsKey(tid)) {
                    continue;
                }
                Path statFile = task.resolve("stat");
                String stat = stat(statFile);
                Group g = stat == null ? null : nativeGroupOf(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                if (g != null) {
                    nativeStat.put(tid, statFile);
                    nativeGroup.put(tid, g);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc unreadable: the native groups stay 0 and their time counts as OTHER.
        }
    }

    /** Reads utime + stime of the known JIT, GC and RocksDB native threads into {@code into}, by tid. */
    private void readNative(Map<String, Long> into) {
        for (var it = nativeStat.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            String stat = stat(e.getValue());
            int close = stat == null ? -1 : stat.lastIndexOf(')');
            if (close < 0 || nativeGroupOf(stat.substring(stat.indexOf('(') + 1, close)) != nativeGroup.get(e.getKey())) {
                it.remove(); // the thread ended (its last reading stays in lastNative), or its tid is another thread's now
                continue;
            }
            try {
                // Fields after "(comm) ": state is field 3, utime field 14, stime field 15 of stat(5).
                String[] f = stat.substring(close + 2).split(" ");
                into.put(e.getKey(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK);
            } catch (RuntimeException malformed) {
                // Not the stat(5) layout: this thread's time counts as OTHER.
            }
        }
    }

    /** A thread's {@code stat} line, or null if the thread has ended. */
    private static String stat(Path statFile) {
        try {
            return new String(Files.readAllBytes(statFile), StandardCharsets.US_ASCII);
        } catch (IOException gone) {
            return null;
        }
    }

    /** Stops measuring (idempotent). */
    @Override
    public void close() throws InterruptedException {
        if (wallNanos >= 0) {
            return;
        }
        long raw = os.getProcessCpuTime() - processCpu0;
        wallNanos = System.nanoTime() - wall0;
        stopping = true;
        sampler.interrupt();
        sampler.join(5_000);
        processCpuNanos = raw - Math.max(0, meterCpuNanos);
        sample(true);
    }

    /** Process CPU time while measuring, without the meter's own sampling thread. */
    long processCpuNanos() {
        return processCpuNanos;
    }

    /** CPU time of the meter's sampling thread (left out of {@link #processCpuNanos()}); -1 if it did not stop. */
    long meterCpuNanos() {
        return meterCpuNanos;
    }

    long wallNanos() {
        return wallNanos;
    }

    /** CPU of Flink task threads during the measurement (sampled; a lower bound). */
    long taskThreadCpuNanos() {
        return byGroup().get(Group.FLINK_TASKS);
    }

    /** CPU nanoseconds per group; they add up to {@link #processCpuNanos()} ({@link Group#OTHER} is the remainder). */
    Map<Group, Long> byGroup() {
        Map<Group, Long> m = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            m.put(g, 0L);
        }
        synchronized (lastJava) {
            lastJava.forEach((id, cpu) -> m.merge(javaGroup.get(id), cpu - startJava.getOrDefault(id, 0L), Long::sum));
            lastNative.forEach((tid, cpu) -> m.merge(nativeGroup.get(tid), cpu - startNative.getOrDefault(tid, 0L), Long::sum));
        }
        long attributed = 0;
        for (Group g : Group.values()) {
            if (g != Group.OTHER) {
                attributed += m.get(g);
            }
        }
        m.put(Group.OTHER, Math.max(m.get(Group.OTHER), processCpuNanos - attributed));
        return m;
    }
}
