package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.ingest.DeadLetter;
import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.FlinkLibDirectory;
import io.snapdelta.localstack.FlinkRestClient;
import io.snapdelta.localstack.JarRunRequest;
import io.snapdelta.localstack.StandaloneFlinkCluster;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shaded job jar (built by {@code package}) on a real standalone Flink cluster: JobManager and
 * TaskManager as separate JVMs from Flink's Maven Central jars, the jar uploaded and run through the REST API
 * the way an operator does, against a real Kafka broker. Failsafe runs it in {@code integration-test}
 * ({@code ./mvnw -B verify}); the jar's path comes in as {@code snapdelta.job.jar}, Flink's lib/ as
 * {@code snapdelta.flink.lib}.
 *
 * <p>The input is a slice of the real pgbench-small capture (with injected duplicates and stale versions, see
 * {@link CaptureSlice}) in three rounds, with malformed records spread through them, on two input partitions
 * keyed by (table, key) as Debezium partitions. The TaskManager is killed with SIGKILL while round B is in
 * flight and replaced; then the job is stopped with a savepoint and resubmitted from it for round C. Checked
 * on the product's output: a strict replica follows the deltas topic (read_committed) and after every round
 * must hold exactly last-version-wins over the input so far, with every batch's checksum, sequence 0, 1, 2...
 * per shard (a gap or a repeated sequence fails at once) and the digest chain; every bad record is in the
 * dead-letter topic exactly once with a reason. A lost batch, a batch repeated by the replay after the kill,
 * or a re-read of the input after the savepoint restore would each fail it.
 */
class SnapdeltaJobOnStandaloneClusterIT {
    private static final Logger LOG = LoggerFactory.getLogger(SnapdeltaJobOnStandaloneClusterIT.class);
    private static final String INPUT = "cluster-it.cdc";
    private static final String DLQ = "cluster-it.dead-letters";
    private static final String DELTAS = "cluster-it.deltas";
    private static final int INPUT_PARTITIONS = 2;
    private static final int DELTA_PARTITIONS = 3;
    private static final int SHARDS = 8;
    private static final int PARALLELISM = 2;
    // Generous: the 2-core build machine is shared; each wait ends as soon as its condition holds.
    private static final Duration WAIT = Duration.ofMinutes(3);

    static Path workDir;
    static EmbeddedKafkaBroker kafka;
    static StandaloneFlinkCluster flink;

    private final DebeziumJsonParser parser = new DebeziumJsonParser();
    /** The valid capture lines sent so far, in order: the expected state is last-version-wins over them. */
    private final List<byte[]> sentGood = new ArrayList<>();
    /** Expected dead letters by input position (topic-partition@offset). */
    private final Map<String, byte[]> expectedDead = new TreeMap<>();
    /** Dead letters committed so far, by the input position their headers name. */
    private final Map<String, byte[]> committedDead = new TreeMap<>();
    private final DeltasTopicReplay replica = new DeltasTopicReplay(DELTA_PARTITIONS, new InMemoryDictionaryStore());
    private int sentCount;

    @BeforeAll
    static void startServers() throws Exception {
        workDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "cluster-it-");
        kafka = EmbeddedKafkaBroker.start(workDir, Map.of());
        flink = StandaloneFlinkCluster.builder(FlinkLibDirectory.fromSystemProperty()).workParent(workDir).slots(PARALLELISM).start();
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

    @Test
    void shadedJarOnRestSurvivesTaskManagerKillAndSavepointRestartAndItsCommittedDeltasReplayToExactlyTheInputsState() throws Exception {
        long started = System.nanoTime();
        Path jar = jobJar();
        kafka.createTopic(INPUT, INPUT_PARTITIONS);
        kafka.createTopic(DLQ, 1);
        kafka.createTopic(DELTAS, DELTA_PARTITIONS);
        FlinkRestClient rest = flink.rest();
        CaptureSlice slice = CaptureSlice.of(1500, 3000, 37);
        List<List<byte[]>> rounds = thirds(slice.lines);
        List<byte[]> malformed = new PgbenchDebeziumWorkload(10, 10, 7).malformedLines();

        String jarId = rest.uploadJar(jar);
        JarRunRequest run = JarRunRequest.of("io.snapdelta.job.SnapdeltaJob", List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.input-topics", INPUT,
                "--kafka.input-format", "debezium-json",
                "--kafka.dead-letter-topic", DLQ,
                "--kafka.transactional-id-prefix", "cluster-it",
                "--kafka.transaction-timeout", "60s",
                "--deltas.topic", DELTAS,
                "--shard.count", Integer.toString(SHARDS),
                "--batch.latency-budget", "50ms",
                "--job.input.starting-offsets", "earliest",
                "--job.checkpoint.interval", "500ms"), PARALLELISM);
        String jobId = rest.runJar(jarId, run);
        rest.awaitAllTasksRunning(jobId, WAIT);

