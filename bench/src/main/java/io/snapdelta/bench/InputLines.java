package io.snapdelta.bench;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a {@code .jsonl} or {@code .jsonl.zst} file into memory, one byte[] per non-empty line. */
final class InputLines {
    private InputLines() {
    }

    static List<byte[]> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("input file " + file + " does not exist or is not a file");
        }
        byte[] all;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = file.getFileName().toString().endsWith(".zst") ? new ZstdInputStream(raw) : raw) {
            all = in.readAllBytes();
        }
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
                if (end > start) {
                    lines.add(Arrays.copyOfRange(all, start, end));
                }
                start = i + 1;
            }
        }
        return lines;
    }
}
