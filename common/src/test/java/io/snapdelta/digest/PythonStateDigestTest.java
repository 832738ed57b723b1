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
 * The second, independent implementation of the digest (schemas/tools/state_digest.py: v1 Python stdlib only,
 * v2 with the xxhash module) recomputes the golden digests from the same state description the Java test reads.
 */
class PythonStateDigestTest {
    /** Debian's Python, which has python3-xxhash (the {@code python3} on a developer's PATH may not). */
    static final String DEBIAN_PYTHON = "/usr/bin/python3";
    static final String XXHASH_HINT = "state digest v2's Python check needs " + DEBIAN_PYTHON + " with the xxhash module: "
            + "apt-get install -y --no-install-recommends python3-xxhash (or run .ci/run, which installs what is missing)";

    /** The Python tool's v1 digest of a state description file (fails the test if python3 cannot run it). */
    static String pythonDigest(Path state) throws Exception {
        return pythonDigest(state, DigestVersion.V1);
    }

    /** v1 runs the {@code python3} on PATH (stdlib only); v2 runs {@link #DEBIAN_PYTHON}, failing with the install hint. */
    static String pythonDigest(Path state, DigestVersion version) throws Exception {
        Path script = Paths.get("..", "schemas", "tools", "state_digest.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "the Python digest tool is missing at " + script);
        String python = version == DigestVersion.V1 ? "python3" : DEBIAN_PYTHON;
        if (version != DigestVersion.V1) {
            assertTrue(Files.isExecutable(Paths.get(DEBIAN_PYTHON)), DEBIAN_PYTHON + " is missing; " + XXHASH_HINT);
            Process check = new ProcessBuilder(DEBIAN_PYTHON, "-c", "import xxhash").redirectErrorStream(true).start();
            String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
                fail(XXHASH_HINT + "\n" + checkOut);
            }
        }
        Process p;
        try {
            p = new ProcessBuilder(python, script.toString(), state.toString(), "--digest-version", Integer.toString(version.id()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(python + " is required to run the independent state digest implementation but could not be started: " + e.getMessage());
            return null;
        }
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            fail("python3 " + script + " did not finish within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), "python3 failed: " + out);
        return out;
    }

    @Test
    void pythonImplementationRecomputesTheGoldenDigest() throws Exception {
        Path state = Files.createTempFile("golden-state", ".json");
        try (InputStream in = getClass().getResourceAsStream("/digest/golden-state-v1.json")) {
            Files.copy(in, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(StateDigestTest.GOLDEN_DIGEST, pythonDigest(state));
        assertEquals(StateDigestTest.GOLDEN_DIGEST_V2, pythonDigest(state, DigestVersion.V2));
        Files.deleteIfExists(state);
    }

    /**
     * Rows far wider than the hasher's initial buffer, with long and non-ASCII strings, bytes and decimals
     * between fixed-width values and nulls of every type: the Java digest (which reserves the fixed-width
     * parts of a row at once and grows its buffer at variable-length values) equals the Python one.
     */
    @Test
    void pythonImplementationAgreesOnWideRowsWithLongValues() throws Exception {
        java.util.Random random = new java.util.Random(7);
        String[] types = {"INT64", "STRING", "BOOLEAN", "BYTES", "FLOAT64", "DECIMAL", "DATE", "TIMESTAMP_MICROS"};
        StringBuilder json = new StringBuilder("{\"entries\": [");
        for (int e = 0; e < 6; e++) {
            json.append(e == 0 ? "" : ",").append("{\"namespace\": \"public\", \"table\": \"wide").append(e % 2)
                    .append("\", \"key\": [{\"name\": \"id\", \"type\": \"INT64\", \"value\": ").append(e).append("}], \"row\": [");
            for (int f = 0; f < 60; f++) {
                String type = types[f % types.length];
                json.append(f == 0 ? "" : ",").append("{\"name\": \"field_").append(f).append("\", \"type\": \"").append(type).append("\"");
                if (random.nextInt(5) == 0) {
                    json.append(", \"value\": null}");
                    continue;
                }
                String value = switch (type) {
                    case "INT64", "DATE", "TIMESTAMP_MICROS" -> Long.toString(random.nextLong());
                    case "STRING" -> "\"" + "x\u00e9\u6f22 ".repeat(random.nextInt(400)) + "\"";
                    case "BOOLEAN" -> Boolean.toString(random.nextBoolean());
                    case "BYTES" -> "\"" + java.util.HexFormat.of().formatHex(new byte[random.nextInt(700)]) + "\"";
                    case "FLOAT64" -> "\"" + random.nextDouble() * 1e6 + "\"";
                    default -> "\"" + new java.math.BigDecimal(new java.math.BigInteger(200, random), random.nextInt(10)) + "\"";
                };
                json.append(", \"value\": ").append(value).append("}");
            }
            json.append("]}");
        }
        json.append("]}");
        Path state = Files.createTempFile("wide-state", ".json");
        Files.writeString(state, json, StandardCharsets.UTF_8);
        for (DigestVersion version : DigestVersion.values()) {
            StateDigest java;
            try (InputStream in = Files.newInputStream(state)) {
                java = StateDigestTest.digestOf(StateFixture.read(in), version);
            }
            assertEquals(java.toHex(), pythonDigest(state, version), "digest " + version);
        }
        Files.deleteIfExists(state);
    }
}
