package io.snapdelta.digest;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * Hashes one state entry (table, key, row) with SHA-256 over its canonical encoding, exactly as
 * {@code schemas/state-digest-v1.md} specifies (the encoding is injective: every variable-length part is
 * length-prefixed and every value carries its type tag and a null marker).
 *
 * <p>Not thread-safe: one instance owns one {@link MessageDigest} and one growable scratch buffer that
 * are reused for every entry, so hashing allocates nothing per row beyond the UTF-8 bytes of strings.
 */
public final class RowHasher {
    /** First byte of every canonical entry encoding; a future encoding changes it. */
    public static final byte ENCODING_VERSION = 1;
    /** Width of the entry hash: one SHA-256 output. */
    public static final int HASH_BYTES = 32;

    private final MessageDigest sha256;
    private final byte[] hash = new byte[HASH_BYTES];
    private byte[] buf = new byte[256];
    private int len;
    /**
     * Per row schema (interned, so compared by identity), each field's constant part of the encoding: its
     * length-prefixed UTF-8 name and its type tag. Bounded: cleared when it would grow past
     * {@value #MAX_CACHED_SCHEMAS} schemas.
     */
    private final IdentityHashMap<RowSchema, SchemaEncoding> fieldPrefixes = new IdentityHashMap<>();
    /** The last key schema's and the last row schema's encodings (they alternate within every entry). */
    private SchemaEncoding lastKey;
    private SchemaEncoding lastRow;

    /**
     * One row schema's constant field prefixes, and per field the last string value hashed there (by
     * identity) with its UTF-8 bytes: decoders share one String among equal consecutive column values
     * (fixed-width filler, repeated names), so such a field skips the encode.
     */
    private static final class SchemaEncoding {
        final RowSchema schema;
        final byte[][] prefixes;
        final String[] lastStrings;
        final byte[][] lastStringBytes;

        SchemaEncoding(RowSchema schema, byte[][] prefixes) {
            this.schema = schema;
            this.prefixes = prefixes;
            this.lastStrings = new String[prefixes.length];
            this.lastStringBytes = new byte[prefixes.length][];
        }

