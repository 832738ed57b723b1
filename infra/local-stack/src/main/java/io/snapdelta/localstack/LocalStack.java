package io.snapdelta.localstack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole embedded stack: a Kafka broker ({@link EmbeddedKafkaBroker}), an S3 server
 * ({@link EmbeddedS3Server}) and a Flink MiniCluster on RocksDB ({@link LocalFlink}), all on 127.0.0.1
 * with free ports and all their files in one temporary directory.
 *
 * <p>{@link #close()} stops Flink first (so running jobs stop writing), then Kafka, then S3, and deletes
 * the directory. It is idempotent, and a JVM shutdown hook calls it, so Ctrl-C also shuts down cleanly.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(2)) {
 *     stack.kafka().createTopic("events", 2);
 *     stack.s3().createBucket("snapdelta");
 *     StreamExecutionEnvironment env = stack.flink().environment();
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final Path workDir;
    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedS3Server s3;
    private final LocalFlink flink;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalStack(Path workDir, EmbeddedKafkaBroker kafka, EmbeddedS3Server s3, LocalFlink flink) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.s3 = s3;
        this.flink = flink;
        this.shutdownHook = new Thread(this::closeFromShutdownHook, "snapdelta-local-stack-shutdown");
    }

    /** Starts the stack with {@code flinkSlots} task slots, in a new directory under {@code java.io.tmpdir}. */
    public static LocalStack start(int flinkSlots) {
        return start(Path.of(System.getProperty("java.io.tmpdir")), flinkSlots, Map.of());
    }

    /**
     * Starts the stack in a new directory under {@code parentDir}.
     *
     * @param flinkSlots task slots of the single TaskManager (the job's maximum parallelism)
     * @param kafkaBrokerOverrides extra broker properties, see {@link EmbeddedKafkaBroker#start(Path, Map)}
     */
    public static LocalStack start(Path parentDir, int flinkSlots, Map<String, String> kafkaBrokerOverrides) {
        return start(parentDir, flinkSlots, kafkaBrokerOverrides, Map.of());
    }

    /**
     * Starts the stack in a new directory under {@code parentDir}.
     *
     * @param flinkSlots task slots of the single TaskManager (the job's maximum parallelism)
     * @param kafkaBrokerOverrides extra broker properties, see {@link EmbeddedKafkaBroker#start(Path, Map)}
     * @param flinkClusterOverrides extra MiniCluster settings layered over {@link LocalFlink#loopbackConfiguration(Path)}
     *        (cluster-level ones such as metric reporters, which a job cannot set)
     */
    public static LocalStack start(Path parentDir, int flinkSlots, Map<String, String> kafkaBrokerOverrides,
                                   Map<String, String> flinkClusterOverrides) {
        return start(parentDir, null, flinkSlots, kafkaBrokerOverrides, flinkClusterOverrides);
    }

    /**
     * Starts the stack in a new directory under {@code parentDir}, with the Flink MiniCluster's own directory (RocksDB's
     * working files, checkpoints, Flink's temporary files) under {@code flinkParentDir} instead ({@code --flink-dir}
     * of {@code local} and {@code bench job}; see {@link LocalFlink#FLINK_DIR_HELP}); it is removed on close too.
     *
     * @param flinkParentDir null: inside the stack's own directory
     */
    public static LocalStack start(Path parentDir, Path flinkParentDir, int flinkSlots, Map<String, String> kafkaBrokerOverrides,
                                   Map<String, String> flinkClusterOverrides) {
        long started = System.nanoTime();
        Path workDir = WorkDirs.create(parentDir, "snapdelta-local");
        EmbeddedKafkaBroker kafka = null;
        EmbeddedS3Server s3 = null;
        try {
            kafka = EmbeddedKafkaBroker.start(workDir, kafkaBrokerOverrides);
            s3 = EmbeddedS3Server.start(workDir);
            LocalFlink flink = LocalFlink.start(flinkParentDir == null ? workDir : flinkParentDir, flinkSlots, flinkClusterOverrides);
            LocalStack stack = new LocalStack(workDir, kafka, s3, flink);
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            LOG.info("Local stack up in {} ms: Kafka {}, S3 {}, Flink REST {}; files in {}",
                    (System.nanoTime() - started) / 1_000_000, kafka.bootstrapServers(), s3.endpoint(),
                    flink.restAddress(), workDir);
            return stack;
        } catch (RuntimeException | Error e) {
            if (s3 != null) {
                s3.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            deleteQuietly(workDir);
            throw e;
        }
    }

    /** The Kafka broker. */
    public EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    /** The S3 server. */
    public EmbeddedS3Server s3() {
        return s3;
    }

    /** The Flink MiniCluster. */
    public LocalFlink flink() {
        return flink;
    }

    /** The directory holding all three servers' files; removed by {@link #close()}. */
    public Path workDir() {
        return workDir;
    }

    /** Stops Flink, Kafka and S3 (in that order) and deletes the work directory. Idempotent. */
    @Override
    public void close() {
        if (shutDown()) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook may be running or about to, which is fine.
            }
        }
    }

    private void closeFromShutdownHook() {
        if (shutDown()) {
            LOG.info("Local stack stopped by JVM shutdown");
        }
    }

    /** Returns true if this call did the shutdown, false if it had already happened. */
    private synchronized boolean shutDown() {
        if (closed) {
            return false;
        }
        closed = true;
        long started = System.nanoTime();
        try {
            flink.close();
        } finally {
            try {
                kafka.close();
            } finally {
                s3.close();
                deleteQuietly(workDir);
            }
        }
        LOG.info("Local stack stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    private static void deleteQuietly(Path dir) {
        try {
            WorkDirs.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete local stack directory {}", dir, e);
        }
    }
}
