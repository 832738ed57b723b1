package io.snapdelta.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes capture lines to a {@code .jsonl} file for the bench commands under test. */
final class CaptureFiles {
    private CaptureFiles() {
    }

    /** {@code lines}, each followed by a newline, to {@code file}; returns {@code file}. */
    static Path write(List<byte[]> lines, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        return file;
    }
}
