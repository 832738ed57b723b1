package io.snapdelta.bench;

import io.snapdelta.job.IngestMetrics;
import io.snapdelta.localstack.InputProducer;
import io.snapdelta.localstack.LocalStack;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throughput: the whole input is in the input topic first, then the job runs bounded over it (exactly
 * once, RocksDB, the job's default options unless overridden) and the phase measures the job's wall time
 * from submission until its final checkpoint has committed, and the process's CPU time meanwhile.
 */
final class ThroughputPhase {
    private static final Logger LOG = LoggerFactory.getLogger(ThroughputPhase.class);

    /**
     * @param produced records put into the input topic
     * @param jobEventsIn .. jobTombstones the job's own exactly-once counts (accumulators)
     * @param jobSeconds wall time from submission to the job's end (deployment and final checkpoint included)
     * @param processCpuSeconds CPU time of the whole process meanwhile
     * @param taskThreadCpuSeconds CPU time of Flink's task threads meanwhile (sampled, a lower bound)
     * @param batches committed batches in the deltas topic afterwards
     * @param deltaBytes their sealed bytes
     */
    record Result(long produced, long jobEventsIn, long jobValid, long jobDeadLetters, long jobTombstones, double jobSeconds,
                  double processCpuSeconds, double taskThreadCpuSeconds, int parallelism, long batches, long deltaBytes,
                  Map<String, String> options) {
        /** Cores the process kept busy during the job: process CPU time / wall time. */
        double cores() {
            return processCpuSeconds / jobSeconds;
        }

        /** Changes per second per core: events / (wall time x cores) = events / process CPU seconds. */
        double changesPerCoreSecond() {
            return produced / processCpuSeconds;
        }
    }

    private ThroughputPhase() {
    }

    static Result run(LocalStack stack, Admin admin, JobBenchInput input, BenchJobSetup setup, int deltaPartitions,
                      Duration timeout) throws Exception {
        setup.createTopics(stack, deltaPartitions, Map.of());
        String bootstrap = stack.kafka().bootstrapServers();
        long produced = InputProducer.produce(input.file, input.format, setup.inputTopic, bootstrap);
        if (produced != input.size()) {
            throw new IllegalStateException("produced " + produced + " records from " + input.file + " but read " + input.size());
        }
        LOG.info("Throughput phase: {} records in {}; running the job bounded over them", produced, setup.inputTopic);
        CpuMeter cpu = CpuMeter.start();
        JobExecutionResult result;
        try {
            JobClient job = setup.submit(stack);
            result = BenchJobSetup.get(job.getJobExecutionResult(), timeout, "the throughput job to finish");
        } finally {
            cpu.close();
        }
        double seconds = cpu.wallNanos() / 1e9;
        LOG.info("Throughput phase: job done in {} s", String.format("%.2f", seconds));

        long batches;
        long bytes;
        try (DeltasTopicWatcher watcher = new DeltasTopicWatcher(bootstrap, setup.deltasTopic, Duration.ofSeconds(30)).start()) {
            Map<TopicPartition, Long> end = JobBenchAdmin.committedEndOffsets(admin, setup.deltasTopic, deltaPartitions);
            BenchJobSetup.await(() -> watcher.reached(end), Duration.ofMinutes(2), "reading the committed deltas topic");
            batches = watcher.seen().size();
            bytes = watcher.seen().stream().mapToLong(CommittedBatch::bytes).sum();
        }
        return new Result(produced, acc(result, IngestMetrics.ACC_EVENTS_IN), acc(result, IngestMetrics.ACC_EVENTS_VALID),
                acc(result, IngestMetrics.ACC_DEAD_LETTERS), acc(result, IngestMetrics.ACC_TOMBSTONES), seconds,
                cpu.processCpuNanos() / 1e9, cpu.taskThreadCpuNanos() / 1e9, setup.parallelism(stack), batches, bytes,
                setup.reportedOptions());
    }

    private static long acc(JobExecutionResult result, String name) {
        Object v = result.getAccumulatorResult(name);
        if (!(v instanceof Long l)) {
            throw new IllegalStateException("the job reported no accumulator " + name + " (got " + v + ")");
        }
        return l;
    }
}
