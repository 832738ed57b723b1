package io.snapdelta.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink {@link MiniCluster} (one TaskManager, N slots) with the RocksDB state backend, incremental
 * checkpoints to a local directory, and every endpoint bound to 127.0.0.1.
 *
 * <pre>{@code
 * try (LocalFlink flink = LocalFlink.start(workDir, 2)) {
 *     StreamExecutionEnvironment env = flink.environment();
 *     env.enableCheckpointing(500);
 *     ... build the job ...
 *     JobClient job = env.executeAsync("my job");
 * }
 * }</pre>
 *
 * <p>For JUnit 5 tests that prefer Flink's own {@code MiniClusterExtension}, see
 * {@link LocalFlinkTesting#miniClusterExtension(Path, int)}, which uses the same configuration.
 */
public final class LocalFlink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFlink.class);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The TaskManager's managed memory unless the caller sets {@code taskmanager.memory.managed.size}
     * ({@link #managedMemoryOverride}; {@code --managed-memory} of {@code local} and {@code bench job}). RocksDB's
     * block cache (data, index and filter blocks) and its memtables live in it, divided among the slots.
     * Flink gives a MiniCluster 128 MB when it is not set, where a real cluster's TaskManager gets 40% of its
     * Flink memory (about 1.4 GB for the 4 GB TaskManagers of {@code infra/k8s}). At 128 MB the shard operator's
     * state reads of a 1M-account capture re-read and checksummed an SST file's index and filter blocks and
     * decompressed a data block on nearly every look-up, 65% of the shard threads' samples; at 1 GB the
     * job ran 1.7x the changes per core (docs/benchmark-log.md "Session 25"). RocksDB takes the memory as it
     * fills its cache, so a small job does not pay for it.
     */
    public static final String DEFAULT_MANAGED_MEMORY = "1g";

    private final MiniCluster miniCluster;
    private final Path workDir;
    private final URI restAddress;
    private final int slots;
    private boolean closed;

    private LocalFlink(MiniCluster miniCluster, Path workDir, URI restAddress, int slots) {
        this.miniCluster = miniCluster;
        this.workDir = workDir;
        this.restAddress = restAddress;
        this.slots = slots;
    }

    /**
     * The cluster configuration: RocksDB with incremental checkpoints, checkpoints in
     * {@code workDir/checkpoints}, RocksDB working files in {@code workDir/rocksdb}, Flink temp files in
     * {@code workDir/tmp}, and the JobManager, TaskManager and REST endpoint on 127.0.0.1 with random ports
     * (without the bind-host settings the MiniCluster's blob server and shuffle listen on the wildcard address).
     * Jobs may still set their own checkpoint interval, restart strategy and so on.
     */
    public static Configuration loopbackConfiguration(Path workDir) {
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.ADDRESS, Loopback.HOST);
        conf.set(JobManagerOptions.BIND_HOST, Loopback.HOST);
        conf.set(TaskManagerOptions.HOST, Loopback.HOST);
        conf.set(TaskManagerOptions.BIND_HOST, Loopback.HOST);
        conf.set(RestOptions.ADDRESS, Loopback.HOST);
        conf.set(RestOptions.BIND_ADDRESS, Loopback.HOST);
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory(workDir).toUri().toString());
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, workDir.resolve("rocksdb").toAbsolutePath().toString());
        conf.set(CoreOptions.TMP_DIRS, workDir.resolve("tmp").toAbsolutePath().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(DEFAULT_MANAGED_MEMORY));
        return conf;
    }

    /**
     * The cluster override that sets the TaskManager's managed memory to {@code size} (Flink's syntax:
     * {@code 512m}, {@code 2g}, {@code 1536mb}).
     *
     * @throws IllegalArgumentException naming the value if it is not a memory size or is zero
     */
    public static java.util.Map<String, String> managedMemoryOverride(String size) {
        MemorySize parsed;
        try {
            parsed = MemorySize.parse(size.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("managed memory '" + size + "' is not a memory size (e.g. 512m, 2g): " + e.getMessage());
        }
        if (parsed.getBytes() == 0) {
            throw new IllegalArgumentException("managed memory must be more than zero, got '" + size + "'");
        }
        return java.util.Map.of(TaskManagerOptions.MANAGED_MEMORY_SIZE.key(), parsed.toString());
    }

    /** The help text of {@code --flink-dir} ({@code local} and {@code bench job}). */
    public static final String FLINK_DIR_HELP = "Where the embedded Flink cluster keeps its files (RocksDB's working files, "
            + "checkpoints, temporary files): a fresh directory under DIR, removed at the end (default: inside the embedded "
            + "stack's directory, under java.io.tmpdir). Every checkpoint flushes RocksDB's new writes into files, waits for "
            + "the disk to sync them, and copies them into the checkpoint, all before its batches commit: on a disk that syncs "
            + "slowly a memory-backed directory such as /dev/shm shortens that path (it then takes RAM for the state's local "
            + "files and checkpoints; README, \"bench job\").";

    /**
     * {@code dir} as the parent of a Flink directory ({@code --flink-dir}), once checked: a directory, or a path whose
     * nearest existing ancestor is a writable directory (the missing part is created on start).
     *
     * @throws IllegalArgumentException naming the value if it is empty, a file, under a file, or not writable
     */
    public static Path parentDirectory(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("Flink directory must not be empty");
        }
        Path path = Path.of(dir.trim()).toAbsolutePath();
        Path existing = nearestExisting(path);
        if (existing == null || !java.nio.file.Files.isDirectory(existing)) {
            throw new IllegalArgumentException("Flink directory '" + dir + "' is not a directory"
                    + (existing == null || existing.equals(path) ? "" : " (" + existing + " is a file)"));
        }
        if (!java.nio.file.Files.isWritable(existing)) {
            throw new IllegalArgumentException("Flink directory '" + dir + "' is not writable (" + existing + ")");
        }
        return path;
    }

    /**
     * The type of the file system {@code dir} is on, or would be once created (e.g. {@code ext4}, {@code tmpfs}), or
     * {@code unknown}: for logs and reports.
     */
    public static String fileSystemType(Path dir) {
        Path existing = nearestExisting(dir.toAbsolutePath());
        try {
            return existing == null ? "unknown" : java.nio.file.Files.getFileStore(existing).type();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Path nearestExisting(Path path) {
        Path existing = path;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }

    private static Configuration withOverrides(Configuration conf, java.util.Map<String, String> overrides) {
        conf.addAll(Configuration.fromMap(overrides));
        return conf;
    }

    /** Where {@link #loopbackConfiguration(Path)} puts checkpoints ({@code <dir>/<job id>/chk-N}). */
    public static Path checkpointDirectory(Path workDir) {
        return workDir.resolve("checkpoints").toAbsolutePath();
    }

    /**
     * Starts a MiniCluster with one TaskManager of {@code slots} slots, its files in a new directory under
     * {@code parentDir} (removed by {@link #close()}).
     */
    public static LocalFlink start(Path parentDir, int slots) {
        return start(parentDir, slots, java.util.Map.of());
    }

    /**
     * Like {@link #start(Path, int)}, with {@code overrides} layered over {@link #loopbackConfiguration(Path)}:
     * cluster-level settings (metric reporters, for example) that a job's own configuration cannot set.
     */
    public static LocalFlink start(Path parentDir, int slots, java.util.Map<String, String> overrides) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        long started = System.nanoTime();
        Path workDir = WorkDirs.create(parentDir, "flink");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(withOverrides(loopbackConfiguration(workDir), overrides))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
            URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
            LOG.info("Flink MiniCluster ready ({} slots, RocksDB, managed memory {}, REST {}) in {} ms; checkpoints and RocksDB's "
                    + "working files in {} ({})", slots, cluster.getConfiguration().get(TaskManagerOptions.MANAGED_MEMORY_SIZE), rest,
                    (System.nanoTime() - started) / 1_000_000, workDir, fileSystemType(workDir));
            return new LocalFlink(cluster, workDir, rest, slots);
        } catch (Exception e) {
            cluster.closeAsync();
            deleteQuietly(workDir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Flink MiniCluster failed to start: " + e.getMessage(), e);
        }
    }

    /** An environment whose jobs run on this cluster, with the cluster's defaults (RocksDB etc.). */
    public StreamExecutionEnvironment environment() {
        return environment(new Configuration());
    }

    /**
     * An environment whose jobs run on this cluster. {@code jobConfiguration} is layered over the cluster
     * configuration (e.g. {@code execution.checkpointing.interval}, {@code restart-strategy.type}); the
     * default parallelism is the number of slots.
     */
    public StreamExecutionEnvironment environment(Configuration jobConfiguration) {
        Configuration conf = new Configuration(miniCluster.getConfiguration());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, slots);
        conf.addAll(jobConfiguration);
        conf.set(DeploymentOptions.TARGET, MiniClusterExecutorServiceLoader.TARGET);
        conf.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(new MiniClusterExecutorServiceLoader(miniCluster), conf,
                Thread.currentThread().getContextClassLoader());
    }

    /** The underlying cluster, for job status, savepoints and checkpoint statistics. */
    public MiniCluster miniCluster() {
        return miniCluster;
    }

    /** The REST endpoint ({@code http://127.0.0.1:<port>}), where the Flink web UI answers too. */
    public URI restAddress() {
        return restAddress;
    }

    /** The TaskManager's managed memory (RocksDB's block cache and memtables), shared by its slots. */
    public MemorySize managedMemory() {
        return miniCluster.getConfiguration().get(TaskManagerOptions.MANAGED_MEMORY_SIZE);
    }

    /** The number of task slots (the default parallelism of {@link #environment()}). */
    public int slots() {
        return slots;
    }

    /** This cluster's checkpoint root; a job's checkpoints are in {@code <root>/<job id>/chk-N}. */
    public Path checkpointDirectory() {
        return checkpointDirectory(workDir);
    }

    /** Where RocksDB keeps its working files while jobs run. */
    public Path rocksDbDirectory() {
        return workDir.resolve("rocksdb").toAbsolutePath();
    }

    /** Number of checkpoints of {@code jobId} that have completed so far. */
    public long completedCheckpoints(JobID jobId) {
        try {
            return miniCluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS)
                    .getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading checkpoint stats of job " + jobId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read checkpoint stats of job " + jobId + ": " + e.getMessage(), e);
        }
    }

    /** Stops the cluster (cancelling running jobs) and deletes its files. Calling it twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        try {
            miniCluster.closeAsync().get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping the Flink MiniCluster");
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Flink MiniCluster did not stop cleanly within {}", SHUTDOWN_TIMEOUT, e);
        }
        deleteQuietly(workDir);
        LOG.info("Flink MiniCluster stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static void deleteQuietly(Path dir) {
        try {
            WorkDirs.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete Flink directory {}", dir, e);
        }
    }
}
