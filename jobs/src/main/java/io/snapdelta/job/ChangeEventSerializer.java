package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeEventCodec;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.RowValuesCodec;
import io.snapdelta.model.StringCache;
import io.snapdelta.model.TableId;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link ChangeEvent}s (the records of the {@code keyBy(shard)} exchange), so Flink
 * never falls back to Kryo for them. The bytes are exactly {@link ChangeEventCodec}'s
 * (schemas/change-event-binary-v1.md): every record self-contained, its first byte the version.
 *
 * <p>What makes it cheaper than the codec: a record names its table and spells out each row's schema
 * (field names and types), but a stream has few tables and schemas. So each serializer instance keeps the
 * encoded form of the tables and schemas it has written, and on reading looks a table's or schema's bytes up
 * (hash and compare of a few dozen bytes) instead of decoding strings and interning a {@link RowSchema} per
 * row. The caches only memoize: the bytes and the decoded events are the codec's. Because of them an instance
 * is not thread-safe; {@link #duplicate()} gives each user its own, as Flink requires of stateful serializers.
 * Events and rows are immutable, so copies are the same object.
 */
public final class ChangeEventSerializer extends TypeSerializer<ChangeEvent> {
    private static final long serialVersionUID = 2L;

    /** A template: Flink duplicates it for every thread that serializes. */
    public static final ChangeEventSerializer INSTANCE = new ChangeEventSerializer();

    /** Bound of each cache; a stream with more distinct tables or schemas starts the cache again. */
    private static final int CACHE_LIMIT = 4096;

    private transient Map<TableId, byte[]> tableBytes;
    private transient Map<RowSchema, byte[]> schemaBytes;
    private transient Map<BytesKey, TableId> tables;
    private transient Map<BytesKey, RowSchema> schemas;
    private transient byte[] scratch;
    private transient BytesKey probe;
    /** Short string values seen recently: repeated ones (fillers, codes) become one String on the receiving side. */
    private transient StringCache strings;
    private transient ChangeEventCodec.Parts parts;
    /**
     * The schemas read most recently, with their bytes, checked by length and content before the hash map:
     * a record's before and after rows and the records of a few hot tables mostly repeat a recent schema,
     * and comparing bytes is cheaper than hashing them. Slot {@code i} is replaced round robin.
     */
    private transient byte[][] recentSchemaBytes;
    private transient RowSchema[] recentSchemas;
    private transient int recentNext;
    private static final int RECENT_SCHEMAS = 4;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<ChangeEvent> duplicate() {
        return new ChangeEventSerializer();
    }

    @Override
    public ChangeEvent createInstance() {
        // Only asked for by operators that reuse mutable instances; ChangeEvent is immutable.
        return null;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from) {
        return from;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from, ChangeEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    private void init() {
        if (scratch == null) {
            tableBytes = new HashMap<>();
            schemaBytes = new IdentityHashMap<>(); // row schemas are interned
            tables = new HashMap<>();
            schemas = new HashMap<>();
            scratch = new byte[256];
            probe = new BytesKey();
            strings = StringCache.forValues(StandardCharsets.UTF_8);
            parts = new CachedParts();
            recentSchemaBytes = new byte[RECENT_SCHEMAS][];
            recentSchemas = new RowSchema[RECENT_SCHEMAS];
        }
    }

    @Override
    public void serialize(ChangeEvent e, DataOutputView out) throws IOException {
        init();
        ChangeEventCodec.write(e, out, parts);
    }

    private byte[] encodedTable(TableId table) throws IOException {
        byte[] b = tableBytes.get(table);
        if (b == null) {
            var bytes = new org.apache.flink.core.memory.DataOutputSerializer(32);
            bytes.writeUTF(table.namespace());
            bytes.writeUTF(table.name());
            b = bytes.getCopyOfBuffer();
            if (tableBytes.size() >= CACHE_LIMIT) {
                tableBytes.clear();
            }
            tableBytes.put(table, b);
        }
        return b;
    }

    private void writeRow(Row row, java.io.DataOutput out) throws IOException {
        RowSchema s = row.schema();
        byte[] b = schemaBytes.get(s);
        if (b == null) {
            var bytes = new org.apache.flink.core.memory.DataOutputSerializer(16 * s.size() + 2);
            bytes.writeShort(s.size());
            for (int i = 0; i < s.size(); i++) {
                bytes.writeUTF(s.name(i));
                bytes.writeByte(s.type(i).id());
            }
            b = bytes.getCopyOfBuffer();
            if (schemaBytes.size() >= CACHE_LIMIT) {
                schemaBytes.clear();
            }
            schemaBytes.put(s, b);
        }
        out.write(b);
        RowValuesCodec.writeValues(out, row);
    }

    @Override
    public ChangeEvent deserialize(DataInputView in) throws IOException {
        init();
        return ChangeEventCodec.read(in, parts);
    }

    /** Reads an event whose version byte the caller has already read and checked. */
    ChangeEvent deserializeAfterVersion(DataInputView in) throws IOException {
        init();
        return ChangeEventCodec.readAfterVersion(in, parts);
    }

    @Override
    public ChangeEvent deserialize(ChangeEvent reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    /** Reads a {@code str} (u16 length + modified UTF-8) into the scratch buffer at {@code at}, prefix included. */
    private int readStr(java.io.DataInput in, int at) throws IOException {
        int n = in.readUnsignedShort();
        ensure(at + 2 + n);
        scratch[at] = (byte) (n >>> 8);
        scratch[at + 1] = (byte) n;
        in.readFully(scratch, at + 2, n);
        return at + 2 + n;
    }

    private void ensure(int size) {
        if (size > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(size, 2 * scratch.length));
        }
    }

    private TableId readTable(java.io.DataInput in) throws IOException {
        int end = readStr(in, readStr(in, 0));
        TableId t = tables.get(probe.set(scratch, end));
        if (t == null) {
            DataInputStream d = new DataInputStream(new ByteArrayInputStream(scratch, 0, end));
            t = new TableId(d.readUTF(), d.readUTF());
            if (tables.size() >= CACHE_LIMIT) {
                tables.clear();
            }
            tables.put(BytesKey.copyOf(scratch, end), t);
        }
        return t;
    }

    private Row readRow(java.io.DataInput in) throws IOException {
        int n = in.readUnsignedShort();
        ensure(2);
        scratch[0] = (byte) (n >>> 8);
        scratch[1] = (byte) n;
        int at = 2;
        for (int i = 0; i < n; i++) {
            at = readStr(in, at);
            ensure(at + 1);
            scratch[at++] = in.readByte();
        }
        return RowValuesCodec.readValues(in, schemaOfScratch(n, at), strings);
    }

    /** The schema whose bytes are {@code scratch[0, length)}: a recent one, a cached one, or parsed. */
    private RowSchema schemaOfScratch(int n, int length) throws IOException {
        for (int i = 0; i < RECENT_SCHEMAS; i++) {
            byte[] b = recentSchemaBytes[i];
            if (b != null && Arrays.equals(b, 0, b.length, scratch, 0, length)) {
                return recentSchemas[i];
            }
        }
        BytesKey key = probe.set(scratch, length);
        RowSchema s = schemas.get(key);
        byte[] own;
        if (s == null) {
            s = parseSchema(n, length);
            if (schemas.size() >= CACHE_LIMIT) {
                schemas.clear();
            }
            BytesKey stored = BytesKey.copyOf(scratch, length);
            schemas.put(stored, s);
            own = stored.bytes;
        } else {
            own = Arrays.copyOf(scratch, length);
        }
        recentSchemaBytes[recentNext] = own;
        recentSchemas[recentNext] = s;
        recentNext = (recentNext + 1) % RECENT_SCHEMAS;
        return s;
    }

    private RowSchema parseSchema(int n, int length) throws IOException {
        return ChangeEventCodec.readSchemaFields(new DataInputStream(new ByteArrayInputStream(scratch, 2, length - 2)), n);
    }

    /** The codec's parts over this instance's caches. */
    private final class CachedParts implements ChangeEventCodec.Parts {
        @Override
        public void writeTable(TableId table, java.io.DataOutput out) throws IOException {
            out.write(encodedTable(table));
        }

        @Override
        public void writeRow(Row row, java.io.DataOutput out) throws IOException {
            ChangeEventSerializer.this.writeRow(row, out);
        }

        @Override
        public TableId readTable(java.io.DataInput in) throws IOException {
            return ChangeEventSerializer.this.readTable(in);
        }

        @Override
        public Row readRow(java.io.DataInput in) throws IOException {
            return ChangeEventSerializer.this.readRow(in);
        }
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeEventSerializer;
    }

    @Override
    public int hashCode() {
        return ChangeEventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ChangeEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for serializer evolution; restores to the current serializer (the byte layout carries its version). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeEvent> {
        public Snapshot() {
            super(ChangeEventSerializer::new);
        }
    }

    /** A range of bytes as a hash key; the probe instance wraps the scratch buffer, stored keys own a copy. */
    private static final class BytesKey {
        private byte[] bytes;
        private int length;
        private int hash;

        BytesKey set(byte[] b, int n) {
            bytes = b;
            length = n;
            int h = 1;
            for (int i = 0; i < n; i++) {
                h = 31 * h + b[i];
            }
            hash = h;
            return this;
        }

        static BytesKey copyOf(byte[] b, int n) {
            return new BytesKey().set(Arrays.copyOf(b, n), n);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesKey k && k.hash == hash && Arrays.equals(bytes, 0, length, k.bytes, 0, k.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
