package io.snapdelta.shard;

import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.RowValuesCodec;
import io.snapdelta.model.StringCache;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bytes of a shard's checkpointed state (keys and values of {@link ShardStateBytes}). This layout is in
 * every savepoint, so it is versioned (first byte) and only ever extended: a new build must read every
 * older version.
 *
 * <pre>
 * table key, v1:  u8 1 | str namespace | str name | u16 n | n x (str field name, u8 type id) | key values
 * entry, v1:      u8 1 | u8 flags (1 = tombstone, 2 = entry hash present) | i64 version major | i64 version minor
 *                 tombstone: i64 deleted-at micros
 *                 live:      [4 x i64 entry hash lanes if flag 2] | i64 row schema id | row values
 * values:         per field, in schema order: type NULL -> nothing; else u8 0 (null) or 1 then the value:
 *                 BOOLEAN u8; INT64, TIMESTAMP_MICROS, DATE i64; FLOAT64 IEEE bits i64;
 *                 DECIMAL i32 scale + u32 length + unscaled two's-complement bytes; STRING, BYTES u32 length + bytes
 * row schema definition (by id): u8 1 | u16 n | n x (str field name, u8 type id);
 *                 id = first 8 bytes (big-endian) of SHA-256 of the definition
 * str:            u16 length + modified UTF-8 (DataOutput.writeUTF)
 * </pre>
 * Integers are big-endian. Row schemas of values travel by id (rows of one table share one definition),
 * keys carry theirs inline (keys are narrow, and a key must decode without a lookup).
 *
 * <p>An instance encodes into one reused scratch buffer, so it must not encode on two threads at once (the
 * job has one per shard operator, which runs on one thread); its schema registry is thread-safe.
 */
public final class StateEntryCodec {
    static final int VERSION = 1;
    private static final int TOMBSTONE = 1;
    private static final int HAS_HASH = 2;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final ConcurrentHashMap<RowSchema, Long> ids = new ConcurrentHashMap<>();
    /** Scratch for the encoders: one encode at a time per codec (a codec serves one thread). */
    private final ByteArrayDataOutput scratch = new ByteArrayDataOutput(128);
    private final ConcurrentHashMap<Long, RowSchema> schemas = new ConcurrentHashMap<>();
    /**
     * Short string values of decoded entries: a value repeated across rows (a filler, a status) read back from
     * the state backend is one String, as it is for rows that came through the exchange (the job's
     * ChangeEventSerializer). Entries are decoded by the thread that encodes (the store's), one at a time.
     */
    private final StringCache strings = StringCache.forValues(StandardCharsets.UTF_8);
    /** Encoded key prefixes by table (one key schema per table; another schema replaces the entry). Encoder thread only. */
    private final HashMap<TableId, KeyPrefix> keyPrefixes = new HashMap<>();
    /** Bound of {@link #keyPrefixes}: a stream of many tables encodes the rest's prefixes each time. */
    private static final int MAX_KEY_PREFIXES = 4096;
    private KeyPrefix lastKeyPrefix;

    /**
     * Recent schemas and their ids, direct-mapped by identity hash: rows of one table share one interned
     * schema, so most lookups are one identity check, also when a stream interleaves a few tables (a pgbench
     * transaction touches four; a single last-schema slot missed on most of them and fell through to the map,
     * which hashed and compared the whole schema: ~5% of a checkpoint's write-back). Each element is an
     * immutable pair, so a reader on another thread sees a whole pair or an older one.
     */
    private final SchemaId[] recentIds = new SchemaId[RECENT_SCHEMAS];
    private static final int RECENT_SCHEMAS = 16;

    private record SchemaId(RowSchema schema, long id) {
    }

    /** The row schema id (content-derived: equal on every machine and across restarts). */
    public long schemaId(RowSchema schema) {
        int slot = System.identityHashCode(schema) & (RECENT_SCHEMAS - 1);
        SchemaId recent = recentIds[slot];
        if (recent != null && recent.schema == schema) {
            return recent.id;
        }
        Long id = ids.get(schema);
        if (id == null) {
            id = idOf(schemaDefinition(schema));
            ids.put(schema, id);
            schemas.put(id, schema);
        }
        recentIds[slot] = new SchemaId(schema, id);
        return id;
    }

    /** The schema of an id this codec has seen (encoded or learnt), or {@code null}. */
    public RowSchema knownSchema(long id) {
        return schemas.get(id);
    }

    /** Learns a definition read back from state; checks it against its id. */
    public RowSchema learnSchema(long id, byte[] definition) {
        if (idOf(definition) != id) {
            throw new IllegalStateException("row schema definition stored under id " + Long.toHexString(id)
                    + " hashes to " + Long.toHexString(idOf(definition)) + ": corrupt state");
        }
        RowSchema s = parseSchemaDefinition(definition);
        ids.putIfAbsent(s, id);
        schemas.putIfAbsent(id, s);
        return s;
    }

