package io.snapdelta.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The second, independent implementation of the digest (schemas/tools/state_digest.py, Python stdlib
 * only) recomputes the golden digest from the same state description the Java test reads.
 */
class PythonStateDigestTest {
    @Test
    void pythonImplementationRecomputesTheGoldenDigest() throws Exception {
        Path script = Paths.get("..", "schemas", "tools", "state_digest.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "the Python digest tool is missing at " + script);
        Path state = Files.createTempFile("golden-state", ".json");
        try (InputStream in = getClass().getResourceAsStream("/digest/golden-state-v1.json")) {
            Files.copy(in, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Process p;
        try {
            p = new ProcessBuilder("python3", script.toString(), state.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("python3 is required to run the independent state digest implementation but could not be started: " + e.getMessage());
            return;
        }
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            fail("python3 " + script + " did not finish within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), "python3 failed: " + out);
        assertEquals(StateDigestTest.GOLDEN_DIGEST, out);
        Files.deleteIfExists(state);
    }
}