        byte[] utf8(int field, String v) {
            if (lastStrings[field] == v) {
                return lastStringBytes[field];
            }
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            lastStrings[field] = v;
            lastStringBytes[field] = b;
            return b;
        }
    }
    /** The last table's length-prefixed namespace and name (tables are few; one instance each, mostly). */
    private TableId lastTable;
    private byte[] lastTablePrefix;
    /**
     * The prefixes of the last {@value #CACHED_TABLES} tables (by identity), filled round-robin: a capture
     * interleaves the tables of each transaction, so the last table alone would re-encode on most calls.
     */
    private static final int CACHED_TABLES = 8;
    private final TableId[] cachedTables = new TableId[CACHED_TABLES];
    private final byte[][] cachedTablePrefixes = new byte[CACHED_TABLES][];
    private int nextCachedTable;
    private static final int MAX_CACHED_SCHEMAS = 1024;
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    public RowHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory on every Java platform", e);
        }
    }

    /**
     * Hashes the entry and writes its {@link StateDigest#LANES} lanes (big-endian 64-bit words of the
     * SHA-256 output, in order) into {@code lanes}.
     */
    public void hashEntry(TableId table, Row key, Row row, long[] lanes) {
        encodeEntry(table, key, row);
        sha256.update(buf, 0, len);
        try {
            sha256.digest(hash, 0, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        for (int lane = 0; lane < StateDigest.LANES; lane++) {
            lanes[lane] = (long) LONG_BE.get(hash, lane * 8);
        }
    }

    /**
     * The first 64 bits (big-endian) of SHA-256 over the canonical (table, key) encoding: the entry
     * encoding without its row part ({@code schemas/sharding-v1.md}).
     */
    public long hashTableKey(TableId table, Row key) {
        encodeTableKey(table, key);
        sha256.update(buf, 0, len);
        try {
            sha256.digest(hash, 0, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return readLongBE(hash, 0);
    }

    /** The canonical (table, key) encoding (a copy; for tests and the spec). */
    public byte[] canonicalTableKeyEncoding(TableId table, Row key) {
        encodeTableKey(table, key);
        return Arrays.copyOf(buf, len);
    }

    private void encodeTableKey(TableId table, Row key) {
        len = 0;
        ensure(1);
        buf[len++] = ENCODING_VERSION;
        if (table != lastTable) {
            lastTablePrefix = tablePrefix(table);
            lastTable = table;
        }
        putRaw(lastTablePrefix);
        putRow(key, true);
    }

    /** The table's length-prefixed namespace and name, from the cache or encoded into it. */
    private byte[] tablePrefix(TableId table) {
        for (int i = 0; i < CACHED_TABLES; i++) {
            if (cachedTables[i] == table) {
                return cachedTablePrefixes[i];
            }
        }
        byte[] ns = table.namespace().getBytes(StandardCharsets.UTF_8);
        byte[] name = table.name().getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[8 + ns.length + name.length];
        INT_BE.set(prefix, 0, ns.length);
        System.arraycopy(ns, 0, prefix, 4, ns.length);
        INT_BE.set(prefix, 4 + ns.length, name.length);
        System.arraycopy(name, 0, prefix, 8 + ns.length, name.length);
        int slot = nextCachedTable;
        nextCachedTable = (slot + 1) % CACHED_TABLES;
        cachedTables[slot] = table;
        cachedTablePrefixes[slot] = prefix;
        return prefix;
    }

    /** The canonical encoding of the entry (a copy; for tests, tools and the spec's worked example). */
    public byte[] canonicalEncoding(TableId table, Row key, Row row) {
        encodeEntry(table, key, row);
        return Arrays.copyOf(buf, len);
    }

    private void encodeEntry(TableId table, Row key, Row row) {
        encodeTableKey(table, key);
        putRow(row, false);
    }

    private void putRow(Row row, boolean isKey) {
        if (row == null) {
            throw new IllegalArgumentException("the state digest needs a " + (isKey ? "key" : "row") + " (got null)");
        }
        RowSchema schema = row.schema();
        int n = schema.size();
        SchemaEncoding last = isKey ? lastKey : lastRow;
        SchemaEncoding enc = last != null && last.schema == schema ? last : encodingOf(schema);
        if (isKey) {
            lastKey = enc;
        } else {
            lastRow = enc;
        }
        byte[][] prefixes = enc.prefixes;
        putInt(n);
        for (int i = 0; i < n; i++) {
            FieldType type = schema.type(i);
            putRaw(prefixes[i]); // length-prefixed name, then the type tag
            Object v = row.get(i);
            ensure(1);
            if (v == null) {
                buf[len++] = 0;
                continue;
            }
            buf[len++] = 1;
            switch (type) {
                case BOOLEAN -> {
                    ensure(1);
                    buf[len++] = (byte) (((Boolean) v) ? 1 : 0);
                }
                case INT64, TIMESTAMP_MICROS, DATE -> putLong((Long) v);
                case FLOAT64 -> putLong(Double.doubleToLongBits((Double) v));
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    putInt(d.scale());
                    putBytes(d.unscaledValue().toByteArray());
                }
                case STRING -> putBytes(enc.utf8(i, (String) v));
                case BYTES -> putBytes((byte[]) v);
                case NULL -> throw new IllegalArgumentException("field '" + schema.name(i) + "' of type NULL holds a value");
                default -> throw new IllegalStateException("unhandled field type " + type);
            }
        }
    }

    private SchemaEncoding encodingOf(RowSchema schema) {
        SchemaEncoding e = fieldPrefixes.get(schema);
        if (e == null) {
            byte[][] p = new byte[schema.size()][];
            for (int i = 0; i < p.length; i++) {
                byte[] name = schema.name(i).getBytes(StandardCharsets.UTF_8);
                byte[] prefix = new byte[4 + name.length + 1];
                prefix[0] = (byte) (name.length >>> 24);
                prefix[1] = (byte) (name.length >>> 16);
                prefix[2] = (byte) (name.length >>> 8);
                prefix[3] = (byte) name.length;
                System.arraycopy(name, 0, prefix, 4, name.length);
                prefix[4 + name.length] = (byte) schema.type(i).id();
                p[i] = prefix;
            }
            if (fieldPrefixes.size() >= MAX_CACHED_SCHEMAS) {
                fieldPrefixes.clear();
            }
            e = new SchemaEncoding(schema, p);
            fieldPrefixes.put(schema, e);
        }
        return e;
    }

    private void putRaw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void putString(String s) {
        // String.getBytes(UTF_8) of a Latin-1 string without bytes >= 0x80 is a vectorised check and a copy,
        // several times faster than encoding char by char.
        putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void putBytes(byte[] b) {
        ensure(4 + b.length);
        writeIntBE(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void putInt(int v) {
        ensure(4);
        writeIntBE(v);
    }

    private void writeIntBE(int v) {
        INT_BE.set(buf, len, v);
        len += 4;
    }

    private void putLong(long v) {
        ensure(8);
        LONG_BE.set(buf, len, v);
        len += 8;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    static long readLongBE(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
