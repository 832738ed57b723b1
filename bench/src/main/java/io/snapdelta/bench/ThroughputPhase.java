package io.snapdelta.bench;

import io.snapdelta.config.Configuration;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.job.DeltaMetrics;
import io.snapdelta.job.IngestMetrics;
import io.snapdelta.localstack.InputProducer;
import io.snapdelta.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throughput: the whole input is in the input topic first, then the job runs bounded over it (exactly
 * once, RocksDB, the job's default options unless overridden), warm-up runs until {@link WarmupPolicy} stops
 * them and then the measured runs ({@link Measurement}), one after the other in the same JVM, each run with its own
 * consumer group, output topics and transactional ids. Every run is measured (wall time from submission until its final
 * checkpoint has committed, the process's CPU time meanwhile, split by thread group); of the measured runs the one with
 * the median process CPU is the result, and the first run of all is reported as the cold figure. Warm-up runs do for
 * the job what the warm-up round does for the parse-only rate: the JIT
 * has compiled the job's code paths and settled, as in a job that has been running for a while. Each run also has a
 * steady part ({@link #STEADY_FROM} to {@link #STEADY_TO} of the valid changes through the shard operators,
 * {@link ShardProgressReporter}) measured apart: the per-change cost without the job's submission,
 * deployment, start-up and final checkpoint, which a long-running job pays once.
 */
final class ThroughputPhase {
    private static final Logger LOG = LoggerFactory.getLogger(ThroughputPhase.class);
    /** The steady part of a run starts when this fraction of the valid changes has reached the shard operators... */
    static final double STEADY_FROM = 0.1;
    /** ... and ends at the last sample before this fraction. */
    static final double STEADY_TO = 0.9;

    /**
     * One bounded run of the job over the whole input.
     *
     * @param jobEventsIn .. jobTombstones the job's own exactly-once counts (accumulators)
     * @param jobSeconds wall time from submission to the job's end (deployment and final checkpoint included)
     * @param processCpuSeconds CPU time of the whole process meanwhile
     * @param cpuSeconds that time by thread group (sampled; see {@link CpuMeter})
     * @param steady the steady part of the run, or null if the run was too short to sample one
     * @param phases the run's start-up, changes and finish ({@link CpuMeter.Phases}), or null if its samples do not
     *        show them
     * @param maxProgressSampled the most changes through the shard operators any sample saw (the counters go
     *        away with the tasks, so the last samples read 0)
     * @param jitAtSubmission the JIT compilers' state when the run was submitted ({@link JitActivity})
     * @param jitCompileSeconds time the compiler threads spent compiling during the run (elapsed, summed over them;
     *        -1 if the JVM does not say)
     * @param stateLookups how the shard operators' state look-ups were answered (the job's accumulators)
     */
    record Run(long jobEventsIn, long jobValid, long jobDeadLetters, long jobTombstones, double jobSeconds,
               double processCpuSeconds, Map<CpuMeter.Group, Double> cpuSeconds, CpuMeter.Window steady, CpuMeter.Phases phases,
               long maxProgressSampled,
               JitActivity.Reading jitAtSubmission, double jitCompileSeconds, StateLookups stateLookups)
            implements WarmupPolicy.WarmupRun {
        @Override
        public double wallSeconds() {
            return jobSeconds;
        }

        double taskThreadCpuSeconds() {
            return cpuSeconds.get(CpuMeter.Group.FLINK_TASKS);
        }

        /** Process CPU without the embedded Kafka broker's threads (the job is its client, not its host). */
        double cpuSecondsWithoutBroker() {
            return processCpuSeconds - cpuSeconds.get(CpuMeter.Group.KAFKA_BROKER);
        }
    }

    /**
     * The shard state's key look-ups of a run: answered from the heap cache, by a RocksDB read, or by the
     * written-keys filter ({@code DeltaMetrics.STATE_*}).
     */
    record StateLookups(long cacheHits, long reads, long readsSkipped) {
        long total() {
            return cacheHits + reads + readsSkipped;
        }

        /** Share of the look-ups the heap cache answered, 0 without look-ups. */
        double cacheHitRate() {
            return total() == 0 ? 0 : (double) cacheHits / total();
        }
    }

    /**
     * How many runs to measure after the warm-up: up to {@code maxRuns}, fewer once the measured runs have taken
     * {@code budget} (at least one).
     */
    record Measurement(int maxRuns, Duration budget) {
        Measurement {
            if (maxRuns < 1 || budget.isNegative()) {
                throw new IllegalArgumentException("measured runs must be >= 1 and their budget >= 0, got " + maxRuns + " and " + budget);
            }
        }

        boolean another(int measuredSoFar, Duration elapsed) {
            return measuredSoFar == 0 || (measuredSoFar < maxRuns && elapsed.compareTo(budget) < 0);
        }
    }

    /**
     * @param produced records put into the input topic
     * @param runs every run, the first (cold) first; the last {@code measuredRuns} are the measured ones
     * @param warmupStop why the warm-up ended
     * @param batches committed batches in the reported run's deltas topic
     * @param deltaBytes their sealed bytes
     */
    record Result(long produced, List<Run> runs, int measuredRuns, WarmupPolicy.Stop warmupStop, int parallelism, long batches,
                  long deltaBytes, Map<String, String> options) {
        /** The reported run: of the measured runs, the one with the median process CPU. */
        Run measured() {
            return measuredRunsInOrder().get(measuredIndex());
        }

        /** The measured runs, in the order they ran. */
        List<Run> measuredRunsInOrder() {
            return runs.subList(runs.size() - measuredRuns, runs.size());
        }

        /** Position of {@link #measured()} among {@link #measuredRunsInOrder()}. */
        int measuredIndex() {
            return medianIndex(measuredRunsInOrder());
        }

        Run cold() {
            return runs.get(0);
        }

        int warmups() {
            return runs.size() - measuredRuns;
        }

        long jobEventsIn() {
            return measured().jobEventsIn();
        }

        long jobValid() {
            return measured().jobValid();
        }

        long jobDeadLetters() {
            return measured().jobDeadLetters();
        }

        long jobTombstones() {
            return measured().jobTombstones();
        }

        double jobSeconds() {
            return measured().jobSeconds();
        }

        double processCpuSeconds() {
            return measured().processCpuSeconds();
        }

        double taskThreadCpuSeconds() {
            return measured().taskThreadCpuSeconds();
        }

        /** Cores the process kept busy during the job: process CPU time / wall time. */
        double cores() {
            return processCpuSeconds() / jobSeconds();
        }

        /** Changes per second per core: events / (wall time x cores) = events / process CPU seconds. */
        double changesPerCoreSecond() {
            return produced / processCpuSeconds();
        }
    }

    private ThroughputPhase() {
    }

    /**
     * Index of the run with the median process CPU (for an even count the higher of the two middle ones: the lower
     * rate); equal CPU times sort in the order the runs ran.
     */
    static int medianIndex(List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no measured run");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> runs.get(i).processCpuSeconds()).thenComparing(i -> i));
        return order.get(runs.size() / 2);
    }

    /**
     * @param inputTopicConfigs configs of the input topic (e.g. its {@code compression.type})
     * @param warmup when to stop warming up and measure ({@link WarmupPolicy}: the JIT settled, a count of runs, a time budget)
     */
    static Result run(LocalStack stack, Admin admin, JobBenchInput input, Map<String, String> inputTopicConfigs, Configuration user,
                      InputFormat format, WarmupPolicy warmup, Measurement measurement, int deltaPartitions, Duration timeout)
            throws Exception {
        String bootstrap = stack.kafka().bootstrapServers();
        List<Run> runs = new ArrayList<>();
        List<BenchJobSetup> measuredSetups = new ArrayList<>();
        BenchJobSetup setup = null;
        long produced = 0;
        long warmupStart = System.nanoTime();
        long measuredStart = 0;
        WarmupPolicy.Stop stop = null;
        for (int i = 0; ; i++) {
            if (stop == null) {
                stop = warmup.stopAfter(runs, Duration.ofNanos(System.nanoTime() - warmupStart));
                measuredStart = System.nanoTime();
            }
            boolean measured = stop != null;
            if (measured && !measurement.another(measuredSetups.size(), Duration.ofNanos(System.nanoTime() - measuredStart))) {
                break;
            }
            String run = !measured ? "throughput-warmup-" + (i + 1)
                    : measuredSetups.isEmpty() ? "throughput" : "throughput-measured-" + (measuredSetups.size() + 1);
            setup = BenchJobSetup.of("throughput", run, user, bootstrap, format, true, null);
            if (i == 0) {
                setup.createTopics(stack, deltaPartitions, inputTopicConfigs);
                produced = InputProducer.produce(input.file, input.format, setup.inputTopic, bootstrap);
                if (produced != input.size()) {
                    throw new IllegalStateException("produced " + produced + " records from " + input.file + " but read " + input.size());
                }
                LOG.info("Throughput phase: {} records in {}; running the job bounded over them up to {} time(s) (warm-up runs "
                        + "stop after {}, or once {} runs in a row compiled for at most {} of their wall time), then up to {} "
                        + "measured run(s) within {}", produced, setup.inputTopic, warmup.maxRuns() + measurement.maxRuns(),
                        warmup.budget(), WarmupPolicy.SETTLED_RUNS, warmup.jitSettledShare(), measurement.maxRuns(), measurement.budget());
                warmupStart = System.nanoTime();
            } else {
                setup.createOutputTopics(stack, deltaPartitions);
            }
            runs.add(runOnce(stack, setup, input.valid, timeout));
            if (measured) {
                measuredSetups.add(setup);
            }
        }

        int measuredRuns = measuredSetups.size();
        // The reported run's output topics: the run Result.measured() picks.
        BenchJobSetup reported = measuredSetups.get(medianIndex(runs.subList(runs.size() - measuredRuns, runs.size())));
        long batches;
        long bytes;
        try (DeltasTopicWatcher watcher = new DeltasTopicWatcher(bootstrap, reported.deltasTopic, Duration.ofSeconds(30)).start()) {
            Map<TopicPartition, Long> end = JobBenchAdmin.committedEndOffsets(admin, reported.deltasTopic, deltaPartitions);
            BenchJobSetup.await(() -> watcher.reached(end), Duration.ofMinutes(2), "reading the committed deltas topic");
            batches = watcher.seen().size();
            bytes = watcher.seen().stream().mapToLong(CommittedBatch::bytes).sum();
        }
        LOG.info("Throughput phase: {} measured run(s) after {} warm-up run(s), warm-up stopped: {}", measuredRuns,
                runs.size() - measuredRuns, stop.id);
        return new Result(produced, List.copyOf(runs), measuredRuns, stop, reported.parallelism(stack), batches, bytes,
                reported.reportedOptions());
    }

    private static Run runOnce(LocalStack stack, BenchJobSetup setup, long validChanges, Duration timeout) throws Exception {
        EarlierRunsGarbage.collect(setup.phase);
        JitActivity.Reading jit0 = JitActivity.now();
        CpuMeter cpu = CpuMeter.start(ShardProgressReporter::changesThroughShards);
        JobExecutionResult result;
        try {
            JobClient job = setup.submit(stack);
            result = BenchJobSetup.get(job.getJobExecutionResult(), timeout, "the throughput job to finish");
        } finally {
            cpu.close();
        }
        double jitCompileSeconds = jit0.compileSecondsUntilNow();
        double seconds = cpu.wallNanos() / 1e9;
        Map<CpuMeter.Group, Double> groups = new java.util.EnumMap<>(CpuMeter.Group.class);
        cpu.byGroup().forEach((g, nanos) -> groups.put(g, nanos / 1e9));
        LOG.info("Throughput phase, {}: job done in {} s, {} CPU s ({}); the CPU meter's own thread: {} CPU s, not counted; "
                        + "JIT: {} s compiling, queues at submission C1 {} C2 {}",
                setup.phase, String.format("%.2f", seconds), String.format("%.2f", cpu.processCpuNanos() / 1e9), groups,
                String.format("%.3f", cpu.meterCpuNanos() / 1e9), String.format("%.2f", jitCompileSeconds), jit0.c1Queued(), jit0.c2Queued());
        List<CpuMeter.Sample> samples = cpu.samples();
        CpuMeter.Window steady = CpuMeter.window(samples, validChanges, STEADY_FROM, STEADY_TO).orElse(null);
        if (steady == null) {
            LOG.info("Throughput phase, {}: too short for a steady part ({} samples)", setup.phase, samples.size());
        }
        return new Run(acc(result, IngestMetrics.ACC_EVENTS_IN), acc(result, IngestMetrics.ACC_EVENTS_VALID),
                acc(result, IngestMetrics.ACC_DEAD_LETTERS), acc(result, IngestMetrics.ACC_TOMBSTONES), seconds,
                cpu.processCpuNanos() / 1e9, java.util.Collections.unmodifiableMap(groups), steady,
                CpuMeter.phases(samples, validChanges, cpu.wallNanos(), cpu.processCpuNanos(), cpu.byGroup()).orElse(null),
                samples.stream().mapToLong(CpuMeter.Sample::progress).max().orElse(0), jit0, jitCompileSeconds,
                new StateLookups(acc(result, DeltaMetrics.ACC_STATE_CACHE_HITS), acc(result, DeltaMetrics.ACC_STATE_READS),
                        acc(result, DeltaMetrics.ACC_STATE_READS_SKIPPED)));
    }

    private static long acc(JobExecutionResult result, String name) {
        Object v = result.getAccumulatorResult(name);
        if (!(v instanceof Long l)) {
            throw new IllegalStateException("the job reported no accumulator " + name + " (got " + v + ")");
        }
        return l;
    }
}
