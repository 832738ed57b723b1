package io.snapdelta.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Reads a {@code .jsonl} or {@code .jsonl.zst} file line by line, one byte[] per non-empty line. */
final class InputLines {
    private InputLines() {
    }

    static List<byte[]> read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        forEach(file, out::add);
        return out;
    }

    /** Hands each non-empty line to {@code out} as it is read, holding none: for files larger than the heap. */
    static void forEach(Path file, Consumer<byte[]> out) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("input file " + file + " does not exist or is not a file");
        }
        try (io.snapdelta.localstack.InputLines lines = io.snapdelta.localstack.InputLines.open(file)) {
            for (byte[] raw = lines.next(); raw != null; raw = lines.next()) {
                byte[] line = withoutCarriageReturn(raw);
                if (line.length > 0) {
                    out.accept(line);
                }
            }
        }
    }

    /** The line without a trailing {@code \r} (a file with CRLF line ends), or the same array if it has none. */
    static byte[] withoutCarriageReturn(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
    }
}
