package io.snapdelta.digest;

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
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import net.openhft.hashing.LongHashFunction;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * Hashes one state entry (table, key, row) over its canonical encoding in the hasher's {@link DigestVersion}:
 * v1 with SHA-256 ({@code schemas/state-digest-v1.md}), v2 with XXH3-128 under seeds 0 and 1
 * ({@code schemas/state-digest-v2.md}); the encodings differ only in their first byte, the version (the
 * encoding is injective: every variable-length part is length-prefixed and every value carries its type tag
 * and a null marker).
 *
 * <p>Everything in an entry's encoding but the values and their null markers depends only on the table,
 * the key schema and the row schema, so each such triple is compiled once into an {@link EntryLayout}: the
 * constant bytes in front of each value (version, table, field counts, each field's name and type tag, and a
 * "present" marker) as one run per field. Encoding an entry is then one copy and one value write per field,
 * with a capacity check only before variable-length values, and the buffer goes to the hash in one call.
 *
 * <p>Not thread-safe: one instance owns one {@link MessageDigest} and one growable scratch buffer that
 * are reused for every entry, so hashing allocates nothing per row beyond the UTF-8 bytes of strings.
 */
public final class RowHasher {
    /** First byte of every v1 canonical entry encoding (v2's is 2: {@link DigestVersion#id()}). */
    public static final byte ENCODING_VERSION = 1;
    /** Width of the entry hash: one SHA-256 output (v1), two XXH3-128 outputs (v2). */
    public static final int HASH_BYTES = 32;
    /** State digest v2's two entry hashes: XXH3-128 under seeds 0 and 1 (stateless, so shared). */
    private static final LongTupleHashFunction XXH3_128_SEED0 = LongTupleHashFunction.xx128(0);
    private static final LongTupleHashFunction XXH3_128_SEED1 = LongTupleHashFunction.xx128(1);
    /** Sharding v2's hash: XXH3-64 under seed 0 (stateless, so shared). */
    private static final LongHashFunction XXH3_64_SEED0 = LongHashFunction.xx3(0);

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** How a field's value is written after its constant run (one switch per field). */
    private static final byte LONG = 0;
    private static final byte STRING = 1;
    private static final byte BOOLEAN = 2;
    private static final byte DOUBLE = 3;
    private static final byte DECIMAL = 4;
    private static final byte BYTES = 5;
    private static final byte NULL_ONLY = 6;

    /** Layouts kept by the cache's equality map before it is cleared (schemas are few; this bounds a leak). */
    private static final int MAX_LAYOUTS = 1024;
    /** Recently used layouts compared by identity first: a capture interleaves its tables' entries. */
    private static final int RECENT_LAYOUTS = 8;

    private final DigestVersion version;
    private final MessageDigest sha256;
    private final byte[] hash = new byte[HASH_BYTES];
    /** XXH3-128 output: [0] the low 64 bits, [1] the high 64 bits (zero-allocation-hashing's order). */
    private final long[] xxh = new long[2];
    /**
     * A layout keeps a buffer of at most this many bytes once the encoding in it has been hashed: each of up to
     * {@link #MAX_LAYOUTS} layouts keeping the buffer of its widest row could hold far more memory than the one
     * shared buffer did, for rows that are rare.
     */
    private static final int KEEP_BYTES = 1 << 16;

    /** The buffer of the last encoding: its layout's {@link EntryLayout#buf}. */
    private byte[] buf;
    private int len;
    /** The layout of the last encoding. */
    private EntryLayout lastLayout;

    private final EntryLayout[] recent = new EntryLayout[RECENT_LAYOUTS];
    private int nextRecent;
    private final Map<LayoutKey, EntryLayout> layouts = new HashMap<>();

    /** A layout's identity: table, key schema, and row schema (null for a (table, key) encoding). */
    private record LayoutKey(TableId table, RowSchema keySchema, RowSchema rowSchema) {
    }

