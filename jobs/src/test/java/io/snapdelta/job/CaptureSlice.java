package io.snapdelta.job;

import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import io.snapdelta.testing.SharedData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A slice of the real pgbench-small capture (Debezium JSON lines, the {@code {"key":..,"value":..}} line
 * form): its first {@code head} lines (snapshot reads) and last {@code tail} lines (inserts, updates), then
 * injected duplicates (a line sent again) and stale versions (an older line of a key sent after a newer
 * one). {@link #expectedState} is last-version-wins over the slice, computed here independently of the job.
 */
final class CaptureSlice {
    final List<byte[]> lines = new ArrayList<>();
    int duplicates;
    int stale;

    static CaptureSlice of(int head, int tail, int injectEvery) {
        List<byte[]> all = SharedData.lines(SharedData.pgbenchSmallEvents());
        CaptureSlice s = new CaptureSlice();
        s.lines.addAll(all.subList(0, head));
        s.lines.addAll(all.subList(all.size() - tail, all.size()));
        DebeziumJsonParser parser = new DebeziumJsonParser();
        Map<TableKey, byte[]> firstLineOfKey = new HashMap<>();
        List<byte[]> withInjected = new ArrayList<>();
        for (int i = 0; i < s.lines.size(); i++) {
            byte[] line = s.lines.get(i);
            withInjected.add(line);
            ChangeEvent e = parse(parser, line);
            TableKey k = new TableKey(e.table(), e.key());
            byte[] first = firstLineOfKey.putIfAbsent(k, line);
            if (i % injectEvery == injectEvery - 1) {
                if (first != null) {
                    withInjected.add(first); // older version of this key, after a newer one: stale
                    s.stale++;
                } else {
                    withInjected.add(line); // the same change again: duplicate
                    s.duplicates++;
                }
            }
        }
        s.lines.clear();
        s.lines.addAll(withInjected);
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

    /** The (table, key) a capture line changes. */
    static TableKey keyOf(byte[] line) {
        ChangeEvent e = parse(new DebeziumJsonParser(), line);
        return new TableKey(e.table(), e.key());
    }

    private static ChangeEvent parse(DebeziumJsonParser parser, byte[] line) {
        try {
            return parser.parse(null, line);
        } catch (ParseException e) {
            throw new AssertionError("capture line does not parse: " + e.getMessage(), e);
        }
    }
}