        try (KafkaProducer<byte[], byte[]> producer = producer();
             CommittedTopicFollower deltas = new CommittedTopicFollower(kafka.bootstrapServers(), DELTAS, replica::accept);
             CommittedTopicFollower dead = new CommittedTopicFollower(kafka.bootstrapServers(), DLQ, this::deadLetter)) {
            // Round A: the running job turns it into exactly the expected state.
            produce(producer, withMalformed(rounds.get(0), malformed.subList(0, 2)));
            awaitCommittedOutputIsExactlyExpected(deltas, dead, "round A");

            // Round B, first half: wait until some of it is committed, so the job is demonstrably mid-stream.
            List<byte[]> roundB = withMalformed(rounds.get(1), malformed.subList(2, 4));
            long batchesBefore = replica.batches;
            produce(producer, roundB.subList(0, roundB.size() / 2));
            deltas.awaitUntil(() -> replica.batches > batchesBefore, WAIT, "first committed batch of round B");
            // The second half goes out and the TaskManager dies at once: its batches sit in open transactions
            // or its input unread in Kafka; the committed part must neither be lost nor repeated.
            long oldTm = flink.taskManagerPid();
            produce(producer, roundB.subList(roundB.size() / 2, roundB.size()));
            flink.killTaskManager();
            String newTm = flink.startTaskManager();
            assertNotEquals(oldTm, flink.taskManagerPid());
            rest.awaitAllTasksRunning(jobId, WAIT);
            awaitCommittedOutputIsExactlyExpected(deltas, dead, "round B, after the TaskManager kill");
            List<JsonNode> failures = rest.exceptionHistory(jobId);
            assertFalse(failures.isEmpty(), "the job never failed over after its TaskManager was killed");
            LOG.info("Job {} recovered onto TaskManager {} after {} failure(s), first: {}", jobId, newTm, failures.size(),
                    failures.get(failures.size() - 1).path("exceptionName").asText());

            // Upgrade path: stop with a savepoint, resubmit the jar from it (a new job id, the same state).
            String savepoint = rest.stopWithSavepoint(jobId, flink.savepointDirectory().toString(), WAIT);
            assertEquals("FINISHED", rest.jobState(jobId));
            long batchesAtSavepoint = replica.batches;
            String restored = rest.runJar(rest.uploadJar(jar), run.fromSavepoint(savepoint));
            assertNotEquals(jobId, restored);
            rest.awaitAllTasksRunning(restored, WAIT);
            produce(producer, withMalformed(rounds.get(2), malformed.subList(4, malformed.size())));
            awaitCommittedOutputIsExactlyExpected(deltas, dead, "round C, after the restart from " + savepoint);
            assertTrue(replica.batches > batchesAtSavepoint, "the restored job continued the stream");
            rest.cancel(restored, WAIT);
        }

