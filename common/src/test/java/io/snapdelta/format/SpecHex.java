package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads the hex of a spec's worked example (between {@code <!-- worked-example:begin -->} and
 * {@code <!-- worked-example:end -->}; text after two spaces on a line is a comment), so the tests decode
 * exactly what the spec shows and the spec cannot drift from the code.
 */
final class SpecHex {
    private SpecHex() {
    }

    static Path spec(String fileName) {
        return Path.of(System.getProperty("basedir", "."), "..", "schemas", fileName);
    }

    static byte[] workedExample(String specFileName) throws Exception {
        Path spec = spec(specFileName);
        assertTrue(Files.exists(spec), "the spec is missing: " + spec.toAbsolutePath());
        String text = Files.readString(spec);
        int begin = text.indexOf("<!-- worked-example:begin -->");
        int end = text.indexOf("<!-- worked-example:end -->");
        assertTrue(begin >= 0 && end > begin, "worked example markers not found in " + spec);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : text.substring(begin, end).split("\n")) {
            if (line.startsWith("<!--") || line.startsWith("```") || line.isBlank()) {
                continue;
            }
            int comment = line.indexOf("  ");
            String hex = (comment < 0 ? line : line.substring(0, comment)).replace(" ", "");
            out.writeBytes(HexFormat.of().parseHex(hex));
        }
        return out.toByteArray();
    }
}
