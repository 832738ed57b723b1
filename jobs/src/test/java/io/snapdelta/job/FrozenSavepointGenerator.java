package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.LocalFlink;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a frozen savepoint of this build of the job (see {@link FrozenSavepoint} and
 * jobs/src/test/resources/savepoints/README.md). NOT a regular test: its name matches none of surefire's
 * patterns, so it runs only when named, and then only with {@code -Dsnapdelta.savepoint.regenerate=<release>}
 * and only into a release directory that does not exist yet:
 * <pre>
 *   ./mvnw -B -q -pl jobs -am test -Dtest=FrozenSavepointGenerator -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dsnapdelta.savepoint.regenerate=v2
 * </pre>
 * A released directory is never rewritten: it stands for what an operator's savepoint of that release holds.
 */
class FrozenSavepointGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenSavepointGenerator.class);
    static final String PROPERTY = "snapdelta.savepoint.regenerate";
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void writeAFrozenSavepointOfThisBuild() throws Exception {
        String release = System.getProperty(PROPERTY, "");
        assertTrue(release.matches("v[0-9]+"), "name the release directory to create: -D" + PROPERTY + "=v<N> (got '" + release + "')");
        Path root = Path.of(System.getProperty("snapdelta.root.dir", ""));
        Path target = root.resolve("jobs/src/test/resources/savepoints").resolve(release);
        assertTrue(Files.isDirectory(root.resolve("jobs/src/test/resources")), "snapdelta.root.dir does not point at the repository: " + root);
        assertFalse(Files.exists(target), target + " exists: a released savepoint is never regenerated (see the README there)");

        List<byte[]> input = FrozenSavepoint.firstInput();
        Map<TableKey, Row> expected = CaptureSlice.expectedState(FrozenSavepoint.firstLines());
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir, Map.of()); LocalFlink flink = LocalFlink.start(dir, FrozenSavepoint.PARALLELISM)) {
            kafka.createTopic(FrozenSavepoint.INPUT, 1);
            kafka.createTopic(FrozenSavepoint.DLQ, 1);
            kafka.createTopic(FrozenSavepoint.DELTAS, FrozenSavepoint.DELTA_PARTITIONS);
            produce(kafka, input);
            Configuration config = Configuration.fromMap(FrozenSavepoint.options(kafka.bootstrapServers()));
            StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
            env.setParallelism(FrozenSavepoint.PARALLELISM);
            SnapdeltaJob.define(env, config, Parsers.from(config));
            JobClient job = env.executeAsync("frozen savepoint " + release);
            JobID id = job.getJobID();

            DeltasTopicReplay replica = new DeltasTopicReplay(FrozenSavepoint.DELTA_PARTITIONS, new InMemoryDictionaryStore());
            try (CommittedTopicFollower deltas = new CommittedTopicFollower(kafka.bootstrapServers(), FrozenSavepoint.DELTAS, replica::accept)) {
                deltas.awaitUntil(() -> expected.equals(replica.state()), WAIT, "the committed deltas to reach the input's state");
            }
            // One more completed checkpoint after everything is committed: the savepoint then holds no open
            // transaction, so it restores against any broker (a test's fresh one included).
            long checkpoints = flink.completedCheckpoints(id);
            awaitCheckpoint(flink, id, checkpoints + 2);
            String savepoint = flink.miniCluster().stopWithSavepoint(id, dir.resolve("savepoints").toUri().toString(), false,
                    SavepointFormatType.CANONICAL).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            List<ConsumerRecord<byte[], byte[]>> committed = new ArrayList<>(CommittedRecords.readAll(kafka.bootstrapServers(), FrozenSavepoint.DELTAS, WAIT));
            committed.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
            DeltasTopicReplay check = new DeltasTopicReplay(FrozenSavepoint.DELTA_PARTITIONS, new InMemoryDictionaryStore());
            List<FrozenSavepoint.FrozenBatch> batches = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : committed) {
                check.accept(r);
                batches.add(new FrozenSavepoint.FrozenBatch(java.nio.ByteBuffer.wrap(r.key()).getInt(), r.partition(), r.value()));
            }
            assertTrue(expected.equals(check.state()), "nothing may be committed after the state was reached");

            Files.createDirectories(target);
            copyTree(Path.of(URI.create(savepoint)), target.resolve("savepoint"));
            FrozenSavepoint.writeDeltas(target.resolve("deltas.bin"), batches);
            Properties p = new Properties();
            p.setProperty("release", release);
            p.setProperty("flink.version", EnvironmentInformation.getVersion());
            p.setProperty("git.commit", gitCommit(root));
            p.setProperty("input.capture-lines", Integer.toString(FrozenSavepoint.FIRST_LINES));
            p.setProperty("input.malformed", Integer.toString(FrozenSavepoint.malformed().size()));
            p.setProperty("input.records", Integer.toString(input.size()));
            p.setProperty("input.sha256", FrozenSavepoint.sha256(input));
            p.setProperty("rows", Integer.toString(expected.size()));
            p.setProperty("batches", Integer.toString(batches.size()));
            check.finals(FrozenSavepoint.SHARDS).forEach((shard, fin) -> p.setProperty("shard." + shard, fin));
            FrozenSavepoint.options("<bootstrap>").forEach((k, v) -> p.setProperty("option." + k, v));
            // The sharding the savepoint's shards were built with, even where options() leaves it to the default:
            // a restore must name the same version (SavepointUpgradeITCase reads it from here).
            p.setProperty(FrozenSavepoint.SHARDING_PROPERTY, Integer.toString(config.get(ShardOptions.HASH_VERSION).number()));
            try (OutputStream out = Files.newOutputStream(target.resolve("release.properties"))) {
                p.store(out, "Frozen savepoint of the snapdelta job; never regenerate (see savepoints/README.md)");
            }
            LOG.info("Froze {} ({} rows, {} batches, {} bytes of savepoint) into {}", savepoint, expected.size(), batches.size(), size(target), target);
        }
    }

    private static void awaitCheckpoint(LocalFlink flink, JobID id, long count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (flink.completedCheckpoints(id) < count) {
            assertTrue(System.nanoTime() < deadline, "checkpoint " + count + " did not complete in " + WAIT);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static void produce(EmbeddedKafkaBroker kafka, List<byte[]> records) {
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

    private static void copyTree(Path from, Path to) throws IOException {
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
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String gitCommit(Path root) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(root.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
