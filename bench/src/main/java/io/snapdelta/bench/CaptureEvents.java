package io.snapdelta.bench;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture file read into memory and parsed: one line per record ({@code .jsonl}, optionally
 * {@code .zst}), the parsed events, and the raw line bytes of the streamed ({@code c/u/d}) changes that
 * the Debezium baseline compresses.
 */
final class CaptureEvents {
    final List<ChangeEvent> events;
    /** The lines (key + value as captured, without the newline) of the streamed changes, in order. */
    final List<byte[]> streamedDebeziumLines;
    final long streamedChanges;
    final long snapshotReads;

    private CaptureEvents(List<ChangeEvent> events, List<byte[]> streamedDebeziumLines, long streamedChanges, long snapshotReads) {
        this.events = events;
        this.streamedDebeziumLines = streamedDebeziumLines;
        this.streamedChanges = streamedChanges;
        this.snapshotReads = snapshotReads;
    }

    /** Reads the file line by line (never whole: a capture may be larger than a Java array). */
    static CaptureEvents read(Path file, InputFormat format) throws IOException {
        ChangeEventParser parser = parserFor(format);
        List<ChangeEvent> events = new ArrayList<>();
        List<byte[]> streamed = new ArrayList<>();
        long streamedChanges = 0;
        long reads = 0;
        try (io.snapdelta.localstack.InputLines lines = io.snapdelta.localstack.InputLines.open(file)) {
            for (byte[] raw = lines.next(); raw != null; raw = lines.next()) {
                byte[] line = InputLines.withoutCarriageReturn(raw);
                if (line.length == 0) {
                    continue;
                }
                long lineNo = lines.lineNumber();
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
                    streamed.add(line);
                }
            }
        }
        return new CaptureEvents(events, streamed, streamedChanges, reads);
    }

    private static ChangeEventParser parserFor(InputFormat format) {
        if (format == InputFormat.DEBEZIUM_JSON) {
            return new DebeziumJsonParser();
        }
        throw new IllegalArgumentException("input format " + format.id() + " has no capture-file parser yet "
                + "(supported: " + InputFormat.DEBEZIUM_JSON.id() + ")");
    }
}
