package io.snapdelta.bench;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A capture file (one record per line, {@code .jsonl}, optionally {@code .zst}) for the bandwidth bench: read
 * once to validate and count it and to measure the Debezium baseline over its streamed ({@code c/u/d}) lines,
 * then parsed again for every pass and handed over a chunk of events at a time. Kafka tombstones (the
 * value-null line Debezium writes after a delete) carry no change: they are counted and skipped, as the job
 * skips them, and are not part of the Debezium baseline. Nothing of the capture is held
 * between passes, so its size is bounded by the disk, not the heap (a 2.1M-event capture, its parsed events and
 * its streamed lines held in memory, needed more than 2.5 GB of heap).
 */
final class CaptureEvents {
    /**
     * Events parsed ahead of the timed encode (the parse is not timed). Small, because the job's shard operator
     * applies each event right after deserializing it, while its objects are still in the cache: 65,536 parsed
     * events (~40 MB) overflow this machine's 32 MB L3, so every event was a cold miss the job does not pay.
     * Session 9, alternating pairs of `bench bandwidth --no-sweep` (65,536 vs 1,024): encode per thread-CPU s
     * 657,942 / 789,695, 618,601 / 716,334, 704,603 / 753,155, 671,344 / 716,317, 714,189 / 698,333,
     * 676,866 / 735,570 (the shard logic +7-17%, the sealing calls a little slower: the parser now runs between
     * them). Session 7 had measured 256-event chunks ~7% slower than 65,536 on an older encoder.
     */
    static final int CHUNK_EVENTS = 1_024;

    /** Receives one chunk of parsed events, in capture order; the array is reused between calls. */
    interface ChunkConsumer {
        void accept(ChangeEvent[] events, int count);
    }

    private final Path file;
    private final InputFormat format;
    final long eventCount;
    /** Tombstone lines, skipped (not in {@link #eventCount}). */
    final long tombstones;
    final long streamedChanges;
    final long snapshotReads;
    /** The streamed changes' Debezium lines (key + value as captured) compressed with zstd -3 and gzip -6. */
    final DebeziumBaseline baseline;

    private CaptureEvents(Path file, InputFormat format, long eventCount, long tombstones, long streamedChanges,
                          long snapshotReads, DebeziumBaseline baseline) {
        this.file = file;
        this.format = format;
        this.eventCount = eventCount;
        this.tombstones = tombstones;
        this.streamedChanges = streamedChanges;
        this.snapshotReads = snapshotReads;
        this.baseline = baseline;
    }

    /**
     * Reads the file line by line (never whole), parses every line so that a bad one fails here with its line
     * number, counts the events and measures the Debezium baseline over the streamed lines.
     */
    static CaptureEvents read(Path file, InputFormat format) throws IOException {
        DebeziumBaseline.Accumulator debezium = DebeziumBaseline.Accumulator.forThisJvm();
        long[] counts = new long[4]; // events, streamed changes, snapshot reads, tombstones
        replay(file, format, (e, line) -> {
            if (e == null) {
                counts[3]++;
                return;
            }
            counts[0]++;
            if (e.op() == ChangeOp.SNAPSHOT_READ) {
                counts[2]++;
            } else {
                counts[1]++;
                debezium.add(line);
            }
        });
        return new CaptureEvents(file, format, counts[0], counts[3], counts[1], counts[2], debezium.finish());
    }

    /**
     * Parses the file again with a fresh parser and hands its events over in chunks of {@link #CHUNK_EVENTS}
     * (the last one shorter), in file order.
     */
    void forEachChunk(ChunkConsumer consumer) {
        ChangeEvent[] chunk = new ChangeEvent[CHUNK_EVENTS];
        int[] n = new int[1];
        try {
            replay(file, format, (e, line) -> {
                if (e == null) {
                    return;
                }
                chunk[n[0]++] = e;
                if (n[0] == chunk.length) {
                    consumer.accept(chunk, n[0]);
                    n[0] = 0;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("re-reading " + file + " for a bandwidth pass", e);
        }
        if (n[0] > 0) {
            consumer.accept(chunk, n[0]);
        }
    }

    private interface ParsedLine {
        /** @param event the line's change, or null for a tombstone */
        void accept(ChangeEvent event, byte[] line);
    }

    private static void replay(Path file, InputFormat format, ParsedLine sink) throws IOException {
        ChangeEventParser parser = parserFor(format);
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
                sink.accept(e, line); // null: a tombstone
            }
        }
    }

    private static ChangeEventParser parserFor(InputFormat format) {
        if (format == InputFormat.DEBEZIUM_JSON) {
            return new DebeziumJsonParser();
        }
        throw new IllegalArgumentException("input format " + format.id() + " has no capture-file parser yet "
                + "(supported: " + InputFormat.DEBEZIUM_JSON.id() + ")");
    }
}
