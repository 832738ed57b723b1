package io.snapdelta.bench;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.DeltaOptions;
import io.snapdelta.config.JobOptions;
import io.snapdelta.config.KafkaOptions;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.job.Parsers;
import io.snapdelta.job.SnapdeltaJob;
import io.snapdelta.localstack.LocalStack;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One phase's job on the embedded stack: its own topics ({@code snapdelta.bench.<phase>.input|dlq|deltas}),
 * consumer group and transactional id prefix, so two phases in one run never share state, and the job's
 * configuration: the user's options, then what the phase fixes.
 */
final class BenchJobSetup {
    private static final Logger LOG = LoggerFactory.getLogger(BenchJobSetup.class);

    final String phase;
    final String inputTopic;
    final String deadLetterTopic;
    final String deltasTopic;
    final Configuration config;

    private BenchJobSetup(String phase, String run, Configuration config) {
        this.phase = run;
        this.inputTopic = "snapdelta.bench." + phase + ".input";
        this.deadLetterTopic = "snapdelta.bench." + run + ".dlq";
        this.deltasTopic = "snapdelta.bench." + run + ".deltas";
        this.config = config;
    }

    /**
     * @param user the user's {@code --key value} options (win over the bench's defaults, lose to what the phase fixes)
     * @param checkpointInterval null keeps the option's default (or the user's value)
     */
    static BenchJobSetup of(String phase, Configuration user, String bootstrap, InputFormat format, boolean bounded,
                            Duration checkpointInterval) {
        return of(phase, phase, user, bootstrap, format, bounded, checkpointInterval);
    }

    /**
     * A setup reading the input topic of {@code phase} with everything else (job name, dead-letter and deltas
     * topics, consumer group, transactional ids) of its own {@code run}: several runs of one phase over the
     * same input never share state.
     */
    static BenchJobSetup of(String phase, String run, Configuration user, String bootstrap, InputFormat format, boolean bounded,
                            Duration checkpointInterval) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(JobOptions.JOB_NAME.key(), "snapdelta-bench-" + run);
        // Well below the embedded broker's transaction.max.timeout.ms (15 min), well above any interval used here.
        values.put(KafkaOptions.TRANSACTION_TIMEOUT.key(), "2min");
        values.putAll(user.toMap());
        if (checkpointInterval != null) {
            values.put(JobOptions.CHECKPOINT_INTERVAL.key(), checkpointInterval.toMillis() + "ms");
        }
        BenchJobSetup names = new BenchJobSetup(phase, run, null);
        Map<String, String> fixed = new LinkedHashMap<>();
        fixed.put(KafkaOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        fixed.put(KafkaOptions.INPUT_TOPICS.key(), names.inputTopic);
        fixed.put(KafkaOptions.INPUT_FORMAT.key(), format.id());
        fixed.put(JobOptions.INPUT_TOPIC_FORMATS.key(), "");
        fixed.put(JobOptions.INPUT_BOUNDED.key(), Boolean.toString(bounded));
        fixed.put(JobOptions.INPUT_STARTING_OFFSETS.key(), "earliest");
        fixed.put(KafkaOptions.DEAD_LETTER_TOPIC.key(), names.deadLetterTopic);
        fixed.put(DeltaOptions.TOPIC.key(), names.deltasTopic);
        fixed.put(KafkaOptions.GROUP_ID.key(), "snapdelta-bench-" + run);
        fixed.put(KafkaOptions.TRANSACTIONAL_ID_PREFIX.key(), "snapdelta-bench-" + run);
        fixed.put(JobOptions.VALID_EVENTS_TOPIC.key(), "");
        fixed.forEach((key, value) -> {
            String mine = user.toMap().get(key);
            if (mine != null && !mine.equals(value)) {
                LOG.warn("Ignoring {}={} from the command line: bench job sets it to {}", key, mine, value);
            }
            values.put(key, value);
        });
        return new BenchJobSetup(phase, run, Configuration.fromMap(values));
    }

    void createTopics(LocalStack stack, int deltaPartitions, Map<String, String> inputTopicConfigs) {
        stack.kafka().createTopic(inputTopic, 1, inputTopicConfigs);
        createOutputTopics(stack, deltaPartitions);
    }

    /** The dead-letter and deltas topics only (a further run over an input topic that exists). */
    void createOutputTopics(LocalStack stack, int deltaPartitions) {
        stack.kafka().createTopic(deadLetterTopic, 1);
        stack.kafka().createTopic(deltasTopic, deltaPartitions);
    }

    JobClient submit(LocalStack stack) throws Exception {
        StreamExecutionEnvironment env = stack.flink().environment(SnapdeltaJob.flinkConfiguration(config));
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobClient job = env.executeAsync(config.get(JobOptions.JOB_NAME));
        LOG.info("bench job, {} phase: job {} submitted", phase, job.getJobID());
        return job;
    }

    /** The job's options as the report shows them, secrets left out. */
    Map<String, String> reportedOptions() {
        Map<String, String> m = new java.util.TreeMap<>();
        config.toMap().forEach((k, v) -> m.put(k, config.isSecret(k) ? "******" : v));
        return m;
    }

    int parallelism(LocalStack stack) {
        int p = config.get(JobOptions.PARALLELISM);
        return p > 0 ? p : stack.flink().slots();
    }

    /** Waits for {@code condition}, checking every 20 ms, failing with {@code what} after {@code timeout}. */
    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out after " + timeout + " waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    static <T> T get(java.util.concurrent.Future<T> f, Duration timeout, String what) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("timed out after " + timeout + " waiting for " + what);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }
}