    /**
     * The compiled constant parts of every entry of one (table, key schema, row schema): field {@code f}
     * (key fields first, then row fields) is written as {@code runs[bounds[f] .. bounds[f + 1])} followed by
     * its value, and the entry ends with {@code runs[bounds[fields] ..]} (non-empty only after a row without
     * fields: its field_count). Each field's run ends with its "present" marker {@code 0x01}; a null value
     * rewinds it to {@code 0x00}. Per field it also remembers the last string written there (by identity) and
     * its UTF-8 bytes: columns repeat values (fixed-width filler, repeated names, statuses), so such a field
     * skips the encode.
     */
    private static final class EntryLayout {
        final TableId table;
        final RowSchema keySchema;
        final RowSchema rowSchema;
        final int keyFields;
        final int fields;
        final byte[] runs;
        final int[] bounds;
        final byte[] kinds;
        /** The runs plus every fixed-width value: capacity enough for all but variable-length values. */
        final int fixedBytes;
        final String[] fieldNames;
        final String[] lastStrings;
        final byte[][] lastStringBytes;
        /**
         * This layout's own encoding buffer, which keeps its last encoding: an entry of the layout writes only
         * what moved or changed since (see {@link RowHasher#putFields}), not every run and value again.
         */
        byte[] buf;
        /**
         * Per field: where its run started in the layout's last encoding ({@code -1}: not written), and where
         * its string value's bytes started ({@code -1}: none there, e.g. a null or another kind of value).
         */
        final int[] runAt;
        final int[] stringAt;

        EntryLayout(byte encodingVersion, TableId table, RowSchema keySchema, RowSchema rowSchema) {
            this.table = table;
            this.keySchema = keySchema;
            this.rowSchema = rowSchema;
            this.keyFields = keySchema.size();
            this.fields = keyFields + (rowSchema == null ? 0 : rowSchema.size());
            this.bounds = new int[fields + 1];
            this.kinds = new byte[fields];
            this.fieldNames = new String[fields];
            this.lastStrings = new String[fields];
            this.lastStringBytes = new byte[fields][];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(encodingVersion);
            writeStr(out, table.namespace());
            writeStr(out, table.name());
            int fixedValues = 0;
            int f = 0;
            for (RowSchema schema : rowSchema == null ? new RowSchema[] {keySchema} : new RowSchema[] {keySchema, rowSchema}) {
                writeInt(out, schema.size()); // field_count, in front of the row's first field's run
                for (int i = 0; i < schema.size(); i++, f++) {
                    FieldType type = schema.type(i);
                    fieldNames[f] = schema.name(i);
                    writeStr(out, schema.name(i));
                    out.write(type.id());
                    out.write(1); // present; rewound to 0 for a null value
                    bounds[f + 1] = out.size();
                    kinds[f] = kindOf(type);
                    fixedValues += switch (kinds[f]) {
                        case LONG, DOUBLE -> 8;
                        case BOOLEAN -> 1;
                        default -> 0;
                    };
                }
            }
            this.runs = out.toByteArray();
            this.fixedBytes = runs.length + fixedValues;
            this.buf = new byte[Math.max(256, 2 * fixedBytes)];
            this.runAt = new int[fields];
            this.stringAt = new int[fields];
            forget();
        }

        /** Forgets what the buffer holds (after an encoding that did not complete). */
        void forget() {
            Arrays.fill(runAt, -1);
            Arrays.fill(stringAt, -1);
        }

        private static byte kindOf(FieldType type) {
            return switch (type) {
                case INT64, TIMESTAMP_MICROS, DATE -> LONG;
                case STRING -> STRING;
                case BOOLEAN -> BOOLEAN;
                case FLOAT64 -> DOUBLE;
                case DECIMAL -> DECIMAL;
                case BYTES -> BYTES;
                case NULL -> NULL_ONLY;
            };
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

    /** A state digest v1 hasher (SHA-256), as every hasher was before v2; also the sharding v1 hash. */
    public RowHasher() {
        this(DigestVersion.V1);
    }

    public RowHasher(DigestVersion version) {
        this.version = version;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory on every Java platform", e);
        }
    }

    public DigestVersion version() {
        return version;
    }

