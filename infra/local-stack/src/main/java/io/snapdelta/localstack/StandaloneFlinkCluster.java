package io.snapdelta.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Flink session cluster on 127.0.0.1: one JobManager JVM
 * ({@code StandaloneSessionClusterEntrypoint}) and one TaskManager JVM ({@code TaskManagerRunner}), separate
 * processes started from a {@link FlinkLibDirectory} the way {@code bin/jobmanager.sh} and
 * {@code bin/taskmanager.sh} start them (memory arguments from {@code BashJavaUtils}, Java 17 module flags,
 * {@code conf/config.yaml}, log4j file logs). RocksDB state backend, incremental checkpoints and savepoints
 * under the work directory. Jobs are submitted through the REST API ({@link #rest()}), as an operator would.
 *
 * <pre>{@code
 * try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.builder(FlinkLibDirectory.fromSystemProperty())
 *         .workParent(dir).slots(2).start()) {
 *     String jarId = flink.rest().uploadJar(jobJar);
 *     String jobId = flink.rest().runJar(jarId, JarRunRequest.of(mainClass, args, 2));
 *     flink.killTaskManager();      // SIGKILL, as a lost machine
 *     flink.startTaskManager();     // a replacement; the job fails over onto it
 * }
 * }</pre>
 *
 * <p>The work directory ({@code conf/}, {@code log/}, {@code checkpoints/}, {@code savepoints/}, RocksDB and
 * temp files) is left in place on {@link #close()} so logs can be read after a failure; it lives under the
 * parent the caller chose. If the calling JVM exits without {@code close()}, a shutdown hook kills the
 * child JVMs so no Flink process outlives it.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);

    private final FlinkLibDirectory lib;
    private final Path workDir;
    private final Path confDir;
    private final Path logDir;
    private final Path javaHome;
    private final int slots;
    private final Duration startupTimeout;
    private final FlinkRestClient rest;
    private final List<String> tmJvmArgs;
    private final List<String> tmDynamicArgs;
    private final FlinkJvm jobManager;
    private final Thread reaper;
    private FlinkJvm taskManager;
    private int taskManagersStarted;
    private boolean closed;

    private StandaloneFlinkCluster(Builder b, Path workDir) {
        this.lib = b.lib;
        this.workDir = workDir;
        this.confDir = workDir.resolve("conf");
        this.logDir = workDir.resolve("log");
        this.javaHome = b.javaHome;
        this.slots = b.slots;
        this.startupTimeout = b.startupTimeout;
        long t0 = System.nanoTime();
        int restPort = Loopback.freePort();
        int rpcPort = Loopback.freePort();
        writeConfiguration(b, rpcPort, restPort);
        this.rest = new FlinkRestClient(URI.create("http://" + Loopback.HOST + ":" + restPort + "/"));

        List<List<String>> jm = FlinkJvm.resourceParams("GET_JM_RESOURCE_PARAMS", javaHome, lib, confDir, logDir);
        List<List<String>> tm = FlinkJvm.resourceParams("GET_TM_RESOURCE_PARAMS", javaHome, lib, confDir, logDir);
        this.tmJvmArgs = tm.get(0);
        this.tmDynamicArgs = tm.get(1);
        List<String> jmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));
        jmArgs.addAll(jm.get(1));
        this.jobManager = FlinkJvm.start("jobmanager", javaHome, lib, confDir, logDir, jm.get(0),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", jmArgs);
        this.reaper = new Thread(this::killAll, "standalone-flink-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            launchTaskManager();
            awaitSlots(slots);
        } catch (RuntimeException e) {
            killAll();
            removeReaper();
            throw e;
        }
        LOG.info("Standalone Flink cluster up in {} ms: REST {}, JobManager pid {}, TaskManager pid {}, {} slots, "
                        + "lib {} ({} jars), logs {}", FlinkRestClient.millisSince(t0), rest.base(), jobManager.pid(),
                taskManager.pid(), slots, lib.dir(), lib.jars().size(), logDir);
    }

    public static Builder builder(FlinkLibDirectory lib) {
        return new Builder(lib);
    }

    /** The REST API (jar upload and run, job status, savepoints, cancel). */
    public FlinkRestClient rest() {
        return rest;
    }

    public URI restAddress() {
        return rest.base();
    }

    public Path workDir() {
        return workDir;
    }

    public Path logDir() {
        return logDir;
    }

    /** Where the cluster's checkpoints go by default ({@code execution.checkpointing.dir}). */
    public URI checkpointDirectory() {
        return workDir.resolve("checkpoints").toUri();
    }

    /** Where savepoints go by default ({@code execution.checkpointing.savepoint-dir}). */
    public URI savepointDirectory() {
        return workDir.resolve("savepoints").toUri();
    }

    public int slotsPerTaskManager() {
        return slots;
    }

    /** Process id of the current TaskManager JVM. */
    public long taskManagerPid() {
        return taskManager.pid();
    }

    /** Process id of the JobManager JVM. */
    public long jobManagerPid() {
        return jobManager.pid();
    }

    /**
     * Kills the TaskManager JVM with SIGKILL (no shutdown hook, no goodbye to the JobManager), as a crashed
     * machine would, and waits until the process is gone. Running jobs fail over once the JobManager notices
     * (heartbeat RPCs to the dead process fail at once; see {@code heartbeat.*} in the configuration).
     */
    public synchronized void killTaskManager() {
        if (taskManager == null || !taskManager.isAlive()) {
            throw new IllegalStateException("no TaskManager is running");
        }
        long pid = taskManager.pid();
        taskManager.kill();
        LOG.info("Killed TaskManager pid {} (SIGKILL)", pid);
    }

    /**
     * Starts a new TaskManager JVM (after {@link #killTaskManager()}) and waits until the JobManager lists it
     * with its slots; returns its TaskManager id as the REST API reports it.
     */
    public synchronized String startTaskManager() {
        if (taskManager != null && taskManager.isAlive()) {
            throw new IllegalStateException("TaskManager pid " + taskManager.pid() + " is still running");
        }
        List<String> before = taskManagerIds();
        long t0 = System.nanoTime();
        launchTaskManager();
        List<JsonNode> tms = FlinkRestClient.poll(rest::taskManagers,
                list -> list.stream().anyMatch(tm -> !before.contains(tm.path("id").asText()) && tm.path("slotsNumber").asInt() >= slots),
                startupTimeout, () -> "the new TaskManager (" + taskManager.name() + ") did not register with "
                        + slots + " slots\n" + taskManager.diagnostics(40));
        String id = tms.stream().map(tm -> tm.path("id").asText()).filter(i -> !before.contains(i)).findFirst().orElseThrow();
        LOG.info("TaskManager {} (pid {}) registered in {} ms", id, taskManager.pid(), FlinkRestClient.millisSince(t0));
        return id;
    }

    /** Ids of the TaskManagers the JobManager currently lists (a killed one stays until its heartbeat times out). */
    public List<String> taskManagerIds() {
        return rest.taskManagers().stream().map(tm -> tm.path("id").asText()).toList();
    }

    /** Stops the TaskManager, then the JobManager (SIGTERM, then SIGKILL after a grace period). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        if (taskManager != null) {
            taskManager.stop(30);
        }
        jobManager.stop(30);
        removeReaper();
        LOG.info("Standalone Flink cluster stopped in {} ms (work dir {} kept)", FlinkRestClient.millisSince(t0), workDir);
    }

    private void launchTaskManager() {
        taskManagersStarted++;
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(tmDynamicArgs);
        taskManager = FlinkJvm.start("taskmanager-" + taskManagersStarted, javaHome, lib, confDir, logDir, tmJvmArgs,
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args);
    }

    private void awaitSlots(int expected) {
        FlinkRestClient.poll(() -> {
            if (!jobManager.isAlive()) {
                throw new FlinkRestClient.PollAborted("JobManager exited during start-up\n" + jobManager.diagnostics(60));
            }
            if (!taskManager.isAlive()) {
                throw new FlinkRestClient.PollAborted("TaskManager exited during start-up\n" + taskManager.diagnostics(60));
            }
            return rest.taskManagers();
        }, list -> list.stream().mapToInt(tm -> tm.path("slotsNumber").asInt()).sum() >= expected, startupTimeout,
                () -> "Flink cluster did not show " + expected + " slots at " + rest.base() + "\n"
                        + jobManager.diagnostics(40) + "\n" + taskManager.diagnostics(40));
    }

    private void killAll() {
        if (taskManager != null) {
            taskManager.kill();
        }
        if (jobManager != null) {
            jobManager.kill();
        }
    }

    private void removeReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs (and finds nothing left to kill).
        }
    }

    private void writeConfiguration(Builder b, int rpcPort, int restPort) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", Loopback.HOST);
        conf.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        conf.put("jobmanager.bind-host", Loopback.HOST);
        conf.put("jobmanager.memory.process.size", b.jobManagerMemory);
        conf.put("taskmanager.host", Loopback.HOST);
        conf.put("taskmanager.bind-host", Loopback.HOST);
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        conf.put("taskmanager.memory.process.size", b.taskManagerMemory);
        conf.put("rest.address", Loopback.HOST);
        conf.put("rest.bind-address", Loopback.HOST);
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        conf.put("web.tmpdir", workDir.resolve("web").toString());
        conf.put("state.backend.type", "rocksdb");
        conf.put("state.backend.rocksdb.localdir", workDir.resolve("rocksdb").toString());
        conf.put("execution.checkpointing.incremental", "true");
        conf.put("execution.checkpointing.dir", checkpointDirectory().toString());
        conf.put("execution.checkpointing.savepoint-dir", savepointDirectory().toString());
        // A killed TaskManager is noticed after heartbeat.rpc-failure-threshold failed heartbeat RPCs, so the
        // interval bounds failover time. Production keeps Flink's 10 s / 50 s; here failover should take seconds.
        conf.put("heartbeat.interval", "1 s");
        conf.put("heartbeat.timeout", "20 s");
        conf.put("restart-strategy.type", "exponential-delay");
        conf.put("restart-strategy.exponential-delay.initial-backoff", "500 ms");
        conf.put("restart-strategy.exponential-delay.max-backoff", "5 s");
        conf.putAll(b.overrides);
        StringBuilder yaml = new StringBuilder("# Written by StandaloneFlinkCluster; Flink 2.x reads conf/config.yaml.\n");
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(yamlScalar(v)).append('\n'));
        String log4j = """
                # Flink's default file logging (conf/log4j.properties of the distribution), log.file set per JVM.
                monitorInterval = 0
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = MainAppender
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                logger.metricgroup.name = org.apache.flink.metrics.MetricGroup
                logger.metricgroup.level = ERROR
                appender.main.name = MainAppender
                appender.main.type = File
                appender.main.append = true
                appender.main.fileName = ${sys:log.file}
                appender.main.layout.type = PatternLayout
                appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                """;
        try {
            for (String d : List.of("conf", "log", "tmp", "web", "rocksdb", "checkpoints", "savepoints")) {
                Files.createDirectories(workDir.resolve(d));
            }
            Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
            Files.writeString(confDir.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Flink configuration under " + workDir, e);
        }
    }

    private static String yamlScalar(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    /** Options of a standalone cluster; {@link #start()} launches it. */
    public static final class Builder {
        private final FlinkLibDirectory lib;
        private Path workParent = Path.of(System.getProperty("java.io.tmpdir"));
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private int slots = 2;
        private String jobManagerMemory = "1024m";
        private String taskManagerMemory = "1536m";
        private Duration startupTimeout = Duration.ofMinutes(3);
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder(FlinkLibDirectory lib) {
            this.lib = Objects.requireNonNull(lib, "lib");
        }

        /** Parent of the cluster's fresh work directory (default {@code java.io.tmpdir}). */
        public Builder workParent(Path dir) {
            this.workParent = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The JDK the Flink JVMs run on (default: this JVM's). */
        public Builder javaHome(Path dir) {
            this.javaHome = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Task slots of each TaskManager (default 2). */
        public Builder slots(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("slots must be >= 1, was " + n);
            }
            this.slots = n;
            return this;
        }

        /** {@code jobmanager.memory.process.size} / {@code taskmanager.memory.process.size} (defaults 1024m / 1536m). */
        public Builder memory(String jobManager, String taskManager) {
            this.jobManagerMemory = Objects.requireNonNull(jobManager);
            this.taskManagerMemory = Objects.requireNonNull(taskManager);
            return this;
        }

        /** Bound on each start-up wait (cluster, replacement TaskManager); default 3 minutes. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Any other Flink option for config.yaml (overrides the defaults above; e.g. {@code heartbeat.timeout}). */
        public Builder config(String key, String value) {
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public StandaloneFlinkCluster start() {
            return new StandaloneFlinkCluster(this, WorkDirs.create(workParent, "flink-standalone").toAbsolutePath());
        }
    }
}
