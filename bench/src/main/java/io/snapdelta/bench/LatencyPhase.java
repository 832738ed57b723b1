package io.snapdelta.bench;

import io.snapdelta.config.DeltaOptions;
import io.snapdelta.config.JobOptions;
import io.snapdelta.localstack.LocalStack;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency: the job runs unbounded (exactly once, a fast checkpoint interval since the deltas only become
 * visible when the checkpoint's transactions commit); once its first checkpoint has completed (every task
 * running, every sink transaction open) the input is produced at a sustained rate into a topic with
 * {@code message.timestamp.type=LogAppendTime}, while a read_committed consumer of the deltas topic notes
 * when each batch becomes visible. {@link CommitLatencies} maps every change to its batch.
 */
final class LatencyPhase {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyPhase.class);

    /**
     * @param checkpointMeanMillis mean end-to-end duration of the checkpoints completed while it ran
     * @param wallSeconds while the input was produced at the rate ({@code cpuSeconds} is the process CPU meanwhile)
     * @param jitCompileSeconds time the compiler threads spent compiling meanwhile (elapsed, summed over them; -1 if
     *        the JVM does not say): what tells whether the latency warm-up has settled ({@link WarmupPolicy})
     */
    record Result(int produced, double rate, double achievedRate, double maxProducerLagMillis, CommitLatencies.Result latencies,
                  Duration checkpointInterval, Duration latencyBudget, long checkpoints, long checkpointMeanMillis,
                  long checkpointMaxMillis, CheckpointPhases.Result checkpointPhases, int parallelism, Map<String, String> options,
                  double cpuSeconds, double wallSeconds, Map<CpuMeter.Group, Double> cpuSecondsByGroup,
                  double jitCompileSeconds) implements WarmupPolicy.WarmupRun {

        /** Cores the process kept busy while the input was produced and committed (process CPU / wall time). */
        double cores() {
            return cpuSeconds / wallSeconds;
        }
    }

    private LatencyPhase() {
    }

    /** @param inputTopicConfigs configs of the input topic (e.g. its {@code compression.type}); its timestamps are the broker's */
    static Result run(LocalStack stack, Admin admin, JobBenchInput input, Map<String, String> inputTopicConfigs, BenchJobSetup setup,
                      int deltaPartitions, double rate, Duration timeout) throws Exception {
        Map<String, String> topic = new java.util.HashMap<>(inputTopicConfigs);
        topic.put("message.timestamp.type", "LogAppendTime");
        setup.createTopics(stack, deltaPartitions, topic);
        String bootstrap = stack.kafka().bootstrapServers();
        EarlierRunsGarbage.collect(setup.phase);
        JobClient job = setup.submit(stack);
        try {
            BenchJobSetup.await(() -> running(job) && stack.flink().completedCheckpoints(job.getJobID()) >= 1, timeout,
                    "the latency job's first checkpoint (all tasks running)");
            try (DeltasTopicWatcher watcher = new DeltasTopicWatcher(bootstrap, setup.deltasTopic, Duration.ofSeconds(30)).start()) {
                LOG.info("Latency phase: producing {} records at {}/s while the job runs", input.size(), rate);
                // Whether the job keeps up is a question of CPU on a shared 2-core machine: measure it by thread
                // group while the input is produced at the rate (what follows is waiting: the Kafka source commits
                // the group offset only when its fetcher's poll, up to 10 s, returns on an idle topic).
                JitActivity.Reading jit0 = JitActivity.now();
                CpuMeter cpu = CpuMeter.start();
                PacedProducer.Result produced = PacedProducer.produce(input.values, setup.inputTopic, bootstrap, rate);
                cpu.close();
                double jitCompileSeconds = jit0.compileSecondsUntilNow();
                LOG.info("Latency phase: produced at {}/s (furthest behind schedule {} ms); waiting for the job to commit them",
                        String.format("%.0f", produced.achievedRate()), String.format("%.1f", produced.maxLagMillis()));

                // Everything is committed once a checkpoint that covers the whole input has completed (the
                // source commits the group offset on it) and one more has completed after it (so the sink's
                // commit of the first one has been issued), and the watcher has read up to what is committed.
                String group = setup.config.get(io.snapdelta.config.KafkaOptions.GROUP_ID);
                BenchJobSetup.await(() -> running(job) && groupOffset(admin, group, setup.inputTopic) >= input.size(), timeout,
                        "the job to checkpoint past the last input record");
                LOG.info("Latency phase: the job's group offset covers the input");
                long checkpointsNow = stack.flink().completedCheckpoints(job.getJobID());
                BenchJobSetup.await(() -> running(job) && stack.flink().completedCheckpoints(job.getJobID()) > checkpointsNow, timeout,
                        "one more checkpoint");
                Map<TopicPartition, Long> end = JobBenchAdmin.committedEndOffsets(admin, setup.deltasTopic, deltaPartitions);
                LOG.info("Latency phase: one more checkpoint completed; committed deltas end at {}", end);
                BenchJobSetup.await(() -> watcher.reached(end), timeout, "the watcher to read every committed batch");
                LOG.info("Latency phase: the watcher has read every committed batch");
                Map<CpuMeter.Group, Double> groups = new java.util.EnumMap<>(CpuMeter.Group.class);
                cpu.byGroup().forEach((g, nanos) -> groups.put(g, nanos / 1e9));

                var graph = stack.flink().miniCluster().getExecutionGraph(job.getJobID()).get(30, java.util.concurrent.TimeUnit.SECONDS);
                CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
                var e2e = stats.getSummaryStats().getEndToEndDurationStats();
                CommitLatencies.Result latencies = CommitLatencies.compute(input.shard, input.versionMajor,
                        input.versionMinor, produced.appendMillis(), input.size(), watcher.seen());
                return new Result(input.size(), rate, produced.achievedRate(), produced.maxLagMillis(), latencies,
                        setup.config.get(JobOptions.CHECKPOINT_INTERVAL), setup.config.get(DeltaOptions.BATCH_LATENCY_BUDGET),
                        stats.getCounts().getNumberOfCompletedCheckpoints(), e2e.getAverage(), e2e.getMaximum(),
                        CheckpointPhases.of(stats, graph), setup.parallelism(stack), setup.reportedOptions(),
                        cpu.processCpuNanos() / 1e9, cpu.wallNanos() / 1e9, groups, jitCompileSeconds);
            }
        } finally {
            job.cancel().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** True while the job runs; throws once it has ended, since an unbounded job only ends by failing. */
    private static boolean running(JobClient job) {
        org.apache.flink.api.common.JobStatus status;
        try {
            status = job.getJobStatus().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the status of job " + job.getJobID() + ": " + e.getMessage(), e);
        }
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("the latency job ended (" + status + ") while it should be running; see the log");
        }
        return true;
    }

    private static long groupOffset(Admin admin, String group, String topic) {
        try {
            return JobBenchAdmin.groupOffset(admin, group, topic);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the committed offset of group " + group + ": " + e.getMessage(), e);
        }
    }
}
