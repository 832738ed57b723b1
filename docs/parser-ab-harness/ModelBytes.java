import io.snapdelta.ingest.*;
import io.snapdelta.model.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/**
 * What the parser's events hold, per event, counted by object identity (an object shared by several
 * events or images is counted once), with 64-bit HotSpot sizes under compressed oops (12-byte header,
 * 4-byte references, 16-byte array header, 8-byte alignment), and what other row layouts would hold for
 * the same rows. Not a measurement of allocation (the harness's B/event is): it splits the model part
 * of it, and prices a layout before anyone builds it.
 *
 * <p>Usage: {@code javac -d /tmp/mb -cp $AB_DIR/v/base:$(cat $AB_DIR/deps.txt) ModelBytes.java}, then
 * {@code java -cp /tmp/mb:$AB_DIR/v/base:$(cat $AB_DIR/deps.txt) ModelBytes $AB_DIR/live.jsonl}.
 */
public class ModelBytes {
    static long align(long b) {
        return (b + 7) & ~7L;
    }

    static boolean int64(FieldType t) {
        return t == FieldType.INT64 || t == FieldType.TIMESTAMP_MICROS || t == FieldType.DATE;
    }

    public static void main(String[] args) throws Exception {
        ChangeEventParser parser = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        long n = 0, events = 0, versions = 0, rows = 0, arrays = 0, boxes = 0, other = 0;
        long compact = 0; // Row (+1 ref: 32 B) with an Object[] of the reference columns and a long[] of the int64 ones
        long wide = 0;    // Row (+1 ref: 32 B) with an Object[] of every column and a long[] of every column if any is int64
        long inline4 = 0; // Row with 4 inline value fields and an Object[] for the rest (40 B + the rest)
        long eventWithVersion = 0; // ChangeEvent holding the version's two longs, no Version object (56 B)
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            ChangeEvent e = parser.parse(null, line.getBytes(StandardCharsets.UTF_8));
            if (e == null) {
                continue;
            }
            n++;
            events += 48;
            eventWithVersion += 56;
            if (seen.put(e.version(), Boolean.TRUE) == null) {
                versions += 32;
            }
            for (Row r : new Row[] {e.key(), e.before(), e.after()}) {
                if (r == null || seen.put(r, Boolean.TRUE) != null) {
                    continue;
                }
                int size = r.size(), prim = 0;
                rows += 24;
                arrays += align(16 + 4L * size);
                for (int i = 0; i < size; i++) {
                    Object v = r.get(i);
                    if (int64(r.schema().type(i))) {
                        prim++;
                    }
                    if (v == null || seen.put(v, Boolean.TRUE) != null) {
                        continue;
                    }
                    if (v instanceof Long x) {
                        boxes += x < -128 || x > 127 ? 16 : 0; // Long.valueOf's cache
                    } else if (v instanceof String s) {
                        other += 24 + align(16 + s.length());
                    } else if (!(v instanceof Boolean)) {
                        other += 16;
                    }
                }
                int refs = size - prim;
                compact += 32 + (refs > 0 ? align(16 + 4L * refs) : 0) + (prim > 0 ? align(16 + 8L * prim) : 0);
                wide += 32 + align(16 + 4L * size) + (prim > 0 ? align(16 + 8L * size) : 0);
                inline4 += 40 + (size > 4 ? align(16 + 4L * (size - 4)) : 0);
            }
        }
        double d = n;
        long model = events + versions + rows + arrays + boxes;
        System.out.printf("%s: %d events. Per event: ChangeEvent %.1f, Version %.1f, Row %.1f, Object[] %.1f,"
                + " boxed Long %.1f = %.1f B (new strings and other values: %.1f)%n",
                args[0], n, events / d, versions / d, rows / d, arrays / d, boxes / d, model / d, other / d);
        System.out.printf("  Row with unboxed int64 columns, Object[] of references + long[] of int64s: %.1f B%n",
                (events + versions + compact) / d);
        System.out.printf("  Row with unboxed int64 columns, Object[] + long[] both full width:         %.1f B%n",
                (events + versions + wide) / d);
        System.out.printf("  Row with 4 inline values + Object[] for the rest (boxes as now):           %.1f B%n",
                (events + versions + inline4 + boxes) / d);
        System.out.printf("  ChangeEvent holding the version's longs (no Version object):               %.1f B%n",
                (eventWithVersion + rows + arrays + boxes) / d);
    }
}
