package io.snapdelta.shard;

import io.snapdelta.digest.RowHasher;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the canonical (table, key) encoding ({@code schemas/sharding-v1.md}, {@code schemas/state-digest-v1.md}
 * §2 without the row part) into one reused buffer, for a hash that takes bytes (sharding v2's XXH3-64).
 * {@link RowHasher} writes the same bytes but keeps them private to its SHA-256; this copy of the layout logic is
 * pinned to it byte for byte by {@code TableKeyEncoderTest}.
 *
 * <p>Everything but the key's values depends only on (table, key schema), compiled once into a {@link Layout}: the
 * prefix (version, namespace, table, field count) and per field its name and type tag. Encoding a key is then a
 * few copies and one value write per field; nothing is allocated per key beyond the UTF-8 bytes of a string
 * value that differs from the field's previous one. Not thread-safe.
 */
final class TableKeyEncoder {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    /** Layouts kept before the map is cleared (schemas are few; this bounds a leak). */
    private static final int MAX_LAYOUTS = 1024;
    /** Recent layouts compared by identity first: a capture interleaves its tables. */
    private static final int RECENT = 8;

    private byte[] buf = new byte[256];
    private final Layout[] recent = new Layout[RECENT];
    private int nextRecent;
    private final Map<LayoutKey, Layout> layouts = new HashMap<>();

    private record LayoutKey(TableId table, RowSchema keySchema) {
    }

    /**
     * The constant bytes of every key of one (table, key schema): field {@code f} is {@code runs[bounds[f] ..
     * bounds[f + 1])} (for field 0 preceded by the prefix) followed by its value; each run ends with the
     * "present" marker 1, rewound to 0 for a null.
     */
    private static final class Layout {
        final TableId table;
        final RowSchema keySchema;
        final byte[] runs;
        final int[] bounds;
        final FieldType[] types;
        /** The runs and every fixed-width value: room enough for all but variable-length values. */
        final int fixedBytes;
        final String[] lastStrings;
        final byte[][] lastBytes;

        Layout(TableId table, RowSchema keySchema) {
            this.table = table;
            this.keySchema = keySchema;
            int n = keySchema.size();
            bounds = new int[n + 1];
            types = new FieldType[n];
            lastStrings = new String[n];
            lastBytes = new byte[n][];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(RowHasher.ENCODING_VERSION);
            writeStr(out, table.namespace());
            writeStr(out, table.name());
            writeInt(out, n);
            int fixed = 0;
            for (int i = 0; i < n; i++) {
                types[i] = keySchema.type(i);
                writeStr(out, keySchema.name(i));
                out.write(types[i].id());
                out.write(1);
                bounds[i + 1] = out.size();
                fixed += switch (types[i]) {
                    case INT64, TIMESTAMP_MICROS, DATE, FLOAT64 -> 8;
                    case BOOLEAN -> 1;
                    default -> 0;
                };
            }
            runs = out.toByteArray();
            bounds[n] = runs.length;
            fixedBytes = runs.length + fixed;
        }

        byte[] utf8(int field, String v) {
            String last = lastStrings[field];
            if (last == v || last != null && last.equals(v)) {
                lastStrings[field] = v;
                return lastBytes[field];
            }
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            lastStrings[field] = v;
            lastBytes[field] = b;
            return b;
        }

        private static void writeStr(ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeInt(out, b.length);
            out.write(b, 0, b.length);
        }

        private static void writeInt(ByteArrayOutputStream out, int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
    }

    /** The buffer the last {@link #encode} wrote (valid until the next call). */
    byte[] buffer() {
        return buf;
    }

    /** Writes the canonical (table, key) encoding at offset 0 of {@link #buffer()} and returns its length. */
    int encode(TableId table, Row key) {
        if (key == null) {
            throw new IllegalArgumentException("sharding needs a key (got null)");
        }
        Layout l = layout(table, key.schema());
        byte[] b = buf;
        if (b.length < l.fixedBytes) {
            b = buf = new byte[Math.max(2 * b.length, l.fixedBytes)];
        }
        byte[] runs = l.runs;
        int[] bounds = l.bounds;
        int p = 0;
        for (int f = 0; f < l.types.length; f++) {
            int start = bounds[f];
            int run = bounds[f + 1] - start;
            System.arraycopy(runs, start, b, p, run);
            p += run;
            Object v = key.get(f);
            if (v == null) {
                b[p - 1] = 0;
                continue;
            }
            switch (l.types[f]) {
                case INT64, TIMESTAMP_MICROS, DATE -> {
                    LONG_BE.set(b, p, ((Long) v).longValue());
                    p += 8;
                }
                case STRING -> {
                    byte[] s = l.utf8(f, (String) v);
                    b = room(b, p, 4 + s.length + l.fixedBytes);
                    INT_BE.set(b, p, s.length);
                    System.arraycopy(s, 0, b, p + 4, s.length);
                    p += 4 + s.length;
                }
                case BOOLEAN -> b[p++] = (byte) (((Boolean) v) ? 1 : 0);
                case FLOAT64 -> {
                    LONG_BE.set(b, p, Double.doubleToLongBits((Double) v));
                    p += 8;
                }
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    byte[] u = d.unscaledValue().toByteArray();
                    b = room(b, p, 8 + u.length + l.fixedBytes);
                    INT_BE.set(b, p, d.scale());
                    INT_BE.set(b, p + 4, u.length);
                    System.arraycopy(u, 0, b, p + 8, u.length);
                    p += 8 + u.length;
                }
                case BYTES -> {
                    byte[] u = (byte[]) v;
                    b = room(b, p, 4 + u.length + l.fixedBytes);
                    INT_BE.set(b, p, u.length);
                    System.arraycopy(u, 0, b, p + 4, u.length);
                    p += 4 + u.length;
                }
                case NULL -> throw new IllegalArgumentException("key field '" + l.keySchema.name(f) + "' of type NULL holds a value");
            }
        }
        if (l.types.length == 0) {
            System.arraycopy(runs, 0, b, 0, runs.length);
            p = runs.length;
        }
        return p;
    }

    /** {@code b}, or {@link #buf} grown from it, with at least {@code extra} bytes free after {@code p}. */
    private byte[] room(byte[] b, int p, int extra) {
        if (p + extra > b.length) {
            b = buf = Arrays.copyOf(b, Math.max(2 * b.length, p + extra));
        }
        return b;
    }

    private Layout layout(TableId table, RowSchema keySchema) {
        Layout[] r = recent;
        for (int i = 0; i < RECENT; i++) {
            Layout l = r[i];
            if (l != null && l.keySchema == keySchema && l.table == table) {
                return l;
            }
        }
        LayoutKey k = new LayoutKey(table, keySchema);
        Layout l = layouts.get(k);
        if (l == null) {
            if (layouts.size() >= MAX_LAYOUTS) {
                layouts.clear();
            }
            l = new Layout(table, keySchema);
            layouts.put(k, l);
        }
        r[nextRecent] = l;
        nextRecent = (nextRecent + 1) % RECENT;
        return l;
    }
}
