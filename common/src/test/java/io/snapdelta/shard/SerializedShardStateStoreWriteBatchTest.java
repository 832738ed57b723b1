package io.snapdelta.shard;

import static io.snapdelta.shard.ShardDeltaStateTest.T;
import static io.snapdelta.shard.ShardDeltaStateTest.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's batched write-back of evicted entries ({@code shard.state.write-batch-entries} > 1). */
class SerializedShardStateStoreWriteBatchTest {
    private static final TableId U = TableId.of("public", "u");

    /**
     * Random gets, puts (live rows and tombstones), deletes, tombstone clean-ups, flushes and restores over a key
     * space several times the cache, so entries are evicted, parked, read back from the buffer and deleted while
     * parked: the store with a write buffer must answer every call like the store without one, and after every
     * flush its bytes must equal the unbuffered store's bytes exactly. A third store, buffered too, also filters the
     * keys it has written ({@link WrittenKeysFilter}; on while its bytes began empty, off after a restore of
     * non-empty bytes): it must answer and write the same while skipping reads of keys it never wrote.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 7, 64})
    void aRandomWorkloadGivesTheSameAnswersAndAfterEveryFlushTheSameBytesAsWritingEachEntry(int batch) {
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed * 31L + batch);
            int cache = 1 + random.nextInt(12);
            int keys = cache + 1 + random.nextInt(6 * cache + 10);
            RecordingBytes plainBytes = new RecordingBytes();
            RecordingBytes batchedBytes = new RecordingBytes();
            RecordingBytes filteredBytes = new RecordingBytes();
            SerializedShardStateStore plain = new SerializedShardStateStore(plainBytes, new StateEntryCodec(), cache, 1);
            SerializedShardStateStore batched = new SerializedShardStateStore(batchedBytes, new StateEntryCodec(), cache, batch);
            SerializedShardStateStore filtered = new SerializedShardStateStore(filteredBytes, new StateEntryCodec(), cache, batch, true);
            assertTrue(filtered.filtersWrittenKeys(), "over empty bytes");
            long skipped = 0;
            long version = 0;
            long now = 0;
            int flushes = 0;
            for (int step = 0; step < 3000; step++) {
                TableId table = random.nextInt(5) == 0 ? U : T;
                long id = random.nextInt(keys);
                Row k = key(id);
                String where = "seed " + seed + " step " + step;
                int op = random.nextInt(100);
                if (op < 35) {
                    StoredEntry expected = plain.get(table, k);
                    assertEquals(expected, batched.get(table, k), where);
                    assertEquals(expected, filtered.get(table, k), where + " (filtered)");
                } else if (op < 80) {
                    // ShardDeltaState reads a key before it writes it; a put without a read is allowed too.
                    if (random.nextBoolean()) {
                        StoredEntry expected = plain.get(table, k);
                        assertEquals(expected, batched.get(table, k), where);
                        assertEquals(expected, filtered.get(table, k), where + " (filtered)");
                    }
                    now += random.nextInt(1000);
                    StoredEntry e = random.nextInt(6) == 0
                            ? StoredEntry.tombstone(new Version(0, ++version), now)
                            : StoredEntry.live(new Version(0, ++version), Row.of(ShardDeltaStateTest.ROW,
                                    id, version, "v" + random.nextInt(4)));
                    plain.put(table, k, e);
                    batched.put(table, k, e);
                    filtered.put(table, k, e);
                } else if (op < 88) {
                    plain.delete(table, k);
                    batched.delete(table, k);
                    filtered.delete(table, k);
                } else if (op < 90) {
                    long before = now - random.nextInt(3000);
                    int purged = plain.purgeTombstonesBefore(before);
                    assertEquals(purged, batched.purgeTombstonesBefore(before), where);
                    assertEquals(purged, filtered.purgeTombstonesBefore(before), where + " (filtered)");
                    assertSameBytes(plainBytes, batchedBytes, where + " (clean-up flushes first)");
                    assertSameBytes(plainBytes, filteredBytes, where + " (filtered; clean-up flushes first)");
                } else if (op < 95) {
                    plain.flush();
                    batched.flush();
                    filtered.flush();
                    flushes++;
                    assertEquals(0, batched.dirtyEntries(), where);
                    assertSameBytes(plainBytes, batchedBytes, where);
                    assertSameBytes(plainBytes, filteredBytes, where + " (filtered)");
                    if (random.nextInt(4) == 0) {
                        // A restore: fresh stores over copies of the flushed bytes, with the checkpointed counts.
                        long[] counts = batched.counts();
                        assertArrayEquals(plain.counts(), counts, where);
                        assertArrayEquals(counts, filtered.counts(), where + " (filtered)");
                        skipped += filtered.readsSkipped();
                        plainBytes = plainBytes.copy();
                        batchedBytes = batchedBytes.copy();
                        filteredBytes = filteredBytes.copy();
                        plain = new SerializedShardStateStore(plainBytes, new StateEntryCodec(), cache, 1);
                        batched = new SerializedShardStateStore(batchedBytes, new StateEntryCodec(), cache, batch);
                        filtered = new SerializedShardStateStore(filteredBytes, new StateEntryCodec(), cache, batch, true);
                        assertEquals(filteredBytes.snapshot().isEmpty(), filtered.filtersWrittenKeys(),
                                where + ": the filter is on only over bytes without entries");
                        plain.restoreCounts(counts);
                        batched.restoreCounts(counts);
                        filtered.restoreCounts(counts);
                    }
                } else {
                    assertTrue(batched.dirtyEntries() <= cache + batch - 1,
                            where + ": at most the cache and a not yet full buffer are unwritten, got " + batched.dirtyEntries());
                }
                assertEquals(plain.liveCount(), batched.liveCount(), where);
                assertEquals(plain.tombstoneCount(), batched.tombstoneCount(), where);
                assertEquals(plain.liveCount(), filtered.liveCount(), where + " (filtered)");
                assertEquals(plain.tombstoneCount(), filtered.tombstoneCount(), where + " (filtered)");
            }
            plain.flush();
            batched.flush();
            filtered.flush();
            assertSameBytes(plainBytes, batchedBytes, "seed " + seed + " end");
            assertSameBytes(plainBytes, filteredBytes, "seed " + seed + " end (filtered)");
            skipped += filtered.readsSkipped();
            assertTrue(skipped > 0, "seed " + seed + ": the filter answered some look-ups of never-written keys");
            Map<TableKey, Row> live = new HashMap<>();
            new SerializedShardStateStore(batchedBytes.copy(), new StateEntryCodec()).forEachLive(live::put);
            assertEquals(plain.liveCount(), live.size(), "seed " + seed + ": a restore sees every live row");
            assertTrue(flushes > 0);
            assertTrue(batchedBytes.batches > 0, "seed " + seed + ": evictions were written in batches");
            assertEquals(0, batchedBytes.singlePuts, "seed " + seed + ": with a buffer nothing is written one by one");
        }
    }

    @Test
    void evictedDirtyEntriesAreWrittenInBatchesOfTheConfiguredSizeAndTheRestAtTheFlush() {
        RecordingBytes bytes = new RecordingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec(), 4, 3);
        for (int id = 0; id < 4 + 7; id++) {
            store.put(T, key(id), live(id, id + 1));
        }
        // 7 evictions: two batches of 3; the seventh waits in the buffer with the 4 cached entries.
        assertEquals(List.of(3, 3), bytes.batchSizes);
        assertEquals(5, store.dirtyEntries());
        store.flush();
        assertEquals(List.of(3, 3, 5), bytes.batchSizes, "the flush writes the buffer and every dirty cached entry in one batch");
        assertEquals(0, bytes.singlePuts);
        SerializedShardStateStore restored = new SerializedShardStateStore(bytes.copy(), new StateEntryCodec());
        for (int id = 0; id < 11; id++) {
            assertEquals(new Version(0, id + 1), restored.get(T, key(id)).version(), "key " + id);
        }
    }

    @Test
    void aKeyWaitingInTheBufferIsServedFromItNotFromTheBytesOlderValue() {
        RecordingBytes bytes = new RecordingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec(), 1, 100);
        store.put(T, key(1), live(1, 1));
        store.flush(); // the bytes hold version 1
        store.put(T, key(1), live(1, 2));
        store.put(T, key(2), live(2, 1)); // evicts key 1 (version 2) into the buffer
        assertEquals(new Version(0, 1), new SerializedShardStateStore(bytes.copy(), new StateEntryCodec()).get(T, key(1)).version(),
                "the bytes still hold the old value");
        int reads = bytes.reads;
        assertEquals(new Version(0, 2), store.get(T, key(1)).version());
        assertEquals(reads, bytes.reads, "served from the buffer without reading the bytes");
        store.put(T, key(1), live(1, 3)); // changes the entry taken back into the cache
        store.put(T, key(3), live(3, 1));
        store.flush();
        assertEquals(new Version(0, 3), new SerializedShardStateStore(bytes.copy(), new StateEntryCodec()).get(T, key(1)).version());
        assertEquals(3, store.liveCount());
    }

    @Test
    void aDeleteOfAKeyWaitingInTheBufferDropsItsPendingWrite() {
        RecordingBytes bytes = new RecordingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec(), 1, 100);
        store.put(T, key(1), live(1, 1));
        store.flush();
        store.put(T, key(1), live(1, 2));
        store.put(T, key(2), live(2, 1)); // key 1 waits in the buffer
        assertEquals(2, store.dirtyEntries());
        store.delete(T, key(1));
        assertEquals(1, store.dirtyEntries(), "key 1's pending write is gone");
        store.flush();
        assertNull(bytes.getEntry(new StateEntryCodec().encodeKey(T, key(1))), "neither the old nor the pending value survives");
        assertEquals(1, store.liveCount());
        assertNull(store.get(T, key(1)));
    }

    @Test
    void aBatchSizeBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SerializedShardStateStore(new HeapShardStateBytes(), new StateEntryCodec(), 4, 0));
    }

    private static StoredEntry live(long id, long version) {
        return StoredEntry.live(new Version(0, version), Row.of(ShardDeltaStateTest.ROW, id, version, "x" + version));
    }

    private static void assertSameBytes(RecordingBytes expected, RecordingBytes actual, String where) {
        assertEquals(expected.snapshot(), actual.snapshot(), where);
        assertEquals(expected.heap.tombstoneIndexSize(), actual.heap.tombstoneIndexSize(), where);
    }

    /** Heap bytes that record how entries are written (one by one or in batches) and check batches have distinct keys. */
    private static final class RecordingBytes implements ShardStateBytes {
        final HeapShardStateBytes heap;
        int reads;
        int singlePuts;
        int batches;
        final List<Integer> batchSizes = new ArrayList<>();

