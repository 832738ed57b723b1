package io.snapdelta.shard;

import static io.snapdelta.shard.ShardDeltaStateTest.T;
import static io.snapdelta.shard.ShardDeltaStateTest.del;
import static io.snapdelta.shard.ShardDeltaStateTest.ins;
import static io.snapdelta.shard.ShardDeltaStateTest.key;
import static io.snapdelta.shard.ShardDeltaStateTest.upd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SerializedShardStateStoreTest {
    private static final long SECOND = 1_000_000L;

    @Test
    void everyFieldTypeAndNullRoundTripsThroughTheEntryCodec() {
        RowSchema schema = RowSchema.of(
                new String[] {"n", "b", "i", "f", "d", "s", "y", "ts", "day", "missing"},
                new FieldType[] {FieldType.NULL, FieldType.BOOLEAN, FieldType.INT64, FieldType.FLOAT64, FieldType.DECIMAL,
                    FieldType.STRING, FieldType.BYTES, FieldType.TIMESTAMP_MICROS, FieldType.DATE, FieldType.STRING});
        Row row = Row.of(schema, null, true, -7L, -0.0, new BigDecimal("-12.3400"), "héllo ✓", new byte[] {0, -1, 2},
                1_700_000_000_000_000L, 19_000L, null);
        StateEntryCodec writer = new StateEntryCodec();
        long[] hash = {1, -2, 3, Long.MIN_VALUE};
        byte[] live = writer.encodeEntry(StoredEntry.live(new Version(-1, 5), row, hash));
        StateEntryCodec reader = new StateEntryCodec();
        long id = writer.schemaId(schema);
        reader.learnSchema(id, writer.schemaDefinition(schema));
        StoredEntry back = reader.decodeEntry(live);
        assertEquals(row, back.row());
        assertEquals(new Version(-1, 5), back.version());
        assertArrayEquals(hash, back.entryHash());
        assertEquals(new BigDecimal("-12.3400"), back.row().get("d"), "decimal keeps its scale");

        StoredEntry tomb = reader.decodeEntry(writer.encodeEntry(StoredEntry.tombstone(new Version(3, 4), 77L)));
        assertNull(tomb.row());
        assertEquals(77L, tomb.deletedAtMicros());

        Row k = key(42);
        TableKey tk = reader.decodeKey(writer.encodeKey(TableId.of("", "plain"), k));
        assertEquals(new TableKey(TableId.of("", "plain"), k), tk);
    }

    @Test
    void entriesDecodedByOneCodecShareTheirRepeatedStringsAndStillEqualTheirRows() {
        RowSchema schema = RowSchema.of(new String[] {"aid", "filler", "name"}, new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.STRING});
        String filler = " ".repeat(84);
        StateEntryCodec writer = new StateEntryCodec();
        StateEntryCodec reader = new StateEntryCodec();
        reader.learnSchema(writer.schemaId(schema), writer.schemaDefinition(schema));
        List<Row> back = new ArrayList<>();
        for (long aid = 0; aid < 50; aid++) {
            Row row = Row.of(schema, aid, new String(filler), "name-" + aid + "-ü".repeat((int) aid % 3));
            Row read = reader.decodeEntry(writer.encodeEntry(StoredEntry.live(new Version(aid, 0), row))).row();
            assertEquals(row, read);
            back.add(read);
        }
        for (Row r : back) {
            assertTrue(r.get("filler") == back.get(0).get("filler"), "one String for the repeated filler");
        }
    }

    @Test
    void everyTruncationOrExtensionOfAnEntryIsRejectedAsCorruptStateNeverMisread() {
        RowSchema schema = RowSchema.of(new String[] {"i", "d", "s", "y"},
                new FieldType[] {FieldType.INT64, FieldType.DECIMAL, FieldType.STRING, FieldType.BYTES});
        Row row = Row.of(schema, 9L, new BigDecimal("1.5"), "abc", new byte[] {1, 2});
        StateEntryCodec codec = new StateEntryCodec();
        byte[] live = codec.encodeEntry(StoredEntry.live(new Version(1, 2), row, new long[] {1, 2, 3, 4}));
        byte[] tomb = codec.encodeEntry(StoredEntry.tombstone(new Version(1, 3), 5L));
        for (byte[] whole : List.of(live, tomb)) {
            for (int n = 2; n < whole.length; n++) {
                byte[] cut = java.util.Arrays.copyOf(whole, n);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> codec.decodeEntry(cut), "cut to " + n);
                assertEquals("corrupt entry in shard state (" + n + " bytes)", e.getMessage());
            }
        }
        byte[] longer = java.util.Arrays.copyOf(live, live.length + 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> codec.decodeEntry(longer));
        assertEquals("1 bytes left after the last field", e.getCause().getMessage());
        byte[] badLength = live.clone();
        // The string's int32 length (before "abc", then y's presence byte, length and 2 bytes): 3 -> 11, past the end.
        badLength[live.length - 2 - 4 - 1 - 3 - 1] = 11;
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> codec.decodeEntry(badLength));
        assertEquals("field 's': value length 11 exceeds the 10 bytes left", e2.getCause().getMessage());
        assertEquals(row, codec.decodeEntry(live).row());
    }

    @Test
    void aDefinitionThatDoesNotHashToItsIdIsRejectedAsCorruptState() {
        StateEntryCodec c = new StateEntryCodec();
        byte[] def = c.schemaDefinition(key(1).schema());
        assertThrows(IllegalStateException.class, () -> new StateEntryCodec().learnSchema(c.schemaId(key(1).schema()) + 1, def));
    }

    @Test
    void theDeltaStateOverSerializedBytesBehavesExactlyAsOverTheHeapStore() {
        Random random = new Random(7);
        List<ChangeEvent> events = new ArrayList<>();
        Map<Long, Long> versions = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            long id = random.nextInt(60);
            long v = versions.merge(id, 1L + random.nextInt(3), Long::sum);
            int kind = random.nextInt(10);
            long stale = Math.max(1, v - 2);
            events.add(switch (kind) {
                case 0 -> del(id, v);
                case 1 -> upd(id, stale, random.nextInt(5), "stale"); // stale or duplicate
                default -> upd(id, v, random.nextInt(5), "s" + random.nextInt(3));
            });
        }
        ShardDeltaState heap = new ShardDeltaState(1, new InMemoryShardStateStore(), 37, Duration.ofSeconds(30));
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        SerializedShardStateStore serialized = new SerializedShardStateStore(bytes, new StateEntryCodec());
        ShardDeltaState ser = new ShardDeltaState(1, serialized, 37, Duration.ofSeconds(30));
        for (ChangeEvent e : events) {
            ShardBatch a = heap.apply(e);
            ShardBatch b = ser.apply(e);
            assertEquals(a == null, b == null);
            if (a != null) {
                assertEquals(a, b, "batch " + a.sequence());
            }
            assertEquals(heap.store().liveCount(), serialized.liveCount());
            assertEquals(heap.store().tombstoneCount(), serialized.tombstoneCount());
        }
        assertEquals(heap.counters().asMap(), ser.counters().asMap());
        assertEquals(heap.digest(), ser.digest());
        assertNotNull(heap.counters().tombstonesPurged > 0 ? "purged" : null, "the run must exercise tombstone clean-up");
        Map<TableKey, Row> a = new HashMap<>();
        heap.store().forEachLive(a::put);
        Map<TableKey, Row> b = new HashMap<>();
        serialized.forEachLive(b::put);
        assertEquals(a, b);
    }

    @Test
    void cleanUpReadsOnlyExpiredTombstonesAndSparesAKeyWrittenAgainSinceItsDelete() {
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec());
        ShardDeltaState s = new ShardDeltaState(0, store, 1000, Duration.ofSeconds(10));
        s.apply(ins(1, 1, 1, "a"));
        s.apply(ins(2, 2, 1, "a"));
        s.apply(del(1, 3));
        s.apply(del(2, 4));
        s.apply(ins(2, 5, 2, "again")); // key 2 lives again: its index entry is stale
        s.apply(del(3, 20)); // a newer tombstone, not yet expired at source time 30 s
        s.apply(ins(9, 30, 0, "clock"));
        assertEquals(2, store.tombstoneCount());
        assertEquals(3, bytes.tombstoneIndexSize());
        assertEquals(1, s.purgeExpiredTombstones(), "only key 1's tombstone (3 s) is older than 30 s - 10 s");
        assertNull(store.get(T, key(1)));
        assertNotNull(store.get(T, key(2)).row());
        assertNotNull(store.get(T, key(3)));
        assertEquals(1, bytes.tombstoneIndexSize(), "the expired head of the index is gone, the rest untouched");
        assertEquals(1, store.tombstoneCount());
    }

    @Test
    void theLiveKeysOfOneTableAreListedWithoutTombstonesOrOtherTablesAndWithUnflushedWrites() {
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec(), 4);
        RowSchema named = RowSchema.of(new String[] {"region", "n"}, new FieldType[] {FieldType.STRING, FieldType.INT64});
        TableId other = TableId.of("public", "tt");
        TableId otherNamespace = TableId.of("publi", "ct");
        Row value = Row.of(ShardDeltaStateTest.ROW, 1L, 1L, "v");
        List<Row> expected = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            store.put(T, key(i), StoredEntry.live(new Version(0, i), value, null));
            store.put(other, key(i), StoredEntry.live(new Version(0, i), value, null));
            store.put(otherNamespace, key(i), StoredEntry.live(new Version(0, i), value, null));
            if (i % 3 == 0) {
                store.put(T, key(i), StoredEntry.tombstone(new Version(1, i), 5L));
            } else {
                expected.add(key(i));
            }
        }
        Row namedKey = Row.of(named, "eu", 7L); // a second key schema in the same table
        store.put(T, namedKey, StoredEntry.live(new Version(0, 1), value, null));
        expected.add(namedKey);
        store.put(T, key(100), StoredEntry.live(new Version(0, 1), value, null)); // dirty: not in the bytes yet
        expected.add(key(100));

        List<Row> listed = new ArrayList<>();
        store.forEachLiveKey(T, listed::add);
        List<Row> scanned = new ArrayList<>();
        store.forEachLive((tk, row) -> {
            if (tk.table().equals(T)) {
                scanned.add(tk.key());
            }
        });
        assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(listed));
        assertEquals(expected.size(), listed.size());
        assertEquals(new java.util.HashSet<>(scanned), new java.util.HashSet<>(listed), "the same keys as the general scan");
        List<Row> none = new ArrayList<>();
        store.forEachLiveKey(TableId.of("public", "absent"), none::add);
        assertEquals(List.of(), none);
    }

    @Test
    void aKeyOfTheScannedTableCutShortIsRejectedAsCorruptStateNotSkipped() {
        HeapShardStateBytes bytes = new HeapShardStateBytes();
        StateEntryCodec codec = new StateEntryCodec();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, codec);
        store.put(T, key(1), StoredEntry.live(new Version(0, 1), Row.of(ShardDeltaStateTest.ROW, 1L, 1L, "v"), null));
        store.flush();
        byte[][] entry = new byte[1][];
        bytes.forEachEntry((k, v) -> entry[0] = v);
        byte[] full = codec.encodeKey(T, key(2));
        // The table's prefix (version, namespace, name) and one byte of the key schema's field count.
        int prefix = 1 + 2 + T.namespace().length() + 2 + T.name().length();
        bytes.putEntry(java.util.Arrays.copyOf(full, prefix + 1), entry[0]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.forEachLiveKey(T, k -> { }));
        assertEquals("corrupt table key in shard state (" + (prefix + 1) + " bytes)", e.getMessage());
    }

    /**
     * Keys encode to the spec'd bytes (version, namespace, name, key schema, values) whichever table came
     * before: the codec builds each table's prefix once and keeps it, and a table whose key schema changes gets
     * a new one.
     */
    @Test
    void keysOfInterleavedTablesAndSchemasEncodeToTheSpecdBytes() throws Exception {
        StateEntryCodec codec = new StateEntryCodec();
        TableId other = TableId.of("sales", "orders");
        RowSchema wide = RowSchema.of(new String[] {"region", "id"}, new FieldType[] {FieldType.STRING, FieldType.INT64});
        Object[][] calls = {
                {T, key(1)}, {other, key(2)}, {T, key(3)}, {TableId.of("public", "t"), key(4)},
                {other, Row.of(wide, "eu", 5L)}, {other, key(6)}, {T, Row.of(wide, "ü", -7L)}};
        for (int round = 0; round < 2; round++) {
            for (Object[] c : calls) {
                TableId t = (TableId) c[0];
                Row k = (Row) c[1];
                assertArrayEquals(referenceKeyEncoding(t, k), codec.encodeKey(t, k), t + " " + k);
                assertEquals(new TableKey(t, k), codec.decodeKey(codec.encodeKey(t, k)));
            }
        }
    }

    /** The table key layout of StateEntryCodec's javadoc, written field by field. */
    private static byte[] referenceKeyEncoding(TableId table, Row key) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeByte(1);
        out.writeUTF(table.namespace());
        out.writeUTF(table.name());
        RowSchema s = key.schema();
        out.writeShort(s.size());
        for (int i = 0; i < s.size(); i++) {
            out.writeUTF(s.name(i));
            out.writeByte(s.type(i).id());
        }
        io.snapdelta.model.RowValuesCodec.writeValues(out, key);
        return bytes.toByteArray();
    }

    /** Heap bytes that count entry reads and writes. */
    private static final class CountingBytes implements ShardStateBytes {
        final HeapShardStateBytes heap = new HeapShardStateBytes();
        int reads;
        int writes;

        @Override public byte[] getEntry(byte[] k) { reads++; return heap.getEntry(k); }
        @Override public void putEntry(byte[] k, byte[] e) { writes++; heap.putEntry(k, e); }
        @Override public void removeEntry(byte[] k) { heap.removeEntry(k); }
        @Override public void forEachEntry(java.util.function.BiConsumer<byte[], byte[]> v) { heap.forEachEntry(v); }
        @Override public void addTombstoneIndex(long at, byte[] k) { heap.addTombstoneIndex(at, k); }
        @Override public void pollTombstoneIndexBefore(long t, java.util.function.Consumer<byte[]> e) { heap.pollTombstoneIndexBefore(t, e); }
        @Override public byte[] getSchema(long id) { return heap.getSchema(id); }
        @Override public void putSchema(long id, byte[] d) { heap.putSchema(id, d); }
    }

    @Test
    void aHotKeyIsReadOnceAndWrittenOncePerFlushNotOncePerChange() {
        CountingBytes counting = new CountingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(counting, new StateEntryCodec());
        ShardDeltaState s = new ShardDeltaState(0, store, 1000, Duration.ofSeconds(10));
        s.apply(ins(1, 1, 1, "a"));
        for (int i = 2; i <= 50; i++) {
            s.apply(upd(1, i, i, "v" + i));
        }
        assertEquals(1, counting.reads, "only the first change of the key reads the bytes (and finds nothing)");
        assertEquals(0, counting.writes, "nothing is written before a flush");
        assertEquals(1, store.dirtyEntries());
        assertNull(new SerializedShardStateStore(counting.heap, new StateEntryCodec()).get(T, key(1)),
                "the bytes do not hold the key yet");

        store.flush();
        assertEquals(1, counting.writes, "one write for 50 changes");
        assertEquals(0, store.dirtyEntries());
        store.flush();
        assertEquals(1, counting.writes, "a second flush with nothing dirty writes nothing");
        // A fresh store over the same bytes (a restore) sees the last change.
        SerializedShardStateStore restored = new SerializedShardStateStore(counting.heap, new StateEntryCodec());
        assertEquals(new Version(0, 50), restored.get(T, key(1)).version());
        assertEquals(Row.of(ShardDeltaStateTest.ROW, 1L, 50L, "v50"), restored.get(T, key(1)).row());
    }

    @Test
    void aDirtyEntryPushedOutOfTheCacheIsWrittenAndReadBackCorrectly() {
        CountingBytes counting = new CountingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(counting, new StateEntryCodec());
        ShardDeltaState s = new ShardDeltaState(0, store, Integer.MAX_VALUE, Duration.ofSeconds(10));
        int keys = SerializedShardStateStore.RECENT_KEYS + 100;
        for (int id = 0; id < keys; id++) {
            s.apply(ins(id, id + 1, id, "first"));
        }
        assertEquals(100, counting.writes, "the 100 least recently used keys left the cache and were written");
        assertEquals(SerializedShardStateStore.RECENT_KEYS, store.dirtyEntries());
        // Key 0 was evicted: it is read back from its bytes, updated, and counted right.
        s.apply(upd(0, keys + 1, 7, "second"));
        assertEquals(keys, store.liveCount());
        store.flush();
        SerializedShardStateStore restored = new SerializedShardStateStore(counting.heap, new StateEntryCodec());
        for (int id = 1; id < keys; id++) {
            assertEquals(new Version(0, id + 1), restored.get(T, key(id)).version(), "key " + id);
        }
        assertEquals(new Version(0, keys + 1), restored.get(T, key(0)).version());
        Map<TableKey, Row> live = new HashMap<>();
        restored.forEachLive(live::put);
        assertEquals(keys, live.size());
    }

    @Test
    void aDeleteOfADirtyKeyRemovesItFromTheBytesAndFromTheFlush() {
        CountingBytes counting = new CountingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(counting, new StateEntryCodec());
        store.put(T, key(5), StoredEntry.live(new Version(0, 1), Row.of(ShardDeltaStateTest.ROW, 5L, 1L, "x")));
        store.flush();
        store.put(T, key(5), StoredEntry.live(new Version(0, 2), Row.of(ShardDeltaStateTest.ROW, 5L, 2L, "y")));
        assertEquals(1, store.dirtyEntries());
        store.delete(T, key(5));
        assertEquals(0, store.dirtyEntries());
        assertEquals(0, store.liveCount());
        store.flush();
        assertNull(counting.heap.getEntry(new StateEntryCodec().encodeKey(T, key(5))));
    }

    @Test
    void manyChangesWithoutAFlushKeepEveryKeysLastRowAndAFlushWritesEachDirtyKeyOnce() {
        CountingBytes counting = new CountingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(counting, new StateEntryCodec());
        ShardDeltaState s = new ShardDeltaState(0, store, Integer.MAX_VALUE, Duration.ofSeconds(10));
        int keys = 10 * SerializedShardStateStore.RECENT_KEYS;
        long v = 0;
        for (int round = 0; round < 3; round++) {
            for (int id = 0; id < keys; id++) {
                s.apply(round == 0 ? ins(id, ++v, round, "r" + round) : upd(id, ++v, round, "r" + round));
                if (id % 7 == 0) {
                    s.apply(upd(id % 13, ++v, round, "hot" + v)); // a few keys stay hot, updated in the cache
                }
            }
        }
        int writesBefore = counting.writes;
        int dirty = store.dirtyEntries();
        store.flush();
        assertEquals(writesBefore + dirty, counting.writes, "the flush writes each dirty key once");
        assertEquals(0, store.dirtyEntries());
        SerializedShardStateStore restored = new SerializedShardStateStore(counting.heap, new StateEntryCodec());
        Map<TableKey, Row> live = new HashMap<>();
        restored.forEachLive(live::put);
        Map<TableKey, Row> expected = new HashMap<>();
        store.forEachLive(expected::put);
        assertEquals(keys, live.size());
        assertEquals(expected, live);
        assertEquals(Row.of(ShardDeltaStateTest.ROW, (long) (keys - 1), 2L, "r2"), live.get(new TableKey(T, key(keys - 1))));
    }

    /**
     * The job's store decodes a new key row per scanned key: the index it builds from them keeps only the
     * values while every key is one integer field of one schema, and the rows in key order once one is not.
     */
    @Test
    void theLiveKeyIndexOfDecodedIntegerKeysKeepsNoRowsUntilAKeyOfAnotherShapeIsScanned() {
        SerializedShardStateStore store = new SerializedShardStateStore(new HeapShardStateBytes(), new StateEntryCodec(), 4);
        Row value = Row.of(ShardDeltaStateTest.ROW, 1L, 1L, "v");
        List<Row> live = new ArrayList<>();
        for (long i = 0; i < 3_000; i++) {
            long id = (i * 7_919) % 3_000 - 1_500; // not in key order, negative ones too
            store.put(T, key(id), StoredEntry.live(new Version(0, i), value, null));
            if (i % 4 == 0) {
                store.put(T, key(id), StoredEntry.tombstone(new Version(1, i), 5L));
            } else {
                live.add(key(id));
            }
        }
        HeldKeyIndex integers = store.liveKeyIndex(T);
        assertFalse(integers.keepsRows());
        InMemoryShardStateStoreTest.assertHoldsInKeyOrder(live, integers);

        RowSchema named = RowSchema.of(new String[] {"region", "n"}, new FieldType[] {FieldType.STRING, FieldType.INT64});
        Row namedKey = Row.of(named, "eu", 7L);
        store.put(T, namedKey, StoredEntry.live(new Version(0, 1), value, null));
        live.add(namedKey);
        HeldKeyIndex mixed = store.liveKeyIndex(T);
        assertTrue(mixed.keepsRows());
        InMemoryShardStateStoreTest.assertHoldsInKeyOrder(live, mixed);
    }
}
