package io.snapdelta.bench;

import com.github.luben.zstd.ZstdInputStream;
import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A capture file read into memory and parsed: one line per record ({@code .jsonl}, optionally
 * {@code .zst}), the parsed events, and the raw line bytes of the streamed ({@code c/u/d}) changes that
 * the Debezium baseline compresses.
 */
final class CaptureEvents {
    final List<ChangeEvent> events;
    /** Raw bytes (key + value as captured, one line each, newline included) of the streamed changes. */
    final byte[] streamedDebeziumBytes;
    final long streamedChanges;
    final long snapshotReads;

    private CaptureEvents(List<ChangeEvent> events, byte[] streamedDebeziumBytes, long streamedChanges, long snapshotReads) {
        this.events = events;
        this.streamedDebeziumBytes = streamedDebeziumBytes;
        this.streamedChanges = streamedChanges;
        this.snapshotReads = snapshotReads;
    }

    static CaptureEvents read(Path file, InputFormat format) throws IOException {
        ChangeEventParser parser = parserFor(format);
        byte[] all;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = file.getFileName().toString().endsWith(".zst") ? new ZstdInputStream(raw) : raw) {
            all = in.readAllBytes();
        }
        List<ChangeEvent> events = new ArrayList<>();
        java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
        long streamedChanges = 0;
        long reads = 0;
        int start = 0;
        int lineNo = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i < all.length && all[i] != '\n') {
                continue;
            }
            lineNo++;
            int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
            if (end > start) {
                byte[] line = Arrays.copyOfRange(all, start, end);
                ChangeEvent e;
                try {
                    e = parser.parse(null, line);
                } catch (ParseException ex) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": " + ex.getMessage(), ex);
                }
                if (e == null) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": a tombstone record carries no change "
                            + "and cannot appear in a capture file");
                }
                events.add(e);
                if (e.op() == ChangeOp.SNAPSHOT_READ) {
                    reads++;
                } else {
                    streamedChanges++;
                    streamed.write(line, 0, line.length);
                    streamed.write('\n');
                }
            }
            start = i + 1;
        }
        return new CaptureEvents(events, streamed.toByteArray(), streamedChanges, reads);
    }

    private static ChangeEventParser parserFor(InputFormat format) {
        if (format == InputFormat.DEBEZIUM_JSON) {
            return new DebeziumJsonParser();
        }
        throw new IllegalArgumentException("input format " + format.id() + " has no capture-file parser yet "
                + "(supported: " + InputFormat.DEBEZIUM_JSON.id() + ")");
    }
}