    /**
     * Hashes the entry and writes its {@link StateDigest#LANES} lanes into {@code lanes}: v1 the big-endian
     * 64-bit words of the SHA-256 output, in order; v2 high and low 64 bits of XXH3-128 under seed 0, then of
     * seed 1 (each 128-bit value's canonical big-endian bytes, high half first).
     */
    public void hashEntry(TableId table, Row key, Row row, long[] lanes) {
        encodeEntry(table, key, row);
        if (version == DigestVersion.V2) {
            long[] x = xxh;
            XXH3_128_SEED0.hashBytes(buf, 0, len, x);
            lanes[0] = x[1];
            lanes[1] = x[0];
            XXH3_128_SEED1.hashBytes(buf, 0, len, x);
            lanes[2] = x[1];
            lanes[3] = x[0];
            return;
        }
        sha256.update(buf, 0, len);
        try {
            sha256.digest(hash, 0, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        lanes[0] = (long) LONG_BE.get(hash, 0);
        lanes[1] = (long) LONG_BE.get(hash, 8);
        lanes[2] = (long) LONG_BE.get(hash, 16);
        lanes[3] = (long) LONG_BE.get(hash, 24);
    }

    /**
     * The first 64 bits (big-endian) of SHA-256 over the canonical (table, key) encoding: the entry
     * encoding without its row part ({@code schemas/sharding-v1.md}). Only a v1 hasher has that encoding
     * (its first byte is 1).
     */
    public long hashTableKey(TableId table, Row key) {
        if (version != DigestVersion.V1) {
            throw new IllegalStateException("sharding v1 hashes the v1 (table, key) encoding; this hasher is " + version);
        }
        encodeTableKey(table, key);
        sha256.update(buf, 0, len);
        try {
            sha256.digest(hash, 0, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return (long) LONG_BE.get(hash, 0);
    }

    /**
     * XXH3-64 under seed 0 over the same canonical (table, key) encoding as {@link #hashTableKey}
     * ({@code schemas/sharding-v2.md}: only the hash differs from sharding v1). Only a v1 hasher has that encoding.
     */
    public long xxh3TableKey(TableId table, Row key) {
        if (version != DigestVersion.V1) {
            throw new IllegalStateException("sharding v2 hashes the v1 (table, key) encoding; this hasher is " + version);
        }
        encodeTableKey(table, key);
        return XXH3_64_SEED0.hashBytes(buf, 0, len);
    }

    /** The canonical (table, key) encoding (a copy; for tests and the spec). */
    public byte[] canonicalTableKeyEncoding(TableId table, Row key) {
        encodeTableKey(table, key);
        return Arrays.copyOf(buf, len);
    }

    /** The canonical encoding of the entry (a copy; for tests, tools and the spec's worked example). */
    public byte[] canonicalEncoding(TableId table, Row key, Row row) {
        encodeEntry(table, key, row);
        return Arrays.copyOf(buf, len);
    }

    private void encodeTableKey(TableId table, Row key) {
        RowSchema keySchema = schemaOf(key, true);
        EntryLayout l = layout(table, keySchema, null);
        len = encode(l, key, null);
    }

    private void encodeEntry(TableId table, Row key, Row row) {
        RowSchema keySchema = schemaOf(key, true);
        RowSchema rowSchema = schemaOf(row, false);
        EntryLayout l = layout(table, keySchema, rowSchema);
        len = encode(l, key, row);
    }

    private static RowSchema schemaOf(Row row, boolean isKey) {
        if (row == null) {
            throw new IllegalArgumentException("the state digest needs a " + (isKey ? "key" : "row") + " (got null)");
        }
        return row.schema();
    }

    /**
     * The layout of (table, key schema, row schema): a recent one by identity (schemas are interned, and
     * callers keep one TableId per table), else the equal one from the map, else built.
     */
    private EntryLayout layout(TableId table, RowSchema keySchema, RowSchema rowSchema) {
        EntryLayout[] r = recent;
        for (int i = 0; i < RECENT_LAYOUTS; i++) {
            EntryLayout l = r[i];
            if (l != null && l.keySchema == keySchema && l.rowSchema == rowSchema && l.table == table) {
                return l;
            }
        }
        LayoutKey k = new LayoutKey(table, keySchema, rowSchema);
        EntryLayout l = layouts.get(k);
        if (l == null) {
            if (layouts.size() >= MAX_LAYOUTS) {
                layouts.clear();
            }
            l = new EntryLayout((byte) version.id(), table, keySchema, rowSchema);
            layouts.put(k, l);
        }
        r[nextRecent] = l;
        nextRecent = (nextRecent + 1) % RECENT_LAYOUTS;
        return l;
    }

    /** Writes the whole encoding into the layout's buffer from offset 0, points {@link #buf} at it and returns its length. */
    private int encode(EntryLayout l, Row key, Row row) {
        EntryLayout last = lastLayout;
        if (last != null && last.buf.length > KEEP_BYTES) {
            last.buf = new byte[Math.max(256, 2 * last.fixedBytes)];
            last.forget();
        }
        lastLayout = l;
        int p;
        try {
            p = putFields(l, 0, l.keyFields, key, 0);
            if (row != null) {
                p = putFields(l, l.keyFields, l.fields, row, p);
            }
        } catch (RuntimeException e) {
            l.forget(); // the fields after the failed one may have been overwritten
            throw e;
        }
        int tail = l.runs.length - l.bounds[l.fields];
        if (tail > 0) {
            System.arraycopy(l.runs, l.bounds[l.fields], l.buf, p, tail);
            p += tail;
        }
        buf = l.buf;
        return p;
    }

    /**
     * Writes fields {@code from .. to} of the layout (each its run, then {@code row}'s value) at {@code p} into the
     * layout's buffer and returns the end. The buffer holds at least the layout's fixed bytes; it grows before a
     * variable-length value would not leave room for them.
     *
     * <p>The buffer still holds the layout's last encoding, so a field whose run starts where it started last
     * time finds its run there (only its "present" marker is written: the last value may have been null), and a
     * string value equal to the field's last one, at the same place, finds its bytes there too (fixed-width
     * values are written anyway). Each encoding writes its fields in order from offset 0, so the bytes of a
     * field of the last encoding at the same place are not overwritten by the earlier fields of this one. On a
     * narrow row of fixed-width columns and a repeated string (pgbench's filler) this copies nothing but the
     * integers.
     */
    private int putFields(EntryLayout l, int from, int to, Row row, int p) {
        byte[] b = l.buf;
        byte[] runs = l.runs;
        int[] bounds = l.bounds;
        byte[] kinds = l.kinds;
        int[] runAt = l.runAt;
        for (int f = from; f < to; f++) {
            int start = bounds[f];
            int runLength = bounds[f + 1] - start;
            if (runAt[f] != p) {
                System.arraycopy(runs, start, b, p, runLength);
                runAt[f] = p; // (its value moved too: stringAt[f] no longer matches)
            }
            p += runLength;
            Object v = row.get(f - from);
            if (v == null) {
                b[p - 1] = 0;
                l.stringAt[f] = -1;
                continue;
            }
            b[p - 1] = 1;
            switch (kinds[f]) {
                case LONG -> {
                    LONG_BE.set(b, p, ((Long) v).longValue());
                    p += 8;
                }
                case STRING -> {
                    String str = (String) v;
                    String last = l.lastStrings[f];
                    byte[] s;
                    if (last == str || last != null && last.length() == str.length() && last.equals(str)) {
                        // an equal value (as another object: a parser's, or another batch's): a vectorised
                        // compare instead of an encode and an allocation
                        l.lastStrings[f] = str;
                        s = l.lastStringBytes[f];
                        if (l.stringAt[f] == p) {
                            p += 4 + s.length; // its bytes are where the last encoding left them
                            continue;
                        }
                    } else {
                        s = str.getBytes(StandardCharsets.UTF_8);
                        l.lastStrings[f] = str;
                        l.lastStringBytes[f] = s;
                    }
                    b = room(l, b, p, 4 + s.length + l.fixedBytes);
                    INT_BE.set(b, p, s.length);
                    System.arraycopy(s, 0, b, p + 4, s.length);
                    l.stringAt[f] = p;
                    p += 4 + s.length;
                }
                case BOOLEAN -> b[p++] = (byte) (((Boolean) v) ? 1 : 0);
                case DOUBLE -> {
                    LONG_BE.set(b, p, Double.doubleToLongBits((Double) v));
                    p += 8;
                }
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    byte[] u = d.unscaledValue().toByteArray();
                    b = room(l, b, p, 8 + u.length + l.fixedBytes);
                    INT_BE.set(b, p, d.scale());
                    INT_BE.set(b, p + 4, u.length);
                    System.arraycopy(u, 0, b, p + 8, u.length);
                    p += 8 + u.length;
                }
                case BYTES -> {
                    byte[] u = (byte[]) v;
                    b = room(l, b, p, 4 + u.length + l.fixedBytes);
                    INT_BE.set(b, p, u.length);
                    System.arraycopy(u, 0, b, p + 4, u.length);
                    p += 4 + u.length;
                }
                case NULL_ONLY -> throw new IllegalArgumentException("field '" + l.fieldNames[f] + "' of type NULL holds a value");
                default -> throw new IllegalStateException("unhandled value kind " + kinds[f]);
            }
        }
        return p;
    }

    /** {@code b}, or the layout's buffer grown to it (its content kept), with at least {@code extra} bytes free after {@code p}. */
    private static byte[] room(EntryLayout l, byte[] b, int p, int extra) {
        if (p + extra > b.length) {
            b = l.buf = Arrays.copyOf(b, Math.max(2 * b.length, p + extra));
        }
        return b;
    }

    static long readLongBE(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
