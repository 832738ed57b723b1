package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.config.DeltaFormatOptions;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The hex of the worked example in schemas/delta-batch-v2.md is the v2 format, byte for byte. */
class SpecWorkedExampleV2Test {
    static final Path SPEC = Path.of(System.getProperty("basedir", "."), "..", "schemas", "delta-batch-v2.md");

    static byte[] workedExampleBytes() throws Exception {
        assertTrue(Files.exists(SPEC), "the spec is missing: " + SPEC.toAbsolutePath());
        String text = Files.readString(SPEC);
        int begin = text.indexOf("<!-- worked-example:begin -->");
        int end = text.indexOf("<!-- worked-example:end -->");
        assertTrue(begin >= 0 && end > begin, "worked example markers not found in " + SPEC);
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

    @Test
    void workedExampleInTheSpecDecodesToItsDescribedOps() throws Exception {
        byte[] sealed = workedExampleBytes();
        GoldenVectors.Vector v = GoldenVectors.workedExample();
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertEquals(2, decoded.header().formatVersion());
            assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
            assertEquals(42, decoded.header().sequence());
            assertEquals(1, decoded.header().shard());
        }
    }

    @Test
    void workedExampleInTheSpecIsWhatTheWriterProduces() throws Exception {
        assertArrayEquals(GoldenVectors.seal(GoldenVectors.workedExample(), BatchLayout.FORMAT_VERSION_2), workedExampleBytes());
    }
}
