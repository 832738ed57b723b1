package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes of a shard's open batch ({@link ShardDeltaState.OpenBatch}) in a checkpoint, so that a checkpoint
 * does not have to seal it. In every savepoint taken mid-batch, so versioned (first byte) and only ever
 * extended. Deterministic: the same open batch always gives the same bytes (start rows in
 * {@link TableKey#ORDER}, changes in arrival order, schemas in order of first use; no map iteration order).
 *
 * <pre>
 * open batch, v1:
 *   u8 1 | i64 source changes | u8 flags (1 = version range present)
 *   [i64 first major | i64 first minor | i64 last major | i64 last minor]      if flag 1
 *   | 32 bytes digest before (state digest bytes, of the shard's digest version: ShardCheckpoint v4 names it, older checkpoints mean v1)
 *   | u16 s | s x (u32 length + row schema definition)       the schemas of the rows below, in order of first use
 *   | u32 k | k x (key | u8 0 absent, or u8 1 + row)        each touched key's row when the batch opened, in key order
 *   | u32 m | m x (u8 kind | key [| row])                     the applied changes in arrival order:
 *                                                             1 insert + its row, 2 update + its new row, 3 delete
 * key:  u32 length + table key bytes (StateEntryCodec table key v1)
 * row:  u16 schema index (into the list above) | values (StateEntryCodec values layout)
 * </pre>
 * The row an update or a delete replaces is not stored: it is the key's row before that change, i.e. its
 * start row or the row the key's previous change in the batch left, and is rebuilt on decoding (which
 * checks that every change fits: an insert of an absent row, an update or delete of a present one).
 * Integers are big-endian.
 */
public final class OpenBatchCodec {
    static final int VERSION = 1;
    private static final int HAS_VERSIONS = 1;
    private static final int INSERT = 1;
    private static final int UPDATE = 2;
    private static final int DELETE = 3;
    /**
     * Key encoding needs no schema registry (keys carry their schema inline); one codec per thread, since a
     * codec encodes into its own scratch buffer and several shard tasks checkpoint at once.
     */
    private static final ThreadLocal<StateEntryCodec> KEYS = ThreadLocal.withInitial(StateEntryCodec::new);

    private OpenBatchCodec() {
    }

    public static byte[] encode(ShardDeltaState.OpenBatch b) {
        Map<RowSchema, Integer> schemaIndex = new LinkedHashMap<>();
        for (ShardDeltaState.StartRow r : b.startRows()) {
            if (r.row() != null) {
                schemaIndex.putIfAbsent(r.row().schema(), schemaIndex.size());
            }
        }
        for (DeltaOp op : b.stream()) {
            Row row = storedRow(op);
            if (row != null) {
                schemaIndex.putIfAbsent(row.schema(), schemaIndex.size());
            }
        }
        if (schemaIndex.size() > 0xFFFF) {
            throw new IllegalStateException("open batch uses " + schemaIndex.size() + " row schemas, the layout holds 65535");
        }
        StateEntryCodec keys = KEYS.get();
        ByteArrayDataOutput out = new ByteArrayDataOutput(256 + 64 * b.stream().size());
        try {
            out.writeByte(VERSION);
            out.writeLong(b.sourceChanges());
            boolean versions = b.firstVersion() != null;
            out.writeByte(versions ? HAS_VERSIONS : 0);
            if (versions) {
                out.writeLong(b.firstVersion().major());
                out.writeLong(b.firstVersion().minor());
                out.writeLong(b.lastVersion().major());
                out.writeLong(b.lastVersion().minor());
            }
            out.write(b.digestBefore().toBytes());
            out.writeShort(schemaIndex.size());
            for (RowSchema s : schemaIndex.keySet()) {
                writeBytes(out, keys.schemaDefinition(s));
            }
            out.writeInt(b.startRows().size());
            for (ShardDeltaState.StartRow r : b.startRows()) {
                writeKey(out, keys, r.key());
                if (r.row() == null) {
                    out.writeByte(0);
                } else {
                    out.writeByte(1);
                    writeRow(out, r.row(), schemaIndex);
                }
            }
            out.writeInt(b.stream().size());
            for (DeltaOp op : b.stream()) {
                out.writeByte(op instanceof DeltaOp.Insert ? INSERT : op instanceof DeltaOp.Update ? UPDATE : DELETE);
                writeKey(out, keys, op.table(), op.key());
                Row row = storedRow(op);
                if (row != null) {
                    writeRow(out, row, schemaIndex);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ShardDeltaState.OpenBatch decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int v = in.readUnsignedByte();
            if (v != VERSION) {
                throw new IllegalStateException("unknown open batch version " + v + " (this build reads " + VERSION + ")");
            }
            long sourceChanges = in.readLong();
            int flags = in.readUnsignedByte();
            Version first = null;
            Version last = null;
            if ((flags & HAS_VERSIONS) != 0) {
                first = new Version(in.readLong(), in.readLong());
                last = new Version(in.readLong(), in.readLong());
            }
            StateDigest digestBefore = StateDigest.fromBytes(in.readNBytes(StateDigest.BYTES), 0);
            RowSchema[] schemas = new RowSchema[in.readUnsignedShort()];
            for (int i = 0; i < schemas.length; i++) {
                schemas[i] = StateEntryCodec.parseSchemaDefinition(readBytes(in));
            }
            int k = in.readInt();
            List<ShardDeltaState.StartRow> start = new ArrayList<>(k);
            Map<TableKey, Row> current = new HashMap<>();
            for (int i = 0; i < k; i++) {
                TableKey key = readKey(in);
                Row row = in.readUnsignedByte() == 0 ? null : readRow(in, schemas);
                start.add(new ShardDeltaState.StartRow(key, row));
                current.put(key, row);
            }
            int m = in.readInt();
            List<DeltaOp> stream = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                int kind = in.readUnsignedByte();
                TableKey key = readKey(in);
                if (!current.containsKey(key)) {
                    throw new IllegalStateException("change " + i + " of the open batch touches " + key + ", which has no start row");
                }
                Row before = current.get(key);
                Row after = kind == DELETE ? null : readRow(in, schemas);
                if ((kind == INSERT) != (before == null)) {
                    throw new IllegalStateException("change " + i + " of the open batch (kind " + kind + ") does not fit the row "
                            + (before == null ? "absent" : "present") + " before it");
                }
                stream.add(switch (kind) {
                    case INSERT -> new DeltaOp.Insert(key.table(), key.key(), after);
                    case UPDATE -> new DeltaOp.Update(key.table(), key.key(), before, after);
                    case DELETE -> new DeltaOp.Delete(key.table(), key.key(), before);
                    default -> throw new IllegalStateException("unknown change kind " + kind + " at change " + i + " of the open batch");
                });
                current.put(key, after);
            }
            if (in.available() != 0) {
                throw new IllegalStateException(in.available() + " bytes after the end of the open batch");
            }
            return new ShardDeltaState.OpenBatch(sourceChanges, first, last, digestBefore, start, stream);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt open batch in shard state (" + encoded.length + " bytes)", e);
        }
    }

    /** The row a change leaves (null for a delete): the only row of the change that is stored. */
    private static Row storedRow(DeltaOp op) {
        if (op instanceof DeltaOp.Insert i) {
            return i.after();
        }
        return op instanceof DeltaOp.Update u ? u.after() : null;
    }

    private static void writeKey(DataOutput out, StateEntryCodec keys, TableKey key) throws IOException {
        writeKey(out, keys, key.table(), key.key());
    }

    private static void writeKey(DataOutput out, StateEntryCodec keys, TableId table, Row key) throws IOException {
        writeBytes(out, keys.encodeKey(table, key));
    }

    private static TableKey readKey(DataInputStream in) throws IOException {
        return KEYS.get().decodeKey(readBytes(in));
    }

    private static void writeRow(DataOutput out, Row row, Map<RowSchema, Integer> schemaIndex) throws IOException {
        out.writeShort(schemaIndex.get(row.schema()));
        StateEntryCodec.writeValues(out, row);
    }

    private static Row readRow(DataInputStream in, RowSchema[] schemas) throws IOException {
        int i = in.readUnsignedShort();
        if (i >= schemas.length) {
            throw new IOException("row names schema " + i + " of " + schemas.length);
        }
        return StateEntryCodec.readValues(in, schemas[i]);
    }

    private static void writeBytes(DataOutput out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("length " + n + " exceeds the " + in.available() + " bytes left");
        }
        return in.readNBytes(n);
    }
}