    /** The schema of a {@link #schemaDefinition} (no id check). */
    static RowSchema parseSchemaDefinition(byte[] definition) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(definition))) {
            int v = in.readUnsignedByte();
            if (v != VERSION) {
                throw new IllegalStateException("unknown row schema definition version " + v);
            }
            return readSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt row schema definition (" + definition.length + " bytes)", e);
        }
    }

    public byte[] schemaDefinition(RowSchema schema) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * schema.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeSchema(out, schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public byte[] encodeKey(TableId table, Row key) {
        ByteArrayDataOutput out = scratch.reset();
        try {
            out.write(keyPrefix(table, key.schema()));
            writeValues(out, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public TableKey decodeKey(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            checkVersion(in, "table key");
            TableId table = new TableId(in.readUTF(), in.readUTF());
            RowSchema schema = readSchema(in);
            return new TableKey(table, readValues(in, schema));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt table key in shard state (" + encoded.length + " bytes)", e);
        }
    }

    /**
     * Reads the key rows of one table's encoded table keys, for a scan of every key of a shard: a key of
     * another table is recognised by its prefix and not decoded, and the key schema (the same bytes in every
     * key of a table) is parsed once, not per key. No stream per key: {@link #decodeKey} is the general reader.
     * Not thread-safe (one scan at a time).
     */
    public final class KeyReader {
        private final byte[] prefix;
        private byte[] lastSchemaBytes = new byte[0];
        private RowSchema lastSchema;

        private KeyReader(byte[] prefix) {
            this.prefix = prefix;
        }

        /** The key row of {@code encoded} if it is a key of this reader's table, else {@code null}. */
        public Row keyOrNull(byte[] encoded) {
            int p = prefix.length;
            if (encoded.length < p || !java.util.Arrays.equals(encoded, 0, p, prefix, 0, p)) {
                return null;
            }
            try {
                if (encoded.length < p + 2) {
                    throw new IOException("key schema cut short");
                }
                int at = p + 2;
                int fields = ((encoded[p] & 0xFF) << 8) | (encoded[p + 1] & 0xFF);
                for (int i = 0; i < fields; i++) {
                    if (at + 2 > encoded.length) {
                        throw new IOException("key schema cut short");
                    }
                    at += 2 + (((encoded[at] & 0xFF) << 8) | (encoded[at + 1] & 0xFF)) + 1; // name, type id
                }
                if (at > encoded.length) {
                    throw new IOException("key schema cut short");
                }
                RowSchema schema = lastSchema;
                if (schema == null || !java.util.Arrays.equals(encoded, p, at, lastSchemaBytes, 0, lastSchemaBytes.length)) {
                    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded, p, at - p))) {
                        schema = readSchema(in);
                    }
                    lastSchema = schema;
                    lastSchemaBytes = java.util.Arrays.copyOfRange(encoded, p, at);
                }
                return RowValuesCodec.readValues(encoded, at, encoded.length, schema);
            } catch (IOException e) {
                throw new IllegalStateException("corrupt table key in shard state (" + encoded.length + " bytes)", e);
            }
        }
    }

    /** A {@link KeyReader} of {@code table}'s keys. */
    public KeyReader keyReader(TableId table) {
        ByteArrayDataOutput out = new ByteArrayDataOutput(64);
        try {
            writeTablePrefix(out, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KeyReader(out.toByteArray());
    }

    /** Encodes an entry; a live row's schema must be known by id ({@link #schemaId}) to whoever decodes it. */
    public byte[] encodeEntry(StoredEntry entry) {
        ByteArrayDataOutput out = scratch.reset();
        try {
            out.writeByte(VERSION);
            boolean hash = !entry.isTombstone() && entry.hasEntryHash();
            out.writeByte((entry.isTombstone() ? TOMBSTONE : 0) | (hash ? HAS_HASH : 0));
            out.writeLong(entry.versionMajor());
            out.writeLong(entry.versionMinor());
            if (entry.isTombstone()) {
                out.writeLong(entry.deletedAtMicros());
            } else {
                if (hash) {
                    for (int i = 0; i < StateDigest.LANES; i++) {
                        out.writeLong(entry.entryHashLane(i));
                    }
                }
                out.writeLong(schemaId(entry.row().schema()));
                writeValues(out, entry.row());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Row schema id of an encoded live entry, or 0 for a tombstone (no lookup needed). */
    public long schemaIdOfEntry(byte[] encoded) {
        if ((encoded[1] & TOMBSTONE) != 0) {
            return 0;
        }
        int at = 2 + 16 + ((encoded[1] & HAS_HASH) != 0 ? 8 * StateDigest.LANES : 0);
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (encoded[at + i] & 0xFF);
        }
        return id;
    }

    /** True if the encoded entry is a tombstone. */
    public static boolean isTombstone(byte[] encoded) {
        return (encoded[1] & TOMBSTONE) != 0;
    }

    public StoredEntry decodeEntry(byte[] encoded) {
        // Straight from the array (no stream pair per entry): every get of a row not in the store's cache decodes one.
        try {
            int n = encoded.length;
            if (n < 2 + 16) {
                throw new IOException("shorter than an entry header");
            }
            int v = encoded[0] & 0xFF;
            if (v != VERSION) {
                throw new IllegalStateException("unknown shard state entry version " + v + " (this build reads " + VERSION + ")");
            }
            int flags = encoded[1] & 0xFF;
            Version version = new Version((long) LONG.get(encoded, 2), (long) LONG.get(encoded, 10));
            int at = 18;
            if ((flags & TOMBSTONE) != 0) {
                if (n < at + 8) {
                    throw new IOException("tombstone without its delete time");
                }
                return StoredEntry.tombstone(version, (long) LONG.get(encoded, at));
            }
            long[] hash = null;
            if ((flags & HAS_HASH) != 0) {
                if (n < at + 8 * StateDigest.LANES) {
                    throw new IOException("entry hash cut short");
                }
                hash = new long[StateDigest.LANES];
                for (int i = 0; i < hash.length; i++, at += 8) {
                    hash[i] = (long) LONG.get(encoded, at);
                }
            }
            if (n < at + 8) {
                throw new IOException("live entry without its row schema id");
            }
            long id = (long) LONG.get(encoded, at);
            RowSchema schema = schemas.get(id);
            if (schema == null) {
                throw new IllegalStateException("entry names row schema " + Long.toHexString(id) + " which was never learnt");
            }
            return new StoredEntry(version, RowValuesCodec.readValues(encoded, at + 8, n, schema, strings), 0L, hash);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt entry in shard state (" + encoded.length + " bytes)", e);
        }
    }

    private static void checkVersion(DataInputStream in, String what) throws IOException {
        int v = in.readUnsignedByte();
        if (v != VERSION) {
            throw new IllegalStateException("unknown shard state " + what + " version " + v + " (this build reads " + VERSION + ")");
        }
    }

    private static long idOf(byte[] definition) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(definition);
            long id = 0;
            for (int i = 0; i < 8; i++) {
                id = (id << 8) | (h[i] & 0xFF);
            }
            return id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * The bytes every key of a table starts with (version, table, key schema), built once per table: the
     * shard operator encodes a key for every RocksDB read and write-back, and writing its strings again each
     * time was most of that encoding (two thirds of the per-key cost on the bench's pgbench keys).
     */
    private byte[] keyPrefix(TableId table, RowSchema keySchema) throws IOException {
        KeyPrefix p = lastKeyPrefix;
        if (p == null || p.table != table || p.schema != keySchema) {
            p = keyPrefixes.get(table);
            if (p == null || !p.schema.equals(keySchema)) {
                ByteArrayDataOutput out = new ByteArrayDataOutput(64);
                writeTablePrefix(out, table);
                writeSchema(out, keySchema);
                p = new KeyPrefix(table, keySchema, out.toByteArray());
                if (keyPrefixes.size() < MAX_KEY_PREFIXES) {
                    keyPrefixes.put(table, p);
                }
            }
            lastKeyPrefix = p;
        }
        return p.bytes;
    }

    private record KeyPrefix(TableId table, RowSchema schema, byte[] bytes) {
    }

    /** What every encoded table key of {@code table} begins with (a {@link KeyReader} matches keys on it). */
    private static void writeTablePrefix(DataOutput out, TableId table) throws IOException {
        out.writeByte(VERSION);
        out.writeUTF(table.namespace());
        out.writeUTF(table.name());
    }

    private static void writeSchema(DataOutput out, RowSchema schema) throws IOException {
        out.writeShort(schema.size());
        for (int i = 0; i < schema.size(); i++) {
            out.writeUTF(schema.name(i));
            out.writeByte(schema.type(i).id());
        }
    }

    private static RowSchema readSchema(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        String[] names = new String[n];
        FieldType[] types = new FieldType[n];
        for (int i = 0; i < n; i++) {
            names[i] = in.readUTF();
            types[i] = FieldType.fromId(in.readUnsignedByte());
        }
        return RowSchema.of(names, types);
    }

    /** Writes a row's values in the "values" layout above (no schema); also used by {@link OpenBatchCodec}. */
    static void writeValues(DataOutput out, Row row) throws IOException {
        RowValuesCodec.writeValues(out, row);
    }

    /** Reads values written by {@link #writeValues} for a known schema. */
    static Row readValues(DataInputStream in, RowSchema s) throws IOException {
        return RowValuesCodec.readValues(in, s);
    }
}