        RecordingBytes() {
            this(new HeapShardStateBytes());
        }

        private RecordingBytes(HeapShardStateBytes heap) {
            this.heap = heap;
        }

        /** A copy of the bytes (a restore) that goes on counting from this one's counts. */
        RecordingBytes copy() {
            RecordingBytes c = new RecordingBytes(heap.copy());
            c.singlePuts = singlePuts;
            c.batches = batches;
            return c;
        }

        /** Every entry, by key, as comparable values. */
        Map<ByteBuffer, ByteBuffer> snapshot() {
            Map<ByteBuffer, ByteBuffer> m = new HashMap<>();
            heap.forEachEntry((k, v) -> m.put(ByteBuffer.wrap(k.clone()), ByteBuffer.wrap(v.clone())));
            return m;
        }

        @Override public byte[] getEntry(byte[] k) { reads++; return heap.getEntry(k); }
        @Override public void putEntry(byte[] k, byte[] e) { singlePuts++; heap.putEntry(k, e); }

        @Override
        public void putEntries(List<byte[]> keys, List<byte[]> entries) {
            assertEquals(keys.size(), entries.size());
            assertTrue(!keys.isEmpty(), "no empty batches");
            Set<ByteBuffer> distinct = new HashSet<>();
            for (byte[] k : keys) {
                assertTrue(distinct.add(ByteBuffer.wrap(k)), "a batch names each key once");
            }
            batches++;
            batchSizes.add(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                heap.putEntry(keys.get(i), entries.get(i));
            }
        }

        @Override public void removeEntry(byte[] k) { heap.removeEntry(k); }
        @Override public boolean hasNoEntries() { return heap.hasNoEntries(); }
        @Override public void forEachEntry(BiConsumer<byte[], byte[]> v) { heap.forEachEntry(v); }
        @Override public void addTombstoneIndex(long at, byte[] k) { heap.addTombstoneIndex(at, k); }
        @Override public void pollTombstoneIndexBefore(long t, Consumer<byte[]> e) { heap.pollTombstoneIndexBefore(t, e); }
        @Override public byte[] getSchema(long id) { return heap.getSchema(id); }
        @Override public void putSchema(long id, byte[] d) { heap.putSchema(id, d); }
    }
}
