package io.snapdelta.localstack;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a {@code .jsonl} or {@code .jsonl.zst} file line by line as raw bytes: no charset decoding and
 * no trimming, so each line reaches Kafka exactly as it is in the file (invalid UTF-8 included, which
 * is the parser's to reject). Lines end at {@code \n}; the {@code \n} is not part of the line. A final
 * line without {@code \n} still counts; a file ending in {@code \n} has no empty last line.
 */
public final class InputLines implements Closeable {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long lineNumber;

    private InputLines(InputStream in) {
        this.in = in;
    }

    public static InputLines open(Path file) throws IOException {
        String name = file.getFileName().toString();
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (name.endsWith(".jsonl.zst") || name.endsWith(".zst")) {
            return new InputLines(new ZstdInputStream(raw));
        }
        if (name.endsWith(".jsonl")) {
            return new InputLines(raw);
        }
        raw.close();
        throw new IllegalArgumentException("input file " + file + " must end in .jsonl or .jsonl.zst");
    }

    /** The next line's bytes, or {@code null} at the end of the file. */
    public byte[] next() throws IOException {
        line.reset();
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return null;
                    }
                    lineNumber++;
                    return line.toByteArray();
                }
            }
            any = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            line.write(buf, start, pos - start);
            if (pos < limit) {
                pos++; // the '\n'
                lineNumber++;
                return line.toByteArray();
            }
        }
    }

    /** Number of the line {@link #next()} last returned, counting from 1. */
    public long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
