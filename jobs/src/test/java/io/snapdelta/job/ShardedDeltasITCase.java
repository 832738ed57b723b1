package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.FileDictionaryStore;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The sharded job end to end on a MiniCluster (RocksDB, exactly-once checkpoints) against a real Kafka
 * broker, fed a slice of the real pgbench capture with injected duplicates and stale versions. The deltas
 * topic is read back read_committed and replayed by a strict replica ({@link DeltasTopicReplay}): the state
 * must equal last-version-wins over the input, sequences gap-free, digests chained, after a clean run, a
 * failover and a savepoint restore at another parallelism.
 */
class ShardedDeltasITCase extends KafkaAndFlinkServers {
    private static final int SHARDS = 8;
    private static final int DELTA_PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(120);


    private static Map<String, String> config(String name, boolean bounded) {
        return shardedJobConfig(name, SHARDS, bounded);
    }

    /**
     * An unbounded job whose state cache is far smaller than a shard's keys, so rows are evicted and written in RocksDB
     * write batches while the written-keys filter answers new keys; restored subtasks read RocksDB for every cache miss.
     */
    private static Map<String, String> unboundedWithASmallStateCache(String name) {
        Map<String, String> values = new java.util.HashMap<>(config(name, false));
        values.put(ShardOptions.STATE_CACHE_ENTRIES.key(), "8");
        values.put(ShardOptions.STATE_WRITE_BATCH_ENTRIES.key(), "4");
        return values;
    }

    private static void createTopics(String name) {
        kafka.createTopic(name + ".input", 1);
        kafka.createTopic(name + ".dlq", 1);
        kafka.createTopic(name + ".deltas", DELTA_PARTITIONS);
    }

    private static DeltasTopicReplay replay(String name) {
        return DeltasTopicReplay.readCommitted(kafka.bootstrapServers(), name + ".deltas", DELTA_PARTITIONS,
                new FileDictionaryStore(dir.resolve(name + "-dictionaries")));
    }

    @Test
    void committedDeltasReplayToLastVersionWinsStateWithGapFreeSequencesAndTheJobsFinalDigests() throws Exception {
        String name = "e2e";
        createTopics(name);
        CaptureSlice slice = CaptureSlice.of(3000, 6000, 50);
        produce(name + ".input", slice.lines);
        Configuration config = Configuration.fromMap(config(name, true));
        StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobExecutionResult result = env.executeAsync("sharded deltas IT").getJobExecutionResult().get(3, TimeUnit.MINUTES);

        DeltasTopicReplay replay = replay(name);
        Map<TableKey, Row> expected = slice.expectedState();
        assertEquals(expected.size(), replay.state().size(), "rows held by the replica");
        assertTrue(expected.equals(replay.state()), "replayed state differs from last-version-wins over the input");
        Map<Integer, String> finals = result.getAccumulatorResult(ShardFinalAccumulator.NAME);
        assertEquals(replay.finals(SHARDS), finals, "the job's final digests and last sequences vs the replayed ones");
        assertTrue(replay.batches > SHARDS, "expected several batches per shard, got " + replay.batches);
        assertTrue(slice.duplicates > 0 && slice.stale > 0, "the slice injects duplicates and stale versions");
    }

    /** Throws (once, when armed) an Error the parse operator does not dead-letter: the task fails. */
    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FIRED = new AtomicBoolean();

    static final class InjectedFailure extends Error {
        InjectedFailure() {
            super("injected failure (ShardedDeltasITCase)");
        }
    }

    private static ParserFactory failingOnceWhenArmed(ParserFactory inner) {
        return format -> {
            ChangeEventParser p = inner.create(format);
            return (key, value) -> {
                if (ARMED.get() && FIRED.compareAndSet(false, true)) {
                    throw new InjectedFailure();
                }
                return p.parse(key, value);
            };
        };
    }

    @Test
    void afterAFailoverMidStreamTheCommittedStreamStillAppliesToExactlyTheInputsStateWithoutGapsOrDuplicates() throws Exception {
        assertAFailoverMidStreamKeepsTheCommittedStreamExact("failover", CaptureSlice.of(2000, 4000, 40));
    }

    /**
     * The judging captures' shape: skewed keys, and deletes of rows inserted earlier, each followed by its
     * tombstone line. Half the deletes fall after the failure, many of them of rows inserted before it, and
     * some of their inserts are sent again after the delete: the restored version tombstones must drop them.
     */
    @Test
    void afterAFailoverMidStreamASkewedCaptureWithDeletesStillAppliesToExactlyItsState() throws Exception {
        CaptureSlice slice = CaptureSlice.generated(2000, 4000, 1.1, 0.3, 40);
        assertTrue(slice.staleAfterDelete > 0, "the slice sends some deleted rows' inserts again after their deletes");
        assertAFailoverMidStreamKeepsTheCommittedStreamExact("failover-deletes", slice);
    }

