package io.snapdelta.format;

import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import java.math.BigDecimal;
import java.util.zip.CRC32C;

/**
 * What the fuzz and mutation tests drive: a reader with small limits, fed either raw sealed bytes
 * (stopped by the CRC almost always) or an arbitrary body behind a valid header and CRC (so the
 * decompressor and the body decoder see the damage). Only {@link CorruptBatchException} may come out.
 */
final class FuzzTargets {
    static final DeltaFormatOptions SMALL_LIMITS = DeltaFormatOptions.defaults()
            .with(DeltaFormatOptions.MAX_OPS, 10_000)
            .with(DeltaFormatOptions.MAX_VALUES, 200_000)
            .with(DeltaFormatOptions.MAX_UNCOMPRESSED_SIZE, new io.snapdelta.config.MemorySize(1 << 20))
            .with(DeltaFormatOptions.MAX_STRING_LENGTH, new io.snapdelta.config.MemorySize(1 << 16));

    private FuzzTargets() {
    }

    /** Decodes; returns normally for a decoded batch or a CorruptBatchException, throws anything else. */
    static void decode(byte[] sealed) {
        TableSchemaRegistry registry = new TableSchemaRegistry();
        try (DeltaBatchReader reader = new DeltaBatchReader(SMALL_LIMITS, registry, null)) {
            reader.read(sealed, new RowLookup() {
                @Override
                public Row get(io.snapdelta.model.TableId table, Row key) {
                    return synthesizeRow(registry, table, key);
                }

                @Override
                public HeldKeyIndex heldKeys(io.snapdelta.model.TableId table) {
                    return synthesizeKeys(registry, table);
                }
            });
        } catch (CorruptBatchException expected) {
            if (expected.getMessage() == null || expected.offset() < 0) {
                throw new AssertionError("exception without a message or an offset", expected);
            }
        }
    }

    /**
     * A receiver that holds a row for every other key: built from the first registered schema of the
     * table with that key, other fields zero-like. Lets update/delete paths run on fuzzed bodies.
     */
    static Row synthesizeRow(TableSchemaRegistry registry, io.snapdelta.model.TableId table, Row key) {
        if ((key.hashCode() & 1) == 0) {
            return null;
        }
        for (TableSchema s : registry.all()) {
            if (s.table().equals(table) && s.keySchema().equals(key.schema())) {
                Object[] v = new Object[s.rowSchema().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = zero(s.rowSchema().type(i));
                }
                int[] k = s.keyIndexes();
                for (int i = 0; i < k.length; i++) {
                    v[k[i]] = key.get(i);
                }
                return Row.wrapTrusted(s.rowSchema(), v);
            }
        }
        return null;
    }

    /**
     * The held keys of a receiver that holds a row for every key {@link #synthesizeRow} answers: for a table
     * whose first registered schema has a single INT64 or STRING key, those of the values 0..199 (or their
     * decimal strings) that it holds; else none (then a rank-coded section is a state mismatch).
     */
    static HeldKeyIndex synthesizeKeys(TableSchemaRegistry registry, io.snapdelta.model.TableId table) {
        for (TableSchema s : registry.all()) {
            if (s.table().equals(table)) {
                io.snapdelta.model.RowSchema ks = s.keySchema();
                if (ks.size() != 1 || (ks.type(0) != FieldType.INT64 && ks.type(0) != FieldType.STRING)) {
                    return null;
                }
                java.util.List<Row> keys = new java.util.ArrayList<>();
                for (long v = 0; v < 200; v++) {
                    Row key = Row.of(ks, ks.type(0) == FieldType.INT64 ? (Object) v : Long.toString(v));
                    if (synthesizeRow(registry, table, key) != null) {
                        keys.add(key);
                    }
                }
                return HeldKeyIndex.of(keys);
            }
        }
        return null;
    }

    private static Object zero(FieldType t) {
        switch (t) {
            case BOOLEAN: return Boolean.FALSE;
            case INT64: case TIMESTAMP_MICROS: case DATE: return 0L;
            case FLOAT64: return 0.0;
            case DECIMAL: return BigDecimal.ZERO;
            case STRING: return "";
            case BYTES: return new byte[0];
            default: return null;
        }
    }