        // From scratch once more, after the last job is gone: the whole committed stream, strictly.
        DeltasTopicReplay fresh = DeltasTopicReplay.readCommitted(kafka.bootstrapServers(), DELTAS, DELTA_PARTITIONS, new InMemoryDictionaryStore());
        Map<TableKey, Row> expected = CaptureSlice.expectedState(sentGood);
        assertEquals(expected.size(), fresh.state().size(), "rows held by a replica of the whole committed stream");
        assertTrue(expected.equals(fresh.state()), "a replica of the whole committed stream differs from the input's state");
        assertEquals(replica.finals(SHARDS), fresh.finals(SHARDS), "last sequences and digests, followed vs from scratch");
        Map<String, byte[]> deadAgain = new TreeMap<>();
        CommittedRecords.readAll(kafka.bootstrapServers(), DLQ, WAIT).forEach(r -> collectDeadLetter(r, deadAgain, "at the end"));
        assertEquals(expectedDead.keySet(), deadAgain.keySet(), "dead letters at the end");
        assertTrue(slice.duplicates > 0 && slice.stale > 0, "the slice injects duplicates and stale versions");
        LOG.info("{} input records ({} duplicates, {} stale injected) -> {} rows in {} committed batches ({} bytes) over {} shards "
                        + "and {} dead letters, exactly once; test took {} s", sentCount, slice.duplicates, slice.stale,
                expected.size(), fresh.batches, fresh.bytes, fresh.shards.size(), expectedDead.size(),
                (System.nanoTime() - started) / 1_000_000_000);
    }

    private static Path jobJar() {
        String path = System.getProperty("snapdelta.job.jar");
        assertTrue(path != null && !path.isBlank(), "system property snapdelta.job.jar is not set (run through `./mvnw verify`)");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "shaded job jar " + jar + " does not exist: failsafe must run after `package`");
        return jar;
    }

    /** Three consecutive parts of {@code lines}. */
    private static List<List<byte[]>> thirds(List<byte[]> lines) {
        int n = lines.size();
        return List.of(lines.subList(0, n / 3), lines.subList(n / 3, 2 * n / 3), lines.subList(2 * n / 3, n));
    }

    /** {@code good} with the {@code bad} records spread evenly through it. */
    private static List<byte[]> withMalformed(List<byte[]> good, List<byte[]> bad) {
        List<byte[]> out = new ArrayList<>(good);
        for (int i = 0; i < bad.size(); i++) {
            out.add((int) ((long) (i + 1) * good.size() / (bad.size() + 1)) + i, bad.get(i));
        }
        return out;
    }

    /**
     * Sends {@code lines}, each valid one to the input partition of its (table, key) so per-key order holds as
     * with Debezium, and records what the job must make of each: a valid line joins the expected state, a line
     * the parser rejects must come out as a dead letter naming its input position.
     */
    private void produce(KafkaProducer<byte[], byte[]> producer, List<byte[]> lines) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<Boolean> valid = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            boolean ok = parses(line);
            valid.add(ok);
            int partition = ok ? Math.floorMod(CaptureSlice.keyOf(line).hashCode(), INPUT_PARTITIONS) : (sentCount + i) % INPUT_PARTITIONS;
            acks.add(producer.send(new ProducerRecord<>(INPUT, partition, null, line)));
        }
        for (int i = 0; i < lines.size(); i++) {
            RecordMetadata md = acks.get(i).get();
            if (valid.get(i)) {
                sentGood.add(lines.get(i));
            } else {
                expectedDead.put(md.topic() + "-" + md.partition() + "@" + md.offset(), lines.get(i));
            }
        }
        sentCount += lines.size();
    }

    /** True for a change event, false for a record the parser rejects; a tombstone has no place in this input. */
    private boolean parses(byte[] line) {
        try {
            assertTrue(parser.parse(null, line) != null, "the test input holds no tombstones");
            return true;
        } catch (ParseException e) {
            return false;
        }
    }

    /**
     * Follows the committed deltas and dead letters until the replica holds exactly the expected state and every
     * expected dead letter is there (each batch is checked strictly as it arrives, each dead letter for being
     * new), then checks the dead letters are exactly the bad input, unaltered.
     */
    private void awaitCommittedOutputIsExactlyExpected(CommittedTopicFollower deltas, CommittedTopicFollower dead, String when) {
        Map<TableKey, Row> expected = CaptureSlice.expectedState(sentGood);
        deltas.awaitUntil(() -> expected.equals(replica.state()), WAIT, "the replica to reach the input's state " + when
                + " (" + expected.size() + " rows)");
        dead.awaitUntil(() -> committedDead.size() >= expectedDead.size(), WAIT, expectedDead.size() + " dead letters " + when);
        assertEquals(expectedDead.keySet(), committedDead.keySet(), "dead-letter positions " + when);
        expectedDead.forEach((pos, bytes) -> assertTrue(Arrays.equals(bytes, committedDead.get(pos)), "dead letter " + pos + " altered"));
        LOG.info("Committed output exact {}: {} rows from {} batches over {} shards, {} dead letters", when, expected.size(),
                replica.batches, replica.shards.size(), committedDead.size());
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r) {
        collectDeadLetter(r, committedDead, "while following");
    }

    private static void collectDeadLetter(ConsumerRecord<byte[], byte[]> r, Map<String, byte[]> into, String when) {
        String pos = header(r, DeadLetter.TOPIC) + "-" + header(r, DeadLetter.PARTITION) + "@" + header(r, DeadLetter.OFFSET);
        assertEquals(null, into.put(pos, r.value()), "dead-lettered twice " + when + ": " + pos);
        String reason = header(r, DeadLetter.REASON);
        assertTrue(reason != null && !reason.isBlank(), "no reason on dead letter " + pos);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
