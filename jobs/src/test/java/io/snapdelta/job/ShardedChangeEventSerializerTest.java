package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeEventCodec;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardingVersion;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ShardedChangeEventSerializerTest {
    private static final RowSchema KEY = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
    private static final RowSchema ROW = RowSchema.of(new String[] {"aid", "abalance"}, new FieldType[] {FieldType.INT64, FieldType.INT64});
    private static final TableId T = TableId.of("public", "pgbench_accounts");

    private static ChangeEvent event(long aid, long major) {
        return new ChangeEvent(T, Row.of(KEY, aid), ChangeOp.UPDATE, new Version(major, 0), Row.of(ROW, aid, 1L), Row.of(ROW, aid, 2L), major);
    }

    @Test
    void writesKindTwoAndTheShardAsU16ThenExactlyTheEventCodecsBytesAndReadsThemBack() throws Exception {
        List<ShardedChangeEvent> records = List.of(new ShardedChangeEvent(0, event(1, 1)), new ShardedChangeEvent(300, event(2, 2)),
                new ShardedChangeEvent(65_535, event(3, 3)));
        TypeSerializer<ShardedChangeEvent> s = ShardedChangeEventTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream codec = new DataOutputStream(expected)) {
            for (ShardedChangeEvent r : records) {
                s.serialize(r, out);
                codec.writeByte(2);
                codec.writeShort(r.shard());
                ChangeEventCodec.write(r.event(), codec);
            }
        }
        assertArrayEquals(expected.toByteArray(), out.getCopyOfBuffer());

        TypeSerializer<ShardedChangeEvent> reader = s.duplicate();
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (ShardedChangeEvent r : records) {
            assertEquals(r, reader.deserialize(in));
        }
        assertEquals(0, in.available());
    }

    @Test
    void theAssignedShardIsTheShardingSpecsShardOfTheEventsTableAndKeyUnderEachVersion() {
        List<List<Integer>> byVersion = new ArrayList<>();
        for (ShardingVersion v : ShardingVersion.values()) {
            ShardAssignFunction assign = new ShardAssignFunction(16, v);
            ShardAssigner spec = new ShardAssigner(16, v);
            List<Integer> seen = new ArrayList<>();
            for (long aid = 1; aid <= 200; aid++) {
                ChangeEvent e = event(aid, aid);
                ShardedChangeEvent r = assign.map(e);
                assertEquals(spec.shardOf(T, e.key()), r.shard());
                assertEquals(r.shard(), new ShardKeySelector(16, v).getKey(r));
                seen.add(r.shard());
            }
            assertEquals(16, seen.stream().distinct().count(), "200 keys should reach all 16 shards: " + seen);
            byVersion.add(seen);
        }
        assertNotEquals(byVersion.get(0), byVersion.get(1), "the function hashes with the version it was given");
    }

    @Test
    void theExchangedEventKeepsEverythingButItsBeforeImage() throws Exception {
        ShardAssignFunction assign = new ShardAssignFunction(16, ShardingVersion.V2);
        ChangeEvent update = event(9, 4);
        ChangeEvent delete = new ChangeEvent(T, Row.of(KEY, 9L), ChangeOp.DELETE, new Version(5, 1), Row.of(ROW, 9L, 2L), null, 77L);
        ChangeEvent insert = new ChangeEvent(T, Row.of(KEY, 10L), ChangeOp.INSERT, new Version(6, 0), null, Row.of(ROW, 10L, 3L), 78L);
        for (ChangeEvent e : List.of(update, delete, insert)) {
            ChangeEvent sent = assign.map(e).event();
            assertEquals(new ChangeEvent(e.table(), e.key(), e.op(), e.version(), null, e.after(), e.sourceTimestampMicros()), sent);
        }
        assertTrue(assign.map(insert).event() == insert, "an event without a before image is passed on as it is");

        // On the wire: the images byte says "after only" (0x02) for the update, "none" (0x00) for the delete.
        TypeSerializer<ShardedChangeEvent> s = new ShardedChangeEventSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(assign.map(update), out);
        int withoutBefore = out.length();
        out.clear();
        s.serialize(new ShardedChangeEvent(assign.map(update).shard(), update), out);
        assertTrue(out.length() > withoutBefore, out.length() + " bytes with the before image, " + withoutBefore + " without");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(expected)) {
            d.writeByte(ShardedChangeEventSerializer.SHARDED);
            d.writeShort(assign.map(delete).shard());
            ChangeEventCodec.write(new ChangeEvent(T, Row.of(KEY, 9L), ChangeOp.DELETE, new Version(5, 1), null, null, 77L), d);
        }
        out.clear();
        s.serialize(assign.map(delete), out);
        assertArrayEquals(expected.toByteArray(), out.getCopyOfBuffer());
    }

    @Test
    void anEventWithoutItsShardFromAnOlderBuildIsReadAndKeyedByTheShardingSpecAndWrittenBackUnchanged() throws Exception {
        // In-flight data (unaligned checkpoints) of a build before the shard travelled: bare change-event v1 records.
        ByteArrayOutputStream old = new ByteArrayOutputStream();
        try (DataOutputStream codec = new DataOutputStream(old)) {
            ChangeEventCodec.write(event(7, 1), codec);
            ChangeEventCodec.write(event(8, 2), codec);
        }
        TypeSerializer<ShardedChangeEvent> s = new ShardedChangeEventSerializer();
        DataInputDeserializer in = new DataInputDeserializer(old.toByteArray());
        ShardAssigner spec = new ShardAssigner(16, ShardingVersion.V2);
        DataOutputSerializer again = new DataOutputSerializer(64);
        for (long aid : new long[] {7, 8}) {
            ShardedChangeEvent r = s.deserialize(in);
            assertEquals(ShardedChangeEvent.SHARD_UNKNOWN, r.shard());
            assertEquals(event(aid, aid - 6), r.event());
            assertEquals(spec.shardOf(T, r.event().key()), new ShardKeySelector(16, ShardingVersion.V2).getKey(r));
            s.serialize(r, again);
        }
        assertEquals(0, in.available());
        assertArrayEquals(old.toByteArray(), again.getCopyOfBuffer());
    }

    @Test
    void anUnknownRecordKindIsRefusedNamingIt() {
        IOException e = assertThrows(IOException.class,
                () -> new ShardedChangeEventSerializer().deserialize(new DataInputDeserializer(new byte[] {9, 0, 1})));
        assertTrue(e.getMessage().contains("kind 9"), e.getMessage());
    }

    @Test
    void aShardOutsideTheU16RangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ShardedChangeEvent(65_536, event(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new ShardedChangeEvent(-2, event(1, 1)));
    }

    @Test
    void theSerializerSurvivesJavaSerializationAndItsSnapshotRestoresACompatibleOne() throws Exception {
        TypeSerializer<ShardedChangeEvent> s = new ShardedChangeEventSerializer();
        assertEquals(s, InstantiationUtil.clone(s));
        assertEquals(ShardedChangeEventTypeInfo.INSTANCE, InstantiationUtil.clone(ShardedChangeEventTypeInfo.INSTANCE));
        DataOutputSerializer out = new DataOutputSerializer(32);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
        TypeSerializerSnapshot<ShardedChangeEvent> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertEquals(s, read.restoreSerializer());
        assertTrue(s.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs());
    }
}
