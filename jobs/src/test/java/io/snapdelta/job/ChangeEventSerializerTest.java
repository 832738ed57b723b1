package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.math.BigDecimal;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ChangeEventSerializerTest {
    private static final RowSchema KEY = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
    private static final RowSchema ROW = RowSchema.of(new String[] {"aid", "bid", "abalance", "filler", "x", "raw"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.DECIMAL, FieldType.STRING, FieldType.NULL, FieldType.BYTES});

    private static List<ChangeEvent> events() {
        Row before = Row.of(ROW, 7L, 1L, new BigDecimal("10.50"), "  ", null, new byte[] {1, 2});
        Row after = Row.of(ROW, 7L, 1L, new BigDecimal("-3.25"), null, null, null);
        TableId t = TableId.of("public", "pgbench_accounts");
        return List.of(
                new ChangeEvent(t, Row.of(KEY, 7L), ChangeOp.SNAPSHOT_READ, new Version(0, 1), null, before, 1L),
                new ChangeEvent(t, Row.of(KEY, 7L), ChangeOp.UPDATE, new Version(5, 2), before, after, 2L),
                new ChangeEvent(t, Row.of(KEY, 7L), ChangeOp.DELETE, new Version(6, 0), after, null, 3L));
    }

    @Test
    void eventsSerializedBackToBackDeserializeToEqualEventsAndCopyByteForByte() throws Exception {
        TypeSerializer<ChangeEvent> s = ChangeEventTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (ChangeEvent e : events()) {
            s.serialize(e, out);
        }
        byte[] bytes = out.getCopyOfBuffer();

        DataInputDeserializer in = new DataInputDeserializer(bytes);
        for (ChangeEvent e : events()) {
            assertEquals(e, s.deserialize(in));
        }
        assertEquals(0, in.available());

        DataInputDeserializer again = new DataInputDeserializer(bytes);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        for (int i = 0; i < events().size(); i++) {
            s.copy(again, copied);
        }
        assertArrayEquals(bytes, copied.getCopyOfBuffer());
    }

    @Test
    void aShortStringRepeatedAcrossEventsIsReadAsOneStringAndALongOneIsNot() throws Exception {
        // The shard operator keeps the rows it reads on the heap until the checkpoint: a repeated filler read as one
        // String per row was a fifth of a cached pgbench row.
        TypeSerializer<ChangeEvent> s = ChangeEventTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl());
        TableId t = TableId.of("public", "pgbench_accounts");
        String filler = " ".repeat(84);
        String long1 = "é".repeat(100); // 200 UTF-8 bytes: past the cached length
        DataOutputSerializer out = new DataOutputSerializer(256);
        for (long aid = 1; aid <= 3; aid++) {
            Row row = Row.of(ROW, aid, 1L, new BigDecimal("1.00"), aid == 3 ? long1 : new String(filler), null, null);
            s.serialize(new ChangeEvent(t, Row.of(KEY, aid), ChangeOp.INSERT, new Version(aid, 0), null, row, aid), out);
        }
        s.serialize(new ChangeEvent(t, Row.of(KEY, 4L), ChangeOp.INSERT, new Version(4, 0), null,
                Row.of(ROW, 4L, 1L, new BigDecimal("1.00"), new String(long1), null, null), 4L), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        ChangeEvent[] read = new ChangeEvent[4];
        for (int i = 0; i < read.length; i++) {
            read[i] = s.deserialize(in);
        }
        assertEquals(filler, read[0].after().get("filler"));
        assertSame(read[0].after().get("filler"), read[1].after().get("filler"));
        assertEquals(long1, read[2].after().get("filler"));
        assertEquals(long1, read[3].after().get("filler"));
        assertTrue(read[2].after().get("filler") != read[3].after().get("filler"), "texts past the bound are not kept");
    }

    @Test
    void writesExactlyTheCodecsBytesAndReadsTheCodecsBytesAlsoPastItsCacheBound() throws Exception {
        // More distinct tables and schemas than the serializer caches (4096), each event written twice so that
        // the second one is served from the cache, and a non-ASCII table and field name.
        java.util.List<ChangeEvent> many = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            RowSchema row = RowSchema.of(new String[] {"id", "f\u00e9" + i}, new FieldType[] {FieldType.INT64, FieldType.STRING});
            TableId t = TableId.of("s\u20ac", "t" + (i % 4500));
            ChangeEvent e = new ChangeEvent(t, Row.of(KEY, (long) i), ChangeOp.INSERT, new Version(i, 0), null,
                    Row.of(row, (long) i, "v" + i), i);
            many.add(e);
            many.add(e);
        }
        many.addAll(events());
        TypeSerializer<ChangeEvent> s = ChangeEventTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream codecOut = new java.io.DataOutputStream(expected)) {
            for (ChangeEvent e : many) {
                s.serialize(e, out);
                io.snapdelta.model.ChangeEventCodec.write(e, codecOut);
            }
        }
        assertArrayEquals(expected.toByteArray(), out.getCopyOfBuffer());

        TypeSerializer<ChangeEvent> reader = s.duplicate();
        DataInputDeserializer in = new DataInputDeserializer(expected.toByteArray());
        for (ChangeEvent e : many) {
            ChangeEvent read = reader.deserialize(in);
            assertEquals(e, read);
            assertSame(e.after() == null ? null : e.after().schema(), read.after() == null ? null : read.after().schema());
        }
        assertEquals(0, in.available());
    }

    @Test
    void rowsWhoseSchemasDifferOnlyInTheLastTypeByteOrCycleThroughManySchemasReadWithTheirOwnSchema() throws Exception {
        // Same-length schema bytes that differ only in the last field's type, interleaved with more schemas than
        // the reader's recently-read slots, so a stale or prefix match would hand a row the wrong schema.
        java.util.List<ChangeEvent> many = new java.util.ArrayList<>();
        FieldType[] types = {FieldType.INT64, FieldType.STRING, FieldType.TIMESTAMP_MICROS, FieldType.BOOLEAN, FieldType.FLOAT64, FieldType.BYTES};
        Object[] values = {5L, "s", 6L, true, 2.5d, new byte[] {9}};
        TableId t = TableId.of("public", "t");
        for (int i = 0; i < 60; i++) {
            int k = (i * 5) % types.length;
            RowSchema row = RowSchema.of(new String[] {"id", "v"}, new FieldType[] {FieldType.INT64, types[k]});
            many.add(new ChangeEvent(t, Row.of(KEY, (long) i), ChangeOp.INSERT, new Version(i, 0), null,
                    Row.of(row, (long) i, values[k]), i));
        }
        TypeSerializer<ChangeEvent> s = ChangeEventTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (ChangeEvent e : many) {
            s.serialize(e, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializer<ChangeEvent> reader = s.duplicate();
        for (ChangeEvent e : many) {
            ChangeEvent read = reader.deserialize(in);
            assertEquals(e, read);
            assertSame(e.after().schema(), read.after().schema());
        }
        assertEquals(0, in.available());
    }

    @Test
    void anUnknownVersionByteIsRefusedNamingTheVersion() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 0, 0});
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> new ChangeEventSerializer().deserialize(in));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void immutableEventsAreCopiedAsTheSameObjectAndTheSerializerSurvivesJavaSerialization() throws Exception {
        ChangeEvent e = events().get(1);
        TypeSerializer<ChangeEvent> s = ChangeEventSerializer.INSTANCE;
        assertTrue(s.isImmutableType());
        assertSame(e, s.copy(e));
        assertSame(e, s.duplicate().copy(e, null));
        TypeSerializer<ChangeEvent> shipped = InstantiationUtil.clone(s);
        assertEquals(s, shipped);
        assertEquals(ChangeEventTypeInfo.INSTANCE, InstantiationUtil.clone(ChangeEventTypeInfo.INSTANCE));
    }

    @Test
    void aWrittenSnapshotRestoresACompatibleSerializer() throws Exception {
        TypeSerializerSnapshot<ChangeEvent> snapshot = ChangeEventSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(32);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<ChangeEvent> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertEquals(ChangeEventSerializer.INSTANCE, read.restoreSerializer());
        assertTrue(ChangeEventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs());
    }
}