    /** A sealed, CRC-valid, uncompressed batch around {@code body} with the given op counts. */
    static byte[] sealAroundBody(byte[] body, int inserts, int updates, int deletes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(BatchLayout.MIN_SEALED_LENGTH + body.length);
        b.put(BatchLayout.MAGIC).put(BatchLayout.FORMAT_VERSION_1).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putInt(3).putLong(77).putLong(0).putLong(0).putLong(0).putLong(1);
        b.putInt(inserts).putInt(updates).putInt(deletes).putInt(0).putInt(body.length).putInt(body.length);
        b.put(new byte[2 * BatchLayout.DIGEST_LENGTH]).put(body);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** A sealed, CRC-valid, uncompressed v2 batch around {@code body} with the given op counts. */
    static byte[] sealAroundBodyV2(byte[] body, int inserts, int updates, int deletes) {
        return sealAroundBody(BatchLayout.FORMAT_VERSION_2, body, inserts, updates, deletes);
    }

    /** A sealed, CRC-valid, uncompressed v2, v3 or v4 batch (two digests or one) around {@code body}. */
    static byte[] sealAroundBody(int version, byte[] body, int inserts, int updates, int deletes) {
        ByteSink b = new ByteSink(BatchLayout.V2_MIN_SEALED_LENGTH + body.length + 16);
        b.writeBytes(BatchLayout.MAGIC, 0, 4);
        b.writeByte(version);
        b.writeByte(0);
        b.writeByte(0);
        b.writeByte(0);
        b.writeVarInt(3);
        b.writeVarLong(77);
        b.writeVarLong(0);
        b.writeVarLong(0);
        b.writeVarLong(0);
        b.writeVarLong(1);
        b.writeVarInt(inserts);
        b.writeVarInt(updates);
        b.writeVarInt(deletes);
        b.writeVarInt(body.length);
        int digests = BatchLayout.digestCount(version) * BatchLayout.DIGEST_LENGTH;
        b.writeBytes(new byte[digests], 0, digests);
        b.writeBytes(body, 0, body.length);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.writeIntBE((int) crc.getValue());
        return b.toByteArray();
    }

    /** As {@link #bodyInput} for v2 bodies. */
    static byte[] bodyInputV2(byte[] data) {
        if (data.length < 3) {
            return sealAroundBodyV2(data, 0, 0, 0);
        }
        byte[] body = java.util.Arrays.copyOfRange(data, 3, data.length);
        return sealAroundBodyV2(body, data[0] & 0x3F, data[1] & 0x3F, data[2] & 0x3F);
    }

    /** As {@link #bodyInput} for v3 bodies. */
    static byte[] bodyInputV3(byte[] data) {
        if (data.length < 3) {
            return sealAroundBody(BatchLayout.FORMAT_VERSION_3, data, 0, 0, 0);
        }
        byte[] body = java.util.Arrays.copyOfRange(data, 3, data.length);
        return sealAroundBody(BatchLayout.FORMAT_VERSION_3, body, data[0] & 0x3F, data[1] & 0x3F, data[2] & 0x3F);
    }

    /** As {@link #bodyInput} for v4 bodies (v3's body behind a v4 header). */
    static byte[] bodyInputV4(byte[] data) {
        if (data.length < 3) {
            return sealAroundBody(BatchLayout.FORMAT_VERSION_4, data, 0, 0, 0);
        }
        byte[] body = java.util.Arrays.copyOfRange(data, 3, data.length);
        return sealAroundBody(BatchLayout.FORMAT_VERSION_4, body, data[0] & 0x3F, data[1] & 0x3F, data[2] & 0x3F);
    }

    /** Inverse of {@link #bodyInputV2} (and {@link #bodyInputV3}) for an uncompressed golden batch of that version. */
    static byte[] bodySeedV2(byte[] sealed, int inserts, int updates, int deletes) {
        int at = BatchLayout.bodyOffset(sealed);
        byte[] body = java.util.Arrays.copyOfRange(sealed, at, sealed.length - BatchLayout.CRC_LENGTH);
        byte[] out = new byte[3 + body.length];
        out[0] = (byte) inserts;
        out[1] = (byte) updates;
        out[2] = (byte) deletes;
        System.arraycopy(body, 0, out, 3, body.length);
        return out;
    }

    /** Counts from the first bytes of the input, the rest as the body. */
    static byte[] bodyInput(byte[] data) {
        if (data.length < 3) {
            return sealAroundBody(data, 0, 0, 0);
        }
        byte[] body = java.util.Arrays.copyOfRange(data, 3, data.length);
        return sealAroundBody(body, data[0] & 0x3F, data[1] & 0x3F, data[2] & 0x3F);
    }

    /** Inverse of {@link #bodyInput} for an uncompressed golden batch: a seed for the body fuzzer. */
    static byte[] bodySeed(byte[] sealed) {
        byte[] body = java.util.Arrays.copyOfRange(sealed, BatchLayout.BODY_OFFSET, sealed.length - BatchLayout.CRC_LENGTH);
        byte[] out = new byte[3 + body.length];
        out[0] = (byte) DeltaBatchReader.intAt(sealed, BatchLayout.INSERT_COUNT_OFFSET);
        out[1] = (byte) DeltaBatchReader.intAt(sealed, BatchLayout.UPDATE_COUNT_OFFSET);
        out[2] = (byte) DeltaBatchReader.intAt(sealed, BatchLayout.DELETE_COUNT_OFFSET);
        System.arraycopy(body, 0, out, 3, body.length);
        return out;
    }
}
