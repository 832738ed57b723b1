package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.snapdelta.ingest.DeadLetter;
import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.SnapdeltaJsonWriter;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.FlinkLibDirectory;
import io.snapdelta.localstack.FlinkRestClient;
import io.snapdelta.localstack.JarRunRequest;
import io.snapdelta.localstack.StandaloneFlinkCluster;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
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
 * <p>Input in four rounds of Debezium lines with malformed records spread through them; the TaskManager is
 * killed with SIGKILL while round B is in flight and replaced; the job is then stopped with a savepoint and
 * resubmitted from it. After every round the committed output (read_committed) must be exactly the expected
 * output so far: every valid event once in the valid-events topic, every bad record once in the dead-letter
 * topic. A lost record, a duplicate from the replay after the kill, or a re-read of the input after the
 * savepoint restore (the job starts at the earliest offsets when it has no state) would each fail it.
 */
class SnapdeltaJobOnStandaloneClusterIT {
    private static final Logger LOG = LoggerFactory.getLogger(SnapdeltaJobOnStandaloneClusterIT.class);
    private static final String INPUT = "cluster-it.cdc";
    private static final String DLQ = "cluster-it.dead-letters";
    private static final String EVENTS = "cluster-it.events";
    private static final int PARALLELISM = 2;
    // Generous: the 2-core build machine is shared; each wait ends as soon as its condition holds.
    private static final Duration WAIT = Duration.ofMinutes(3);

    static Path workDir;
    static EmbeddedKafkaBroker kafka;
    static StandaloneFlinkCluster flink;

    private final DebeziumJsonParser parser = new DebeziumJsonParser();
    private final SnapdeltaJsonWriter writer = new SnapdeltaJsonWriter();
    /** Expected valid-events topic content: base64 of the snapdelta JSON encoding -> count. */
    private final Map<String, Integer> expectedEvents = new HashMap<>();
    /** Expected dead letters by input position (topic-partition@offset). */
    private final Map<String, byte[]> expectedDead = new TreeMap<>();
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
    void shadedJarSubmittedOverRestSurvivesTaskManagerKillAndSavepointRestartWithExactlyOnceOutput() throws Exception {
        Path jar = jobJar();
        kafka.createTopic(INPUT, 2);
        kafka.createTopic(DLQ, 1);
        kafka.createTopic(EVENTS, 2);
        FlinkRestClient rest = flink.rest();

        String jarId = rest.uploadJar(jar);
        JarRunRequest run = JarRunRequest.of("io.snapdelta.job.SnapdeltaJob", List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.input-topics", INPUT,
                "--kafka.input-format", "debezium-json",
                "--kafka.dead-letter-topic", DLQ,
                "--kafka.transactional-id-prefix", "cluster-it",
                "--kafka.transaction-timeout", "60s",
                "--job.valid-events-topic", EVENTS,
                "--job.input.starting-offsets", "earliest",
                "--job.checkpoint.interval", "500ms"), PARALLELISM);
        String jobId = rest.runJar(jarId, run);
        rest.awaitAllTasksRunning(jobId, WAIT);

        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // Round A: the running job turns it into exactly the expected output.
            produce(producer, new PgbenchDebeziumWorkload(40, 60, 1).linesWithMalformed());
            awaitCommittedOutputIsExactlyExpected("round A");

            // Round B, first half: wait until some of it is committed, so the job is demonstrably mid-stream.
            List<byte[]> roundB = new PgbenchDebeziumWorkload(40, 60, 2).linesWithMalformed();
            int committedBefore = committedEventCount();
            produce(producer, roundB.subList(0, roundB.size() / 2));
            awaitAtLeast(() -> committedEventCount(), committedBefore + 1, "first output of round B");
            // Second half goes out and the TaskManager dies at once: its records sit in open transactions
            // or unread in Kafka; the committed part must neither be lost nor repeated.
            long oldTm = flink.taskManagerPid();
            produce(producer, roundB.subList(roundB.size() / 2, roundB.size()));
            flink.killTaskManager();
            String newTm = flink.startTaskManager();
            assertNotEquals(oldTm, flink.taskManagerPid());
            rest.awaitAllTasksRunning(jobId, WAIT);
            awaitCommittedOutputIsExactlyExpected("round B, after the TaskManager kill");
            List<JsonNode> failures = rest.exceptionHistory(jobId);
            assertFalse(failures.isEmpty(), "the job never failed over after its TaskManager was killed");
            LOG.info("Job {} recovered onto TaskManager {} after {} failure(s), first: {}", jobId, newTm, failures.size(),
                    failures.get(failures.size() - 1).path("exceptionName").asText());

