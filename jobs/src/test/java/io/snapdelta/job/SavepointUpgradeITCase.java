package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.config.Configuration;
import io.snapdelta.format.BatchLayout;
import io.snapdelta.ingest.DeadLetter;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.LocalFlink;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import io.snapdelta.testing.SharedData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint compatibility across builds: a savepoint frozen from the first release of the job
 * (jobs/src/test/resources/savepoints/v1, written once by {@link FrozenSavepointGenerator}) restores into this
 * build with the same operator uids, and the deltas this build commits continue the first release's stream:
 * a replica that replayed the first release's committed batches (frozen beside the savepoint) goes on with
 * this build's batches, each shard's sequence continuing without a gap or a repeat and every digest chaining,
 * to exactly last-version-wins over both inputs. A state layout, serializer, uid or encoding change that
 * breaks operators' savepoints fails here.
 *
 * <p>The first release routed keys with sharding v1: restored with {@code shard.hash-version: 1} it continues; a
 * restore with the default (v2) must fail the job naming the shard, both versions and the option, not route keys
 * to shards that do not hold their state. The failing restore runs second (it reads the input the first left).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SavepointUpgradeITCase {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String RELEASE = "v1";
    /** Lines from the end of the capture: updates of rows the first release holds, and new rows. */
    private static final int MORE_LINES = 1500;

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker kafka;
    static LocalFlink flink;
    /** The input topic holds the first input (and, once the continuing restore ran, the new lines after it). */
    static boolean inputProduced;
    static boolean moreProduced;

    @BeforeAll
    static void startServers() {
        kafka = EmbeddedKafkaBroker.start(dir, Map.of());
        flink = LocalFlink.start(dir, FrozenSavepoint.PARALLELISM);
    }

    @AfterAll
    static void stopServers() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The first release's options and the sharding it was built with (its release.properties predate the option). */
    private static Configuration restoreConfig(String shardingVersion) {
        Map<String, String> options = new java.util.HashMap<>(FrozenSavepoint.options(kafka.bootstrapServers()));
        if (shardingVersion != null) {
            options.put(io.snapdelta.config.ShardOptions.HASH_VERSION.key(), shardingVersion);
        }
        return Configuration.fromMap(options);
    }

    /** The world the savepoint was taken in: its source offsets point just past the first input. */
    private static void createTopicsWithTheFirstInput(List<byte[]> firstInput) {
        if (!inputProduced) {
            kafka.createTopic(FrozenSavepoint.INPUT, 1);
            kafka.createTopic(FrozenSavepoint.DLQ, 1);
            kafka.createTopic(FrozenSavepoint.DELTAS, FrozenSavepoint.DELTA_PARTITIONS);
            produce(firstInput);
            inputProduced = true;
        }
    }

    private static JobClient restore(Configuration config, String name) throws Exception {
        Path savepoint = copyOf(releaseDirectory(RELEASE).resolve("savepoint"), dir.resolve("restore-" + RELEASE + "-" + name.hashCode()));
        var flinkConfig = SnapdeltaJob.flinkConfiguration(config);
        flinkConfig.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        StreamExecutionEnvironment env = flink.environment(flinkConfig);
        env.setParallelism(FrozenSavepoint.PARALLELISM);
        SnapdeltaJob.define(env, config, Parsers.from(config));
        return env.executeAsync(name);
    }

    @Test
    @Order(1)
    void aSavepointFromTheFirstReleaseRestoresIntoThisBuildWithShardingV1() throws Exception {
        Path frozen = releaseDirectory(RELEASE);
        Properties release = FrozenSavepoint.readProperties(frozen.resolve("release.properties"));
        List<byte[]> firstInput = FrozenSavepoint.firstInput();
        assertEquals(release.getProperty("input.sha256"), FrozenSavepoint.sha256(firstInput),
                "the first release's input cannot be rebuilt as it was (did the shared capture or FrozenSavepoint change?)");
        FrozenSavepoint.options("<bootstrap>").forEach((k, v) -> assertEquals(release.getProperty("option." + k), v,
                "option " + k + " differs from the frozen run's"));

        // The replica first replays what the first release committed; its finals must be the frozen ones.
        DeltasTopicReplay replica = new DeltasTopicReplay(FrozenSavepoint.DELTA_PARTITIONS, new InMemoryDictionaryStore());
        List<FrozenSavepoint.FrozenBatch> frozenBatches = FrozenSavepoint.readDeltas(frozen.resolve("deltas.bin"));
        frozenBatches.forEach(b -> replica.acceptBatch(b.shard(), b.sealed()));
        Map<Integer, String> frozenFinals = new TreeMap<>();
        for (int s = 0; s < FrozenSavepoint.SHARDS; s++) {
            frozenFinals.put(s, release.getProperty("shard." + s));
        }
        assertEquals(frozenFinals, replica.finals(FrozenSavepoint.SHARDS), "this build's reader on the first release's batches");
        assertTrue(CaptureSlice.expectedState(FrozenSavepoint.firstLines()).equals(replica.state()), "the first release's state");
        Map<Integer, Long> frozenLast = new TreeMap<>(replica.lastSequence);

        createTopicsWithTheFirstInput(firstInput);
        assertEquals("1", FrozenSavepoint.shardingVersion(release), "the first release routed with sharding v1");
        JobClient job = restore(restoreConfig(FrozenSavepoint.shardingVersion(release)), "restored from the " + RELEASE
                + " savepoint with its sharding");

        List<byte[]> all = SharedData.lines(SharedData.pgbenchSmallEvents());
        List<byte[]> more = new ArrayList<>(all.subList(all.size() - MORE_LINES, all.size()));
        byte[] bad = "{\"payload\": not json".getBytes(StandardCharsets.UTF_8);
        more.add(MORE_LINES / 2, bad);
        long offsetOfBad = firstInput.size() + MORE_LINES / 2;
        List<byte[]> good = new ArrayList<>(FrozenSavepoint.firstLines());
        good.addAll(all.subList(all.size() - MORE_LINES, all.size()));
        Map<TableKey, Row> expected = CaptureSlice.expectedState(good);
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (CommittedTopicFollower deltas = new CommittedTopicFollower(kafka.bootstrapServers(), FrozenSavepoint.DELTAS, replica::accept);
             CommittedTopicFollower dlq = new CommittedTopicFollower(kafka.bootstrapServers(), FrozenSavepoint.DLQ, dead::add)) {
            produce(more);
            moreProduced = true;
            deltas.awaitUntil(() -> expected.equals(replica.state()), WAIT,
                    "the first release's stream continued by this build to reach the input's state (" + expected.size() + " rows)");
            dlq.awaitUntil(() -> !dead.isEmpty(), WAIT, "the dead letter of the new input");
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(30, TimeUnit.SECONDS), "the restored job runs");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        // Strict replay of frozen + new batches passed as they arrived; now check what continued where.
        List<ConsumerRecord<byte[], byte[]>> newBatches = CommittedRecords.readAll(kafka.bootstrapServers(), FrozenSavepoint.DELTAS, WAIT);
        Map<Integer, Long> firstNewSequence = new TreeMap<>();
        // The header is read by the version-aware reader: this build may write a newer format than the frozen v1 batches.
        try (io.snapdelta.format.DeltaBatchReader headers = new io.snapdelta.format.DeltaBatchReader(
                io.snapdelta.config.DeltaFormatOptions.defaults(), new io.snapdelta.format.TableSchemaRegistry(), new InMemoryDictionaryStore())) {
            for (ConsumerRecord<byte[], byte[]> r : newBatches.stream().sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset)).toList()) {
                firstNewSequence.putIfAbsent(ByteBuffer.wrap(r.key()).getInt(), headers.readHeader(r.value()).sequence());
            }
        }
        firstNewSequence.forEach((shard, seq) -> assertEquals(frozenLast.getOrDefault(shard, -1L) + 1, seq,
                "shard " + shard + ": this build's first sequence continues the first release's"));
        assertTrue(firstNewSequence.keySet().containsAll(frozenLast.keySet()),
                "every shard of the first release continued: " + frozenLast.keySet() + " vs " + firstNewSequence.keySet());
        DeltasTopicReplay again = new DeltasTopicReplay(FrozenSavepoint.DELTA_PARTITIONS, new InMemoryDictionaryStore());
        frozenBatches.forEach(b -> again.acceptBatch(b.shard(), b.sealed()));
        newBatches.stream().sorted(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset)).forEach(again::accept);
        again.close();
        assertTrue(expected.equals(again.state()), "a replica of both releases' committed streams holds the input's state");

        // Dead letters: only the new input's, once; the restored source did not re-read the first input.
        List<ConsumerRecord<byte[], byte[]>> allDead = CommittedRecords.readAll(kafka.bootstrapServers(), FrozenSavepoint.DLQ, WAIT);
        assertEquals(1, allDead.size(), "dead letters after the restore");
        assertEquals(Long.toString(offsetOfBad), header(allDead.get(0), DeadLetter.OFFSET), "the dead letter's input offset");
        assertTrue(java.util.Arrays.equals(bad, allDead.get(0).value()), "dead letter bytes");
        assertEquals(FrozenSavepoint.SHARDS, replica.lastSequence.size(), "every shard has batches");
    }

    @Test
    @Order(2)
    void aSavepointFromTheFirstReleaseFailsClearlyUnderShardingV2() throws Exception {
        createTopicsWithTheFirstInput(FrozenSavepoint.firstInput());
        if (!moreProduced) {
            // Run alone: events after the savepoint's offsets, so that restored shards see a first event.
            List<byte[]> all = SharedData.lines(SharedData.pgbenchSmallEvents());
            produce(all.subList(all.size() - MORE_LINES, all.size()));
            moreProduced = true;
        }
        assertEquals(io.snapdelta.shard.ShardingVersion.V2, restoreConfig(null).get(io.snapdelta.config.ShardOptions.HASH_VERSION),
                "this test restores with the default");
        JobClient job = restore(restoreConfig(null), "restored from the " + RELEASE + " savepoint with the default sharding");
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS),
                "a restore that would route the first release's keys with another hash must fail the job");
        assertEquals(JobStatus.FAILED, job.getJobStatus().get(30, TimeUnit.SECONDS));
        String message = null;
        for (Throwable t = failed; t != null && message == null; t = t.getCause()) {
            if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("sharding version")) {
                message = t.getMessage();
            }
        }
        assertTrue(message != null, "the job's failure names the sharding mismatch: " + org.apache.flink.util.ExceptionUtils.stringifyException(failed));
        assertTrue(message.matches("shard [0-3] restored state built with sharding version 1 .*"), message);
        assertTrue(message.contains("routes keys with sharding version 2 (option shard.hash-version = 2)"), message);
        assertTrue(message.contains("Set shard.hash-version: 1 to continue this deployment"), message);
    }

    /** The frozen release directory on the test classpath (target/test-classes), failing clearly when absent. */
    private static Path releaseDirectory(String release) throws URISyntaxException {
        URL url = SavepointUpgradeITCase.class.getResource("/savepoints/" + release + "/release.properties");
        assertTrue(url != null, "frozen savepoint savepoints/" + release + " is not on the test classpath (jobs/src/test/resources)");
        return Path.of(url.toURI()).getParent();
    }

    /** A private copy, so nothing Flink does on restore can touch the frozen files. */
    private static Path copyOf(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
        return to;
    }

    private static void produce(List<byte[]> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] r : records) {
                producer.send(new ProducerRecord<>(FrozenSavepoint.INPUT, 0, null, r));
            }
            producer.flush();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
