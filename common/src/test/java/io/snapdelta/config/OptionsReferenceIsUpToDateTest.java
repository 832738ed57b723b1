package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/options.md is generated from the declarations; this keeps the committed copy in sync. */
class OptionsReferenceIsUpToDateTest {

    static Path projectRoot() {
        String root = System.getProperty("snapdelta.root.dir");
        if (root == null) {
            fail("System property snapdelta.root.dir is not set: run the tests through Maven (the root pom sets it)");
        }
        return Path.of(root);
    }

    @Test
    void committedReferenceEqualsTheGeneratedOne() throws IOException {
        Path committed = projectRoot().resolve("docs/options.md");
        String expected = OptionsDocGenerator.render(OptionsRegistry.GROUPS);
        if (!Files.exists(committed)) {
            fail(committed + " is missing. Generate it with: " + OptionsDocGenerator.REGENERATE_COMMAND);
        }
        String actual = Files.readString(committed, StandardCharsets.UTF_8);
        if (!actual.equals(expected)) {
            fail("docs/options.md is out of date with the ConfigOption declarations. Regenerate it with: "
                    + OptionsDocGenerator.REGENERATE_COMMAND + " (first differing line: " + firstDifference(actual, expected) + ")");
        }
    }

    @Test
    void referenceDocumentsEveryOptionWithTypeDefaultAndValidRange() {
        String md = OptionsDocGenerator.render(OptionsRegistry.GROUPS);
        for (ConfigOption<?> o : OptionsRegistry.options()) {
            assertTrue(md.contains("| `" + o.key() + "` |"), "missing row for " + o.key());
        }
        assertTrue(md.contains("| `kafka.transaction-timeout` | `Duration` | `15min` | [1s,...,1d] |"), md);
        assertTrue(md.contains("| `kafka.input-format` | `Enum` | `debezium-json` | debezium-json, snapdelta-json, snapdelta-avro |"), md);
        assertTrue(md.contains("| `s3.secret-key` | `Password` | (empty) |"), md);
        assertTrue(md.contains("| `kafka.bootstrap-servers` | `List<String>` | (required) |"), md);
        assertTrue(md.contains("Pass-through `kafka.properties.*`"), md);
    }

    @Test
    void generatorWritesTheFileAndRejectsUnknownArguments(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("sub/options.md");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = OptionsDocGenerator.run(new String[] {"--output", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        assertEquals(OptionsDocGenerator.render(OptionsRegistry.GROUPS), Files.readString(out));
        int usage = OptionsDocGenerator.run(new String[] {"--bogus"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(2, usage);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("Unknown argument: --bogus"));
    }

    private static String firstDifference(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String l = i < x.length ? x[i] : "<end of file>";
            String r = i < y.length ? y[i] : "<end of file>";
            if (!l.equals(r)) {
                return "line " + (i + 1) + ": committed '" + l + "', generated '" + r + "'";
            }
        }
        return "none";
    }
}
