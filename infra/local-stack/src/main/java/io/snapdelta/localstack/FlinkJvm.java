package io.snapdelta.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Flink process (JobManager, TaskManager or a BashJavaUtils helper): a separate JVM started from the lib
 * directory with Flink's Java 17 module flags, its log4j log in {@code <name>.log} and its stdout/stderr in
 * {@code <name>.out}, both under the cluster's log directory.
 */
final class FlinkJvm {
    /**
     * What the Flink distribution passes on Java 17 (bin/config.sh). Without it jar runs fail with
     * InaccessibleObjectException in DataStreamV2SinkTransformationTranslator; see shared notes section 4.
     */
    static final List<String> JAVA17_MODULE_FLAGS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path outFile;

    private FlinkJvm(String name, Process process, Path logFile, Path outFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.outFile = outFile;
    }

    /**
     * Starts {@code java <jvmArgs> <module flags> <logging> -cp lib/* <mainClass> <args>} with its output in
     * {@code <logDir>/<name>.out} and its log4j log in {@code <logDir>/<name>.log}.
     */
    static FlinkJvm start(String name, Path javaHome, FlinkLibDirectory lib, Path confDir, Path logDir,
                          List<String> jvmArgs, String mainClass, List<String> args) {
        Path logFile = logDir.resolve(name + ".log");
        Path outFile = logDir.resolve(name + ".out");
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(JAVA17_MODULE_FLAGS);
        cmd.add("-Dlog.file=" + logFile);
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(lib.classpath());
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(outFile.toFile());
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        try {
            return new FlinkJvm(name, pb.start(), logFile, outFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " JVM: " + cmd, e);
        }
    }

    /**
     * Runs {@code BashJavaUtils <command>} to completion and returns its two result lines: the JVM memory
     * arguments and the {@code -D key=value} dynamic properties, as {@code bin/taskmanager.sh} and
     * {@code bin/jobmanager.sh} do (TaskManagerRunner refuses to start without them).
     */
    static List<List<String>> resourceParams(String command, Path javaHome, FlinkLibDirectory lib, Path confDir, Path logDir) {
        String name = "bash-java-utils-" + command.toLowerCase().replace('_', '-');
        FlinkJvm jvm = start(name, javaHome, lib, confDir, logDir, List.of("-Xmx128m"),
                "org.apache.flink.runtime.util.bash.BashJavaUtils", List.of(command, "--configDir", confDir.toString()));
        try {
            if (!jvm.process.waitFor(120, TimeUnit.SECONDS)) {
                jvm.kill();
                throw new IllegalStateException("BashJavaUtils " + command + " did not finish within 120 s; see " + jvm.outFile);
            }
            List<List<String>> results = new ArrayList<>();
            for (String line : Files.readAllLines(jvm.outFile, StandardCharsets.UTF_8)) {
                if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                    String value = line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim();
                    results.add(value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+")));
                }
            }
            if (jvm.process.exitValue() != 0 || results.size() < 2) {
                throw new IllegalStateException("BashJavaUtils " + command + " exited " + jvm.process.exitValue() + " with "
                        + results.size() + " result lines; output:\n" + tail(jvm.outFile, 40));
            }
            return results.subList(results.size() - 2, results.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of BashJavaUtils " + command, e);
        } catch (InterruptedException e) {
            jvm.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running BashJavaUtils " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    /** SIGKILL: what a crashed machine or the OOM killer does; no shutdown hook runs. Waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        waitQuietly(process);
    }

    /** SIGTERM (Flink's shutdown hooks run), then SIGKILL if it is still alive after {@code graceSeconds}. */
    void stop(int graceSeconds) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                waitQuietly(process);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of its log and stdout, for error messages. */
    String diagnostics(int lines) {
        return "--- " + logFile + " (last " + lines + " lines)\n" + tail(logFile, lines)
                + "\n--- " + outFile + " (last " + lines + " lines)\n" + tail(outFile, lines);
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no file)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
