package io.snapdelta.shard;

import static io.snapdelta.shard.ShardDeltaStateTest.T;
import static io.snapdelta.shard.ShardDeltaStateTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.Row;
import io.snapdelta.model.Version;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WrittenKeysFilter} and its use by {@link SerializedShardStateStore} ({@code shard.state.written-keys-filter}). */
class WrittenKeysFilterTest {

    @Test
    void everyAddedHashIsFoundThroughEveryGrowthAndFewOthersAre() {
        WrittenKeysFilter f = new WrittenKeysFilter();
        int n = 300_000; // several layers: 4096, 16384, 65536, 262144 keys
        SplittableRandom random = new SplittableRandom(7);
        int[] added = new int[n];
        for (int i = 0; i < n; i++) {
            added[i] = random.nextInt();
            f.add(added[i]);
        }
        for (int h : added) {
            assertTrue(f.mightContain(h), "no false negative");
        }
        // Sequential hashes (a table's keys 0..n-1 hash to neighbouring ints) as well as random ones.
        int falsePositives = 0;
        int probes = 200_000;
        for (int i = 0; i < probes; i++) {
            if (f.mightContain(random.nextInt())) {
                falsePositives++;
            }
        }
        // ~1-2% per layer over 4 layers; far from "everything looks present".
        assertTrue(falsePositives < probes / 10, "false positives " + falsePositives + " of " + probes);
        assertTrue(f.keys() <= n && f.keys() > n * 0.9, "keys counted once each (less the false positives): " + f.keys());
        assertTrue(f.sizeBytes() < 2L * n, "about 10 bits per key, got " + f.sizeBytes() + " bytes for " + n);
    }

    @Test
    void aKeyAddedAgainIsCountedOnce() {
        WrittenKeysFilter f = new WrittenKeysFilter();
        for (int round = 0; round < 50; round++) {
            for (int h = 0; h < 1000; h++) {
                f.add(h);
            }
        }
        assertTrue(f.keys() <= 1000, "a hot key written at every checkpoint does not grow the filter: " + f.keys());
        for (int h = 0; h < 1000; h++) {
            assertTrue(f.mightContain(h));
        }
        assertFalse(f.mightContain(1_000_000_007) && f.mightContain(-5) && f.mightContain(123_456_789),
                "a filter of 1000 keys does not claim three unrelated ones");
    }

    @Test
    void aStoreOverEmptyBytesReadsNoKeyItNeverWroteAndEveryKeyItDid() {
        CountingBytes bytes = new CountingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec(), 2, 1, true);
        assertTrue(store.filtersWrittenKeys());
        for (int id = 0; id < 100; id++) {
            Row k = key(id); // one key object for the get and the put, as ShardDeltaState does
            assertNull(store.get(T, k));
            store.put(T, k, live(id, 1)); // a cache of 2: an older key is evicted and written now
        }
        assertEquals(0, bytes.reads, "100 new keys, no read of the bytes");
        assertEquals(100, store.readsSkipped());
        for (int id = 0; id < 98; id++) {
            assertEquals(new Version(0, 1), store.get(T, key(id)).version(), "written key " + id + " is read back");
        }
        assertEquals(98, bytes.reads, "every evicted (written) key is read from the bytes");
        assertEquals(98, store.reads(), "the store counts the reads it makes");
        assertEquals(0, store.cacheHits(), "no key was looked up while cached");
        assertEquals(new Version(0, 1), store.get(T, key(97)).version());
        assertEquals(1, store.cacheHits(), "the last key read is cached: an equal key is a hit");
        assertEquals(98, store.reads());
        store.delete(T, key(5));
        assertNull(store.get(T, key(5)));
        assertNull(store.get(T, key(1000)), "never written");
        store.flush();
        SerializedShardStateStore restored = new SerializedShardStateStore(bytes, new StateEntryCodec(), 2, 1, true);
        assertFalse(restored.filtersWrittenKeys(), "over restored rows the filter is off: their keys are not known");
        int reads = bytes.reads;
        assertNull(restored.get(T, key(1000)));
        assertEquals(reads + 1, bytes.reads, "without the filter a miss reads the bytes");
        assertEquals(new Version(0, 1), restored.get(T, key(99)).version());
    }

    @Test
    void aRestoredStoreRebuildsItsFilterFromTheStoredKeysTombstonesIncluded() {
        CountingBytes bytes = new CountingBytes();
        SerializedShardStateStore first = new SerializedShardStateStore(bytes, new StateEntryCodec(), 4, 2, true);
        for (int id = 0; id < 50; id++) {
            Row k = key(id);
            first.get(T, k);
            first.put(T, k, id % 5 == 0 ? StoredEntry.tombstone(new Version(0, 2), 1_000L) : live(id, 1));
        }
        first.flush();
        SerializedShardStateStore restored = new SerializedShardStateStore(bytes, new StateEntryCodec(), 4, 2, true);
        assertFalse(restored.filtersWrittenKeys());
        assertEquals(50, restored.rebuildWrittenKeysFilter(), "one key per stored entry");
        assertTrue(restored.filtersWrittenKeys());
        assertEquals(0, restored.rebuildWrittenKeysFilter(), "already on");
        int reads = bytes.reads;
        for (int id = 50; id < 150; id++) {
            assertNull(restored.get(T, key(id)));
        }
        assertTrue(bytes.reads - reads <= 10, "new keys are answered by the filter (a few false positives read): "
                + (bytes.reads - reads) + " reads for 100 new keys");
        for (int id = 0; id < 50; id++) {
            StoredEntry e = restored.get(T, key(id));
            assertEquals(id % 5 == 0, e.isTombstone(), "key " + id + " is found as it was stored, a tombstone too");
        }
    }

    @Test
    void theFilterIsOffUnlessAskedFor() {
        CountingBytes bytes = new CountingBytes();
        SerializedShardStateStore store = new SerializedShardStateStore(bytes, new StateEntryCodec(), 2, 1);
        assertFalse(store.filtersWrittenKeys());
        assertNull(store.get(T, key(1)));
        assertEquals(1, bytes.reads);
        assertEquals(0, store.readsSkipped());
    }

    private static StoredEntry live(long id, long version) {
        return StoredEntry.live(new Version(0, version), Row.of(ShardDeltaStateTest.ROW, id, version, "x" + version));
    }

    /** Heap bytes that count entry reads. */
    private static final class CountingBytes implements ShardStateBytes {
        final HeapShardStateBytes heap = new HeapShardStateBytes();
        int reads;

        @Override public byte[] getEntry(byte[] k) { reads++; return heap.getEntry(k); }
        @Override public void putEntry(byte[] k, byte[] e) { heap.putEntry(k, e); }
        @Override public void removeEntry(byte[] k) { heap.removeEntry(k); }
        @Override public boolean hasNoEntries() { return heap.hasNoEntries(); }
        @Override public void forEachEntry(java.util.function.BiConsumer<byte[], byte[]> v) { heap.forEachEntry(v); }
        @Override public void addTombstoneIndex(long at, byte[] k) { heap.addTombstoneIndex(at, k); }
        @Override public void pollTombstoneIndexBefore(long t, java.util.function.Consumer<byte[]> e) { heap.pollTombstoneIndexBefore(t, e); }
        @Override public byte[] getSchema(long id) { return heap.getSchema(id); }
        @Override public void putSchema(long id, byte[] d) { heap.putSchema(id, d); }
    }
}