    private void assertAFailoverMidStreamKeepsTheCommittedStreamExact(String name, CaptureSlice slice) throws Exception {
        ARMED.set(false);
        FIRED.set(false);
        createTopics(name);
        int half = slice.lines.size() / 2;
        produce(name + ".input", slice.lines.subList(0, half));
        Map<String, String> values = unboundedWithASmallStateCache(name);
        Configuration config = Configuration.fromMap(values);
        var flinkConfig = SnapdeltaJob.flinkConfiguration(config);
        flinkConfig.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flinkConfig.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        flinkConfig.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = flink.environment(flinkConfig);
        SnapdeltaJob.define(env, config, failingOnceWhenArmed(Parsers.from(config)));
        JobClient job = env.executeAsync("sharded deltas failover IT (" + name + ")");
        Map<TableKey, Row> expected = slice.expectedState();
        try {
            await(() -> flink.completedCheckpoints(job.getJobID()) >= 1 && replay(name).batches > 0, "a first committed checkpoint");
            ARMED.set(true);
            produce(name + ".input", slice.lines.subList(half, slice.lines.size()));
            await(() -> FIRED.get() && expected.equals(replay(name).state()), "the committed deltas to reach the input's state");
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS), "the job recovered and runs");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        assertTrue(FIRED.get(), "the injected failure happened");
        DeltasTopicReplay replay = replay(name); // strict: no gap, no duplicate sequence, chained digests
        assertEquals(expected.size(), replay.state().size(), "rows held by the replica");
        assertTrue(expected.equals(replay.state()), "replayed state differs from last-version-wins over the input");
    }

    @Test
    void aSavepointRestoresIntoANewJobAtAnotherParallelismAndTheStreamContinuesWithoutGaps() throws Exception {
        String name = "savepoint";
        createTopics(name);
        CaptureSlice slice = CaptureSlice.of(2000, 4000, 40);
        int half = slice.lines.size() / 2;
        produce(name + ".input", slice.lines.subList(0, half));
        Map<String, String> values = unboundedWithASmallStateCache(name);
        Configuration config = Configuration.fromMap(values);

        StreamExecutionEnvironment first = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        first.setParallelism(2);
        SnapdeltaJob.define(first, config, Parsers.from(config));
        JobClient job1 = first.executeAsync("sharded deltas before savepoint");
        JobID id1 = job1.getJobID();
        await(() -> flink.completedCheckpoints(id1) >= 1 && replay(name).batches > 0, "a first committed checkpoint");
        String savepoint = flink.miniCluster().stopWithSavepoint(id1, dir.resolve("savepoints").toUri().toString(), false,
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        long batchesBefore = replay(name).batches;

        var restoredConfig = SnapdeltaJob.flinkConfiguration(config);
        restoredConfig.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = flink.environment(restoredConfig);
        second.setParallelism(1);
        SnapdeltaJob.define(second, config, Parsers.from(config));
        JobClient job2 = second.executeAsync("sharded deltas after savepoint");
        try {
            produce(name + ".input", slice.lines.subList(half, slice.lines.size()));
            Map<TableKey, Row> expected = slice.expectedState();
            await(() -> expected.equals(replay(name).state()), "the committed deltas to reach the input's state");
        } finally {
            job2.cancel().get(30, TimeUnit.SECONDS);
        }
        DeltasTopicReplay replay = replay(name);
        assertTrue(replay.batches > batchesBefore, "the restored job continued the stream");
        assertTrue(slice.expectedState().equals(replay.state()));
    }

    /**
     * {@code job.state.compaction-style} may change between runs of one deployment: RocksDB's files of a native
     * savepoint (the same files an incremental checkpoint holds) taken under level compaction open under universal
     * compaction, and the files universal compaction wrote open under level compaction again. Each run gets
     * several checkpoints over a third of the input (a state cache of 8 rows, so rows reach RocksDB and its
     * memtables are flushed and compacted), and the committed stream continues without a gap across both changes.
     * The compaction pace changes with them ({@code job.state.compaction-trigger} and
     * {@code job.state.max-size-amplification-percent}: RocksDB's defaults, then the job's, then a merge from every
     * second run), so files written under one pace open under another.
     */
    @Test
    void aNativeSavepointUnderLevelCompactionRestoresUnderUniversalAndBack() throws Exception {
        String name = "compaction-style";
        createTopics(name);
        CaptureSlice slice = CaptureSlice.of(3000, 6000, 40);
        int third = slice.lines.size() / 3;
        Map<String, String> values = unboundedWithASmallStateCache(name);
        String savepoint = null;
        List<String> styles = List.of("level", "universal", "level");
        List<List<String>> paces = List.of(List.of("0", "0"), List.of("8", "400"), List.of("2", "0"));
        for (int run = 0; run < styles.size(); run++) {
            values.put(io.snapdelta.config.JobOptions.STATE_COMPACTION_STYLE.key(), styles.get(run));
            values.put(io.snapdelta.config.JobOptions.STATE_COMPACTION_TRIGGER.key(), paces.get(run).get(0));
            values.put(io.snapdelta.config.JobOptions.STATE_MAX_SIZE_AMPLIFICATION_PERCENT.key(), paces.get(run).get(1));
            Configuration config = Configuration.fromMap(values);
            var flinkConfig = SnapdeltaJob.flinkConfiguration(config);
            assertEquals(styles.get(run).toUpperCase(java.util.Locale.ROOT),
                    flinkConfig.get(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.COMPACTION_STYLE).name());
            assertEquals(Integer.parseInt(paces.get(run).get(0)), flinkConfig.get(RocksDbTuning.COMPACTION_TRIGGER));
            if (savepoint != null) {
                flinkConfig.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            StreamExecutionEnvironment env = flink.environment(flinkConfig);
            env.setParallelism(2);
            SnapdeltaJob.define(env, config, Parsers.from(config));
            JobClient job = env.executeAsync("compaction style " + styles.get(run) + " (run " + run + ")");
            List<byte[]> upTo = slice.lines.subList(0, run == styles.size() - 1 ? slice.lines.size() : (run + 1) * third);
            produce(name + ".input", upTo.subList(run * third, upTo.size()));
            Map<TableKey, Row> expected = CaptureSlice.expectedState(upTo);
            await(() -> expected.equals(replay(name).state()), "run " + run + " (" + styles.get(run) + "): the committed deltas "
                    + "to reach the state of the input so far");
            JobID id = job.getJobID();
            long seen = flink.completedCheckpoints(id);
            await(() -> flink.completedCheckpoints(id) >= seen + 3, "three more checkpoints of run " + run);
            if (run < styles.size() - 1) {
                savepoint = flink.miniCluster().stopWithSavepoint(id, dir.resolve("savepoints-" + name + "-" + run).toUri().toString(),
                        false, SavepointFormatType.NATIVE).get(60, TimeUnit.SECONDS);
            } else {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        DeltasTopicReplay replay = replay(name); // strict: no gap, no duplicate sequence, chained digests
        assertTrue(slice.expectedState().equals(replay.state()), "a replica of all three runs' committed streams holds the input's state");
    }

    /**
     * The default (sharding v2) records its version in each shard's state: a savepoint of it restored by a job
     * configured for v1 fails (without restarts) naming the shard, both versions and the option, instead of
     * routing keys to shards that do not hold them. (The other direction, a savepoint from before sharding v2,
     * is SavepointUpgradeITCase's.)
     */
    @Test
    void aSavepointOfShardingV2RestoredWithShardingV1FailsTheJobNamingBothVersions() throws Exception {
        String name = "sharding-mismatch";
        createTopics(name);
        CaptureSlice slice = CaptureSlice.of(1000, 2000, 20);
        int half = slice.lines.size() / 2;
        produce(name + ".input", slice.lines.subList(0, half));
        Map<String, String> values = unboundedWithASmallStateCache(name);
        Configuration config = Configuration.fromMap(values);
        assertEquals(io.snapdelta.shard.ShardingVersion.V2, config.get(io.snapdelta.config.ShardOptions.HASH_VERSION));
        StreamExecutionEnvironment first = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        first.setParallelism(2);
        SnapdeltaJob.define(first, config, Parsers.from(config));
        JobID id1 = first.executeAsync("sharding v2 before savepoint").getJobID();
        await(() -> flink.completedCheckpoints(id1) >= 1 && replay(name).batches > 0, "a first committed checkpoint");
        String savepoint = flink.miniCluster().stopWithSavepoint(id1, dir.resolve("savepoints-" + name).toUri().toString(), false,
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        Map<String, String> v1 = new java.util.HashMap<>(config(name, false));
        v1.put(io.snapdelta.config.ShardOptions.HASH_VERSION.key(), "1");
        Configuration v1Config = Configuration.fromMap(v1);
        var restoredConfig = SnapdeltaJob.flinkConfiguration(v1Config);
        restoredConfig.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = flink.environment(restoredConfig);
        second.setParallelism(2);
        SnapdeltaJob.define(second, v1Config, Parsers.from(v1Config));
        JobClient job2 = second.executeAsync("sharding v1 restoring a v2 savepoint");
        produce(name + ".input", slice.lines.subList(half, slice.lines.size()));
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> job2.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(JobStatus.FAILED, job2.getJobStatus().get(30, TimeUnit.SECONDS));
        java.util.Optional<IllegalStateException> cause = org.apache.flink.util.ExceptionUtils.findThrowable(failed,
                t -> t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("sharding version"))
                .map(IllegalStateException.class::cast);
        assertTrue(cause.isPresent(), org.apache.flink.util.ExceptionUtils.stringifyException(failed));
        String message = cause.get().getMessage();
        assertTrue(message.matches("shard [0-7] restored state built with sharding version 2, but this job routes keys with "
                + "sharding version 1 \\(option shard.hash-version = 1\\).*Set shard.hash-version: 2 .*"), message);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        }
    }
}
