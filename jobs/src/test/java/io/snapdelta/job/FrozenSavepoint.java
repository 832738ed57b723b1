package io.snapdelta.job;

import io.snapdelta.testing.SharedData;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What a frozen savepoint of the job (jobs/src/test/resources/savepoints/&lt;release&gt;/) was made from and
 * what it holds; shared by {@link FrozenSavepointGenerator} (writes one, once per release) and
 * {@link SavepointUpgradeITCase} (restores it into the current build). Layout of a release directory:
 * <pre>
 *   savepoint/          the savepoint directory exactly as Flink wrote it (canonical format, RocksDB job)
 *   deltas.bin          the deltas the first job committed, in partition and offset order:
 *                       repeated { shard int32, partition int32, length int32, sealed batch bytes }
 *   release.properties  how it was made (input, options, sharding version, Flink version, commit) and the shard
 *                       finals
 *   README.md           the recipe, and the rule: never regenerate a released directory
 * </pre>
 * The input is deterministic: the first {@link #FIRST_LINES} lines of the pgbench-small capture with the
 * malformed records of {@link #malformed()} spread through them, all on one input partition, so a test can
 * rebuild the input topic the savepoint's source offsets point into.
 */
final class FrozenSavepoint {
    static final int FIRST_LINES = 400;
    static final int SHARDS = 4;
    static final int DELTA_PARTITIONS = 2;
    static final int PARALLELISM = 2;
    static final String INPUT = "upgrade.input";
    static final String DLQ = "upgrade.dlq";
    static final String DELTAS = "upgrade.deltas";

    private FrozenSavepoint() {
    }

    /**
     * The job's options for the frozen run and for every restore of it. Only {@code bootstrap} may differ; the
     * topics, the transactional id prefix and the shard count are part of the savepoint's meaning.
     */
    /** The release.properties key of the sharding version the frozen shards were built with. */
    static final String SHARDING_PROPERTY = "shard.hash-version";

    /**
     * The sharding version (option {@code shard.hash-version}) a release's savepoint must be restored with: as its
     * release.properties records it, or 1 for releases frozen before the option existed (they all routed with v1).
     */
    static String shardingVersion(Properties release) {
        return release.getProperty(SHARDING_PROPERTY, "1");
    }

    static Map<String, String> options(String bootstrap) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("kafka.input-topics", INPUT);
        m.put("kafka.input-format", "debezium-json");
        m.put("kafka.dead-letter-topic", DLQ);
        m.put("kafka.transaction-timeout", "60s");
        m.put("kafka.transactional-id-prefix", "upgrade");
        m.put("deltas.topic", DELTAS);
        m.put("delta.codec", "zstd");
        m.put("shard.count", Integer.toString(SHARDS));
        m.put("batch.max-changes", "60");
        m.put("batch.latency-budget", "50ms");
        m.put("job.input.bounded", "false");
        m.put("job.input.starting-offsets", "earliest");
        m.put("job.checkpoint.interval", "300ms");
        return m;
    }

    /** The malformed records of the first run (each must become a dead letter). */
    static List<byte[]> malformed() {
        return new PgbenchDebeziumWorkload(10, 10, 7).malformedLines().subList(0, 3);
    }

    /** The capture lines of the first run. */
    static List<byte[]> firstLines() {
        return SharedData.lines(SharedData.pgbenchSmallEvents()).subList(0, FIRST_LINES);
    }

    /** The records of the first run's input topic, in order: {@link #firstLines} with {@link #malformed} spread through. */
    static List<byte[]> firstInput() {
        List<byte[]> out = new ArrayList<>(firstLines());
        List<byte[]> bad = malformed();
        for (int i = 0; i < bad.size(); i++) {
            out.add((i + 1) * FIRST_LINES / (bad.size() + 1) + i, bad.get(i));
        }
        return out;
    }

    static String sha256(List<byte[]> records) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] r : records) {
                md.update(java.nio.ByteBuffer.allocate(4).putInt(r.length).array());
                md.update(r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One committed record of the deltas topic. */
    record FrozenBatch(int shard, int partition, byte[] sealed) {
    }

    static void writeDeltas(Path file, List<FrozenBatch> batches) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
            for (FrozenBatch b : batches) {
                out.writeInt(b.shard());
                out.writeInt(b.partition());
                out.writeInt(b.sealed().length);
                out.write(b.sealed());
            }
        }
    }

    static List<FrozenBatch> readDeltas(Path file) {
        List<FrozenBatch> out = new ArrayList<>();
        try (InputStream is = Files.newInputStream(file); DataInputStream in = new DataInputStream(is)) {
            while (in.available() > 0) {
                int shard = in.readInt();
                int partition = in.readInt();
                byte[] sealed = new byte[in.readInt()];
                in.readFully(sealed);
                out.add(new FrozenBatch(shard, partition, sealed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read frozen deltas " + file, e);
        }
        return out;
    }

    static Properties readProperties(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }
}
