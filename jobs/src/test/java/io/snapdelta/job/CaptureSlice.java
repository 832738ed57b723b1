package io.snapdelta.job;

import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import io.snapdelta.testing.SharedData;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A slice of the real pgbench-small capture (Debezium JSON lines, the {@code {"key":..,"value":..}} line
 * form): its first {@code head} lines (snapshot reads) and last {@code tail} lines (inserts, updates), or a
 * generated capture with deletes and tombstones ({@link #generated}), then injected duplicates (a line sent
 * again) and stale versions (an older line of a key sent after a newer one). {@link #expectedState} is
 * last-version-wins over the slice, computed here independently of the job.
 */
final class CaptureSlice {
    final List<byte[]> lines = new ArrayList<>();
    int duplicates;
    int stale;
    int staleAfterDelete;

    static CaptureSlice of(int head, int tail, int injectEvery) {
        List<byte[]> all = SharedData.lines(SharedData.pgbenchSmallEvents());
        List<byte[]> slice = new ArrayList<>(all.subList(0, head));
        slice.addAll(all.subList(all.size() - tail, all.size()));
        return injected(slice, injectEvery);
    }

    /**
     * A generated pgbench capture of the judging shape ({@link PgbenchDebeziumWorkload}: Zipf-skewed accounts,
     * deletes of earlier history rows each followed by its tombstone line), with the same injections as
     * {@link #of}. An injected stale version of a deleted row is its insert, sent after its delete: only the
     * delete's version tombstone tells the job to drop it ({@link #staleAfterDelete} counts those).
     */
    static CaptureSlice generated(int accounts, int transactions, double skew, double deleteShare, int injectEvery) {
        return injected(new PgbenchDebeziumWorkload(accounts, transactions, 23, skew, deleteShare).lines(), injectEvery);
    }

    private static CaptureSlice injected(List<byte[]> lines, int injectEvery) {
        CaptureSlice s = new CaptureSlice();
        DebeziumJsonParser parser = new DebeziumJsonParser();
        Map<TableKey, byte[]> firstLineOfKey = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            s.lines.add(line);
            ChangeEvent e = parse(parser, line);
            if (e == null) {
                continue; // a tombstone line: no change to duplicate or to make stale
            }
            TableKey k = new TableKey(e.table(), e.key());
            byte[] first = firstLineOfKey.putIfAbsent(k, line);
            if (i % injectEvery == injectEvery - 1) {
                if (first != null) {
                    s.lines.add(first); // older version of this key, after a newer one: stale
                    s.stale++;
                    if (e.op() == ChangeOp.DELETE) {
                        s.staleAfterDelete++;
                    }
                } else {
                    s.lines.add(line); // the same change again: duplicate
                    s.duplicates++;
                }
            }
        }
        return s;
    }

    /** (table, key) -> row after applying every line in version order, last version wins; deletes remove. */
    Map<TableKey, Row> expectedState() {
        return expectedState(lines);
    }

    /** Last-version-wins over {@code lines} (capture lines, every one valid), as {@link #expectedState()}. */
    static Map<TableKey, Row> expectedState(List<byte[]> lines) {
        DebeziumJsonParser parser = new DebeziumJsonParser();
        Map<TableKey, ChangeEvent> newest = new LinkedHashMap<>();
        for (byte[] line : lines) {
            ChangeEvent e = parse(parser, line);
            if (e == null) {
                continue; // a tombstone line carries no change
            }
            newest.merge(new TableKey(e.table(), e.key()), e, (a, b) -> b.version().compareTo(a.version()) > 0 ? b : a);
        }
        Map<TableKey, Row> state = new HashMap<>();
        newest.forEach((k, e) -> {
            if (e.op() != ChangeOp.DELETE) {
                state.put(k, e.after());
            }
        });
        return state;
    }

    /** The (table, key) a capture line changes; not for tombstone lines. */
    static TableKey keyOf(byte[] line) {
        ChangeEvent e = parse(new DebeziumJsonParser(), line);
        return new TableKey(e.table(), e.key());
    }

    /** The line's event, or {@code null} for a tombstone line. */
    private static ChangeEvent parse(DebeziumJsonParser parser, byte[] line) {
        try {
            return parser.parse(null, line);
        } catch (ParseException e) {
            throw new AssertionError("capture line does not parse: " + e.getMessage(), e);
        }
    }
}
