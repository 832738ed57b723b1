package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputLinesTest {
    @TempDir
    Path dir;

    private static List<byte[]> readAll(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (InputLines in = InputLines.open(file)) {
            byte[] line;
            while ((line = in.next()) != null) {
                out.add(line);
                assertEquals(out.size(), in.lineNumber());
            }
            assertNull(in.next());
        }
        return out;
    }

    @Test
    void linesKeepTheirBytesUntouchedIncludingEmptyLinesCarriageReturnsAndInvalidUtf8() throws IOException {
        byte[] content = {'a', '\n', '\n', 'b', '\r', '\n', (byte) 0xC3, 'x', '\n', 'l', 'a', 's', 't'};
        Path file = Files.write(dir.resolve("x.jsonl"), content);
        List<byte[]> lines = readAll(file);
        assertEquals(5, lines.size());
        assertArrayEquals(new byte[] {'a'}, lines.get(0));
        assertArrayEquals(new byte[0], lines.get(1));
        assertArrayEquals(new byte[] {'b', '\r'}, lines.get(2));
        assertArrayEquals(new byte[] {(byte) 0xC3, 'x'}, lines.get(3));
        assertArrayEquals(new byte[] {'l', 'a', 's', 't'}, lines.get(4));
    }

    @Test
    void aFinalNewlineDoesNotMakeAnEmptyLastLineAndLongLinesSpanBuffers() throws IOException {
        byte[] longLine = "y".repeat(200_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path file = dir.resolve("x.jsonl.zst");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(file))) {
            out.write(longLine);
            out.write('\n');
            out.write("z\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        List<byte[]> lines = readAll(file);
        assertEquals(2, lines.size());
        assertArrayEquals(longLine, lines.get(0));
        assertArrayEquals(new byte[] {'z'}, lines.get(1));
    }

    @Test
    void otherExtensionsAreRejectedNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("x.csv"), "a\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputLines.open(file));
        assertTrue(e.getMessage().contains("x.csv") && e.getMessage().contains(".jsonl.zst"), e.getMessage());
    }

    @Test
    void avroLinesAreBase64AndABadLineIsNamed() {
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, InputProducer.decodeAvroLine("AAH/\r".getBytes(), 1, Path.of("f.jsonl")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputProducer.decodeAvroLine("not base64!".getBytes(), 7, Path.of("f.jsonl")));
        assertTrue(e.getMessage().contains("f.jsonl line 7"), e.getMessage());
    }
}