            // Round C on the replacement TaskManager.
            produce(producer, new PgbenchDebeziumWorkload(30, 40, 3).linesWithMalformed());
            awaitCommittedOutputIsExactlyExpected("round C");

            // Upgrade path: stop with a savepoint, resubmit the jar from it (a new job id, the same state).
            String savepoint = rest.stopWithSavepoint(jobId, flink.savepointDirectory().toString(), WAIT);
            assertEquals("FINISHED", rest.jobState(jobId));
            String restored = rest.runJar(rest.uploadJar(jar), run.fromSavepoint(savepoint));
            assertNotEquals(jobId, restored);
            rest.awaitAllTasksRunning(restored, WAIT);
            produce(producer, new PgbenchDebeziumWorkload(30, 40, 4).linesWithMalformed());
            awaitCommittedOutputIsExactlyExpected("round D, after the restart from " + savepoint);

            rest.cancel(restored, WAIT);
        }
        LOG.info("{} input records -> {} valid events and {} dead letters, exactly once", sentCount,
                expectedEvents.values().stream().mapToInt(Integer::intValue).sum(), expectedDead.size());
    }

    private static Path jobJar() {
        String path = System.getProperty("snapdelta.job.jar");
        assertTrue(path != null && !path.isBlank(), "system property snapdelta.job.jar is not set (run through `./mvnw verify`)");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "shaded job jar " + jar + " does not exist: failsafe must run after `package`");
        return jar;
    }

    /** Sends {@code lines} round-robin over the input partitions and records what the job must make of each. */
    private void produce(KafkaProducer<byte[], byte[]> producer, List<byte[]> lines) throws Exception {
        List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            acks.add(producer.send(new ProducerRecord<>(INPUT, (sentCount + i) % 2, null, lines.get(i))));
        }
        for (int i = 0; i < lines.size(); i++) {
            RecordMetadata md = acks.get(i).get();
            byte[] line = lines.get(i);
            ChangeEvent event;
            try {
                event = parser.parse(null, line);
            } catch (io.snapdelta.ingest.ParseException e) {
                expectedDead.put(md.topic() + "-" + md.partition() + "@" + md.offset(), line);
                continue;
            }
            if (event != null) {
                expectedEvents.merge(b64(writer.write(event)), 1, Integer::sum);
            }
        }
        sentCount += lines.size();
    }

    /**
     * Waits until the committed output has as many records as expected, then checks it is exactly the expected
     * output (a duplicate or a stray record fails the exact comparison).
     */
    private void awaitCommittedOutputIsExactlyExpected(String when) {
        int expectedCount = expectedEvents.values().stream().mapToInt(Integer::intValue).sum();
        awaitAtLeast(this::committedEventCount, expectedCount, "valid events committed " + when);
        awaitAtLeast(() -> committed(DLQ).size(), expectedDead.size(), "dead letters committed " + when);

        Map<String, Integer> events = new HashMap<>();
        committed(EVENTS).forEach(r -> events.merge(b64(r.value()), 1, Integer::sum));
        assertEquals(expectedCount, events.values().stream().mapToInt(Integer::intValue).sum(), "valid events committed " + when);
        assertTrue(expectedEvents.equals(events), "valid-events topic " + when + " differs from the good input (loss or duplicate)");

        Map<String, byte[]> dead = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : committed(DLQ)) {
            String pos = header(r, DeadLetter.TOPIC) + "-" + header(r, DeadLetter.PARTITION) + "@" + header(r, DeadLetter.OFFSET);
            assertEquals(null, dead.put(pos, r.value()), "dead-lettered twice " + when + ": " + pos);
            assertFalse(header(r, DeadLetter.REASON).isBlank(), "no reason on dead letter " + pos);
        }
        assertEquals(expectedDead.keySet(), dead.keySet(), "dead-letter positions " + when);
        expectedDead.forEach((pos, bytes) -> assertTrue(Arrays.equals(bytes, dead.get(pos)), "dead letter " + pos + " altered"));
        LOG.info("Committed output exact {}: {} valid events, {} dead letters", when, expectedCount, dead.size());
    }

    private int committedEventCount() {
        return committed(EVENTS).size();
    }

    private static List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
        return CommittedRecords.readAll(kafka.bootstrapServers(), topic, WAIT);
    }

    /** Polls until {@code count} reaches {@code expected}; fails when the wait runs out. */
    private static void awaitAtLeast(IntSupplier count, int expected, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int last = count.getAsInt();
        while (last < expected) {
            assertTrue(System.nanoTime() < deadline, what + ": " + last + " of " + expected + " after " + WAIT);
            last = count.getAsInt(); // each read is a full read_committed scan of the topic, no sleep needed
        }
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

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
