package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/snapdelta} (bash) end to end: usage and exit codes, the build on first use and
 * when sources are newer, and the runtime classpath taken from this checkout. The tests share a fresh state
 * directory (not the developer's .snapdelta/), so the first one builds for real; they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapdeltaLauncherTest {
    private static final long TIMEOUT_MINUTES = 10;

    @TempDir
    static Path state;

    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path root = OptionsReferenceIsUpToDateTest.projectRoot();
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/snapdelta").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(state, "launcher", ".out");
        Path err = Files.createTempFile(state, "launcher", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SNAPDELTA_STATE_DIR", state.toString());
        pb.environment().remove("SNAPDELTA_MODULE");
        pb.environment().remove("SNAPDELTA_MAIN");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("bin/snapdelta " + String.join(" ", args) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheRunnableCommandsOnStdoutAndExitsZero() throws Exception {
        Run run = launch(Map.of(), "--help");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().startsWith("Usage: bin/snapdelta COMMAND"), run.stdout());
        assertTrue(run.stdout().contains("\n  options "), run.stdout());
        assertEquals("", run.stderr());
    }

    @Test
    void unknownCommandPrintsUsageOnStderrAndExitsTwo() throws Exception {
        Run run = launch(Map.of(), "nosuch");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("snapdelta: unknown command 'nosuch'"), run.stderr());
        assertTrue(run.stderr().contains("Usage: bin/snapdelta COMMAND"), run.stderr());
        assertEquals("", run.stdout());
        assertEquals(2, launch(Map.of()).exitCode(), "no command at all is a usage error");
    }

    @Test
    @Order(1)
    void optionsBuildsOnFirstUsePrintsTheReferenceAndRebuildsOnlyWhenSourcesAreNewer() throws Exception {
        Run first = launch(Map.of(), "options");
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals(OptionsDocGenerator.render(OptionsRegistry.GROUPS), first.stdout());
        assertTrue(first.stdout().contains("| `kafka.bootstrap-servers` |"));
        assertTrue(first.stderr().contains("snapdelta: building common"), first.stderr());

        Run second = launch(Map.of(), "options");
        assertEquals(0, second.exitCode(), second.stderr());
        assertFalse(second.stderr().contains("building"), "nothing changed, so nothing is built: " + second.stderr());

        Files.setLastModifiedTime(state.resolve("common.stamp"), FileTime.fromMillis(0));
        Run third = launch(Map.of(), "options");
        assertEquals(0, third.exitCode(), third.stderr());
        assertTrue(third.stderr().contains("snapdelta: building common"), "sources newer than the stamp: " + third.stderr());
    }

    @Test
    void commandHelpAndUsageErrorsPassThroughToTheMainClass() throws Exception {
        Run help = launch(Map.of(), "options", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().startsWith("Usage: bin/snapdelta options"), help.stdout());
        Run bad = launch(Map.of(), "options", "--bogus");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("Unknown argument: --bogus"), bad.stderr());
    }

    @Test
    void reactorModulesComeFromThisCheckoutNeverFromTheLocalRepository() throws Exception {
        Path root = OptionsReferenceIsUpToDateTest.projectRoot();
        Run run = launch(Map.of("SNAPDELTA_MODULE", "replica", "SNAPDELTA_MAIN", OptionsDocGenerator.class.getName()), "options");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().startsWith("# Configuration options"), run.stdout());
        List<String> classpath = List.of(Files.readString(state.resolve("replica.classpath")).split(":"));
        assertEquals(root.resolve("replica/target/classes").toString(), classpath.get(0));
        assertTrue(classpath.stream().anyMatch(e -> e.startsWith(root.resolve("common/target/snapdelta-common-").toString()) && e.endsWith(".jar")),
                "common comes from this checkout's target/: " + classpath);
        for (String entry : classpath) {
            assertFalse(entry.contains("/io/snapdelta/"), "snapdelta artifact from the local repository: " + entry);
        }
    }

    @Test
    void dataPathCommandsRunTheThroughputCollectorUnlessJavaOptsNamesOne() throws Exception {
        // A real main on the replica command's line (the options generator, asked for its usage), with the JVM
        // printing the flags it runs with: the data-path commands get Parallel GC, JAVA_OPTS naming another
        // collector replaces it (two collectors would stop the JVM), and other commands keep the JVM's default.
        Map<String, String> printFlags = Map.of("SNAPDELTA_MODULE", "common", "SNAPDELTA_MAIN", OptionsDocGenerator.class.getName(),
                "JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        Run replica = launch(printFlags, "replica", "--help");
        assertEquals(0, replica.exitCode(), replica.stderr());
        assertTrue(replica.stdout().contains("-XX:+UseParallelGC"), replica.stdout());

        Map<String, String> serial = new java.util.HashMap<>(printFlags);
        serial.put("JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:+UseSerialGC");
        Run replaced = launch(serial, "replica", "--help");
        assertEquals(0, replaced.exitCode(), replaced.stderr());
        assertTrue(replaced.stdout().contains("-XX:+UseSerialGC"), replaced.stdout());
        assertFalse(replaced.stdout().contains("-XX:+UseParallelGC"), replaced.stdout());

        Run options = launch(printFlags, "options", "--help");
        assertEquals(0, options.exitCode(), options.stderr());
        assertTrue(options.stdout().contains("-XX:InitialHeapSize="), "the flags were printed: " + options.stdout());
        assertFalse(options.stdout().contains("-XX:+UseParallelGC"), options.stdout());
        assertFalse(options.stdout().contains("-XX:MaxGCPauseMillis="), options.stdout());
    }

    @Test
    void theJobCommandsRunG1WithItsOwnPauseGoalSpelledOutUnlessJavaOptsNamesACollector() throws Exception {
        // `local` and `bench job` run the Flink job in the launcher's JVM: G1 (the JVM's default) with its 200 ms pause
        // goal on the command line (not session 21's 50 ms). A collector named in JAVA_OPTS takes over with its own
        // defaults.
        Map<String, String> printFlags = Map.of("SNAPDELTA_MODULE", "common", "SNAPDELTA_MAIN", OptionsDocGenerator.class.getName(),
                "JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        // The stand-in main gets the words after the command's first: "--help" for local (exit 0), "job --help" for
        // bench job (its usage error, exit 2). The JVM prints its flags before main runs either way.
        for (String[] command : new String[][] {{"local", "--help"}, {"bench", "job", "--help"}}) {
            Run run = launch(printFlags, command);
            assertEquals(command.length == 2 ? 0 : 2, run.exitCode(), run.stderr());
            assertTrue(run.stdout().contains("-XX:MaxGCPauseMillis=200"), String.join(" ", command) + ": " + run.stdout());
            assertTrue(run.stdout().contains("-XX:+UseG1GC"), String.join(" ", command) + ": " + run.stdout());
        }
        Map<String, String> parallel = new java.util.HashMap<>(printFlags);
        parallel.put("JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:+UseParallelGC");
        Run replaced = launch(parallel, "local", "--help");
        assertEquals(0, replaced.exitCode(), replaced.stderr());
        assertTrue(replaced.stdout().contains("-XX:+UseParallelGC"), replaced.stdout());
        assertFalse(replaced.stdout().contains("-XX:MaxGCPauseMillis=200"), replaced.stdout());
    }

    @Test
    void theJobCommandsKeepFreedNativeMemoryInMallocUnlessTheEnvironmentSaysOtherwise() throws Exception {
        // A stand-in JDK whose java prints the malloc settings it was started with: the launcher sets glibc's
        // mmap and trim thresholds for the commands that run RocksDB in their JVM (local, bench job), leaves
        // every other command's environment alone, and keeps a value the caller already set. The module is
        // built by the first test, so the stand-in never runs the Maven wrapper.
        Path jdk = Files.createTempDirectory(state, "jdk");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "echo \"mmap=${MALLOC_MMAP_THRESHOLD_:-unset} trim=${MALLOC_TRIM_THRESHOLD_:-unset}\"\n");
        assertTrue(java.toFile().setExecutable(true));
        Map<String, String> env = new java.util.HashMap<>(Map.of("SNAPDELTA_MODULE", "common",
                "SNAPDELTA_MAIN", OptionsDocGenerator.class.getName(), "JAVA_HOME", jdk.toString()));
        env.put("MALLOC_MMAP_THRESHOLD_", "");
        env.put("MALLOC_TRIM_THRESHOLD_", "");
        for (String[] command : new String[][] {{"local", "--help"}, {"bench", "job", "--help"}}) {
            Run run = launch(env, command);
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("mmap=33554432 trim=1073741824", run.stdout().strip(), String.join(" ", command));
        }
        for (String[] command : new String[][] {{"bench", "bandwidth", "--help"}, {"replica", "--help"}, {"options", "--help"}}) {
            Run run = launch(env, command);
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("mmap=unset trim=unset", run.stdout().strip(), String.join(" ", command));
        }
        env.put("MALLOC_TRIM_THRESHOLD_", "131072");
        Run given = launch(env, "local", "--help");
        assertEquals(0, given.exitCode(), given.stderr());
        assertEquals("mmap=33554432 trim=131072", given.stdout().strip());
    }

    @Test
    void aMissingModuleIsAFailureNotAUsageError() throws Exception {
        Run run = launch(Map.of("SNAPDELTA_MODULE", "no-such-module"), "options");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("snapdelta: no module no-such-module in "), run.stderr());
    }
}
