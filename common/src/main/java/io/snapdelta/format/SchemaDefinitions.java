package io.snapdelta.format;

import io.snapdelta.format.CorruptBatchException.Kind;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The canonical schema definition encoding and the schema id derived from it (spec: "Schema
 * definitions"). The id is the first 8 bytes, big-endian, of SHA-256 over the canonical bytes, so every
 * producer and every replica derives the same id from the same definition without coordination.
 */
final class SchemaDefinitions {
    /** Most fields a table may have; bounds what a definition can make a decoder allocate. */
    static final int MAX_FIELDS = 4096;

    private SchemaDefinitions() {
    }

    static TableSchema create(TableId table, RowSchema rowSchema, int[] keyIndexes) {
        if (rowSchema.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("table " + table + " has " + rowSchema.size() + " fields; at most "
                    + MAX_FIELDS + " are supported");
        }
        ByteSink out = new ByteSink(64 + 16 * rowSchema.size());
        writeString(out, table.namespace());
        writeString(out, table.name());
        out.writeVarInt(rowSchema.size());
        for (int i = 0; i < rowSchema.size(); i++) {
            writeString(out, rowSchema.name(i));
            out.writeByte(rowSchema.type(i).id());
        }
        out.writeVarInt(keyIndexes.length);
        for (int k : keyIndexes) {
            out.writeVarInt(k);
        }
        byte[] canonical = out.toByteArray();
        return new TableSchema(schemaId(canonical), table, rowSchema, keyIndexes.clone(), canonical);
    }

    static long schemaId(byte[] canonical) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xFF);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Parses a canonical definition read from a batch and checks it against the id it was stored under. */
    static TableSchema parse(ByteSource in, long expectedId, int length) throws CorruptBatchException {
        int startPos = in.position();
        int at = in.skip(length, "schema definition");
        byte[] canonical = new byte[length];
        System.arraycopy(in.array(), at, canonical, 0, length);
        long actual = schemaId(canonical);
        if (actual != expectedId) {
            throw in.malformed(String.format("schema definition at body byte %d hashes to id %016x but is stored under id %016x",
                    startPos, actual, expectedId));
        }
        ByteSource def = new ByteSource(canonical, 0, length, "schema definition ", -1, -1);
        try {
            String ns = readString(def, "table namespace");
            String name = readString(def, "table name");
            if (name.isEmpty()) {
                throw def.malformed("empty table name");
            }
            int n = def.readCount("field count", MAX_FIELDS);
            String[] names = new String[n];
            FieldType[] types = new FieldType[n];
            for (int i = 0; i < n; i++) {
                names[i] = readString(def, "field name");
                int typeId = def.readUnsignedByte("field type");
                if (typeId >= FieldType.values().length) {
                    throw def.malformed("unknown field type id " + typeId + " for field '" + names[i] + "'");
                }
                types[i] = FieldType.fromId(typeId);
            }
            int keys = def.readCount("key field count", n);
            int[] keyIndexes = new int[keys];
            for (int k = 0; k < keys; k++) {
                keyIndexes[k] = def.readCount("key field index", n - 1L);
            }
            if (def.remaining() != 0) {
                throw def.malformed(def.remaining() + " trailing bytes after the schema definition");
            }
            RowSchema rowSchema;
            try {
                rowSchema = RowSchema.of(names, types);
            } catch (IllegalArgumentException e) {
                throw def.malformed("invalid schema definition: " + e.getMessage());
            }
            TableSchema schema;
            try {
                schema = TableSchema.of(new TableId(ns, name), rowSchema, keySchemaOf(rowSchema, keyIndexes));
            } catch (IllegalArgumentException e) {
                throw def.malformed("invalid key in schema definition: " + e.getMessage());
            }
            if (schema.id() != expectedId) {
                throw def.malformed("schema definition is not in canonical form");
            }
            return schema;
        } catch (CorruptBatchException e) {
            throw in.error(e.kind(), "schema " + String.format("%016x", expectedId) + ": " + e.getMessage());
        }
    }

    private static RowSchema keySchemaOf(RowSchema row, int[] keyIndexes) {
        String[] n = new String[keyIndexes.length];
        FieldType[] t = new FieldType[keyIndexes.length];
        for (int k = 0; k < keyIndexes.length; k++) {
            n[k] = row.name(keyIndexes[k]);
            t[k] = row.type(keyIndexes[k]);
        }
        return RowSchema.of(n, t);
    }

    private static void writeString(ByteSink out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeVarInt(b.length);
        out.writeBytes(b, 0, b.length);
    }

    private static String readString(ByteSource in, String what) throws CorruptBatchException {
        int len = in.readCount(what + " length", in.remaining());
        int at = in.skip(len, what);
        return Utf8.decode(in, in.array(), at, len, what);
    }
}
