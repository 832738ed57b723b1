package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.config.ConfigLoader;
import io.snapdelta.config.Configuration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka.transaction-naming} on a real broker: the job with 100 ms checkpoints runs through at least
 * {@link #CHECKPOINTS} checkpoints, then the broker's transactional ids of its prefix are counted with
 * {@code Admin.listTransactions()} (every id the transaction coordinators know, in any state). Pooling must leave a
 * few per sink subtask, incrementing more than one per checkpoint per sink; and the submission check of
 * {@link SnapdeltaJob#main} must name a missing output topic.
 */
class TransactionNamingITCase extends KafkaAndFlinkServers {
    private static final int CHECKPOINTS = 30;
    private static final int PARALLELISM = 2;
    private static final int DELTA_PARTITIONS = 2;
    /** Ids a pooling sink subtask may hold: the open transaction plus those waiting for their checkpoint's commit. */
    private static final int POOL_BOUND_PER_SUBTASK = 3;
    private static final List<String> SINKS = List.of("dlq", "events", "deltas");

    private static Map<String, String> options(String name, String naming) {
        Map<String, String> m = shardedJobConfig(name, 4, false);
        m.put("kafka.transaction-naming", naming);
        m.put("job.checkpoint.interval", "100ms");
        m.put("job.valid-events-topic", name + ".events");
        return m;
    }

    private static void createTopics(String name) {
        kafka.createTopic(name + ".input", 1);
        kafka.createTopic(name + ".dlq", 1);
        kafka.createTopic(name + ".events", 1);
        kafka.createTopic(name + ".deltas", DELTA_PARTITIONS);
    }

    /** Runs the job unbounded until {@link #CHECKPOINTS} checkpoints completed, cancels it; returns the count. */
    private static long runThroughCheckpoints(String name, String naming) throws Exception {
        return runThroughCheckpoints(name, naming, () -> { });
    }

    /** As {@link #runThroughCheckpoints(String, String)}, running {@code beforeCancel} once the checkpoints completed. */
    private static long runThroughCheckpoints(String name, String naming, Runnable beforeCancel) throws Exception {
        createTopics(name);
        produce(name + ".input", CaptureSlice.of(1000, 1000, 40).lines);
        Configuration config = Configuration.fromMap(options(name, naming));
        StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        env.setParallelism(PARALLELISM);
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobClient job = env.executeAsync("transaction naming " + naming);
        JobID id = job.getJobID();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (flink.completedCheckpoints(id) < CHECKPOINTS) {
                assertTrue(System.nanoTime() < deadline, naming + ": " + CHECKPOINTS + " checkpoints did not complete in 3 min");
                assertFalse(job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState(), naming + ": the job ended");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            beforeCancel.run();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        return flink.completedCheckpoints(id);
    }

    /**
     * Transactional ids the broker knows of the job with prefix {@code name}, per sink and subtask: the connector
     * names them {@code <prefix>-<sink>-<subtask>-<offset>}, e.g. {@code pool-deltas-1-0}.
     */
    private static Map<String, Map<Integer, Integer>> transactionalIds(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, Map<Integer, Integer>> ids = new TreeMap<>();
            SINKS.forEach(s -> ids.put(s, new TreeMap<>()));
            for (TransactionListing t : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
                for (String s : SINKS) {
                    String prefix = name + "-" + s + "-";
                    if (t.transactionalId().startsWith(prefix)) {
                        String[] subtaskAndOffset = t.transactionalId().substring(prefix.length()).split("-");
                        assertEquals(2, subtaskAndOffset.length, t.transactionalId());
                        ids.get(s).merge(Integer.parseInt(subtaskAndOffset[0]), 1, Integer::sum);
                    }
                }
            }
            return ids;
        }
    }

    private static int total(Map<Integer, Integer> perSubtask) {
        return perSubtask.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void poolingReusesAFewTransactionalIdsPerSinkSubtaskWhereIncrementingLeavesOnePerCheckpoint() throws Exception {
        long pooledCheckpoints = runThroughCheckpoints("pool", "pooling");
        Map<String, Map<Integer, Integer>> pooled = transactionalIds("pool");
        long incrementedCheckpoints = runThroughCheckpoints("incr", "incrementing");
        Map<String, Map<Integer, Integer>> incremented = transactionalIds("incr");
        System.out.printf("transactional ids per sink {subtask=ids} (parallelism %d): pooling %s after %d checkpoints; "
                + "incrementing %s after %d checkpoints%n", PARALLELISM, pooled, pooledCheckpoints, incremented, incrementedCheckpoints);
        for (String sink : SINKS) {
            Map<Integer, Integer> p = pooled.get(sink);
            assertEquals(PARALLELISM, p.size(), "pooling: ids of every subtask of sink " + sink + ": " + pooled);
            p.forEach((subtask, ids) -> assertTrue(ids <= POOL_BOUND_PER_SUBTASK, "pooling: " + ids + " transactional ids for subtask "
                    + subtask + " of sink " + sink + " after " + pooledCheckpoints + " checkpoints: " + pooled));
            // One id per checkpoint per subtask (and one more for the transaction open at the start).
            int i = total(incremented.get(sink));
            assertTrue(i >= PARALLELISM * incrementedCheckpoints, "incrementing: " + i + " transactional ids for sink " + sink
                    + " after " + incrementedCheckpoints + " checkpoints: " + incremented);
        }
    }

    /**
     * The connector's exactly-once writer creates an admin client to abort lingering transactions at start-up and
     * never closes it ({@link AdminReleasingKafkaSink}): with pooling, each of the 3 sinks x {@value #PARALLELISM}
     * subtasks would leave one running per job start. The job's own sinks close them once the writers started.
     */
    @Test
    void exactlyOnceSinksLeaveNoAdminClientRunning() throws Exception {
        Set<String> before = adminClientThreads();
        List<Set<String>> whileRunning = new java.util.ArrayList<>();
        runThroughCheckpoints("admins", "pooling", () -> whileRunning.add(minus(adminClientThreads(), before)));
        // While the job runs only the Kafka source's split enumerator keeps one (and closes it when the job ends).
        Set<String> running = whileRunning.get(0);
        running.removeIf(n -> n.endsWith("-enumerator-admin-client"));
        assertEquals(Set.of(), running, "admin clients running after " + CHECKPOINTS + " checkpoints, besides the enumerator's");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<String> left = minus(adminClientThreads(), before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            left = minus(adminClientThreads(), before);
        }
        assertEquals(Set.of(), left, "admin clients still running 30 s after the job was cancelled");
    }

    private static Set<String> adminClientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("kafka-admin-client-thread")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    @Test
    void mainRefusesToSubmitWithPoolingWhenTheDeltasTopicIsMissingAndNamesIt() throws Exception {
        kafka.createTopic("nodeltas.input", 1);
        kafka.createTopic("nodeltas.dlq", 1);
        String[] args = {"--kafka.bootstrap-servers", kafka.bootstrapServers(), "--kafka.input-topics", "nodeltas.input",
                "--kafka.dead-letter-topic", "nodeltas.dlq", "--deltas.topic", "nodeltas.deltas", "--shard.count", "8",
                "--kafka.transactional-id-prefix", "nodeltas"};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SnapdeltaJob.main(args));
        assertTrue(e.getMessage().contains("This output topic does not exist on " + kafka.bootstrapServers()
                + ": 'nodeltas.deltas' (deltas.topic). Create it first: 'nodeltas.deltas' with P partitions with 1 <= P <= 8"), e.getMessage());
        assertTrue(e.getMessage().contains("--kafka.transaction-naming incrementing"), e.getMessage());
        assertFalse(e.getMessage().contains("'nodeltas.dlq'"), "the dead-letter topic exists: " + e.getMessage());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertFalse(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("nodeltas.deltas"), "the check created the topic");
        }

        // Once it exists the check passes; with incrementing it does not look.
        kafka.createTopic("nodeltas.deltas", 2);
        OutputTopicsCheck.requireOutputTopics(config(args), OutputTopicsCheck.TIMEOUT);
        OutputTopicsCheck.requireOutputTopics(config(args, "--deltas.topic", "nowhere", "--kafka.transaction-naming", "incrementing"),
                OutputTopicsCheck.TIMEOUT);
    }

    /** The configuration {@code main} builds from these arguments (the job's own loader), plus {@code more}. */
    private static Configuration config(String[] args, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return ConfigLoader.forRegistry().load(null, all);
    }
}
