package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C behaviour, for real: a separate JVM runs {@link LocalStackMain}; SIGTERM (which runs the same
 * shutdown hooks as Ctrl-C's SIGINT) must stop every server and delete the stack's directory.
 */
class LocalStackShutdownHookTest {
    private static final String END = "\u0000end-of-output";

    @Test
    void sigtermRunsTheShutdownHookWhichStopsEverythingAndDeletesTheWorkDir(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Djava.io.tmpdir=" + tmp,
                // log4j's own shutdown hook would race ours and drop its last lines (bin/snapdelta sets this too)
                "-Dlog4j2.shutdownHookEnabled=false",
                "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(), "--dir", dir.toString(), "--slots", "1")
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> pumpLines(process.getInputStream(), lines), "child-output");
        pump.setDaemon(true);
        pump.start();
        List<String> output = new ArrayList<>();
        try {
            String ready = awaitLine(lines, output, "READY ", Duration.ofSeconds(180));
            Path connectionFile = Path.of(ready.substring("READY ".length()).trim());
            Properties connection = new Properties();
            try (Reader r = Files.newBufferedReader(connectionFile)) {
                connection.load(r);
            }
            Path workDir = connectionFile.getParent();
            assertTrue(workDir.startsWith(dir), workDir + " not under " + dir);
            String[] bootstrap = connection.getProperty("kafka.bootstrap.servers").split(":");
            InetSocketAddress kafka = new InetSocketAddress(bootstrap[0], Integer.parseInt(bootstrap[1]));
            try (Socket s = new Socket()) {
                s.connect(kafka, 5000); // the broker in the child answers
            }

            // SIGTERM; Process.destroy() would also close our end of the child's stdout, ProcessHandle's does not.
            assertTrue(process.toHandle().destroy(), "SIGTERM not delivered");
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "child did not exit within 90 s of SIGTERM");
            awaitLine(lines, output, END, Duration.ofSeconds(10));

            String all = String.join("\n", output);
            assertTrue(all.contains("Local stack stopped by JVM shutdown"), "shutdown hook did not run:\n" + all);
            assertFalse(Files.exists(workDir), "work dir left behind: " + workDir);
            String secret = connection.getProperty("s3.secret.key");
            assertNotNull(secret);
            assertFalse(all.contains(secret), "the S3 secret key appeared in the output");
            assertEquals(143, process.exitValue(), "exit code after SIGTERM (128 + 15)");
        } finally {
            process.destroyForcibly();
        }
    }

    private static void pumpLines(java.io.InputStream in, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (java.io.IOException e) {
            lines.add("(output read failed: " + e + ")");
        }
        lines.add(END);
    }

    /** Collects lines into {@code output} until one starts with {@code prefix}; fails after {@code timeout}. */
    private static String awaitLine(BlockingQueue<String> lines, List<String> output, String prefix, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line starting with '" + prefix.trim() + "' within " + timeout
                        + "; output so far:\n" + String.join("\n", output));
            }
            output.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.equals(END)) {
                throw new AssertionError("child ended before '" + prefix.trim() + "':\n" + String.join("\n", output));
            }
        }
    }
}
