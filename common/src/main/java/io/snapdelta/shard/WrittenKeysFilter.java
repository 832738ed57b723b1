package io.snapdelta.shard;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys a shard's store has written to its {@link ShardStateBytes} since it began over bytes holding no
 * entry, as a Bloom filter: {@link #mightContain} false means the key was never written, so the bytes cannot
 * hold it and the store answers "absent" without reading them (on RocksDB a JNI get and a memtable and
 * file probe: a fifth to a quarter of the shard operator's CPU when every snapshot row and every insert of a
 * new key asked RocksDB for a row it did not have). A false positive only costs the read the filter would
 * have saved.
 *
 * <p>Split-block Bloom filter (the layout of Parquet's and Impala's): a key sets one bit in each of the eight
 * 32-bit words of one 256-bit block, so a check or an add touches one cache line. A filter cannot be
 * resized without its keys, so it grows by layers: when the newest layer has taken its capacity, a new one
 * four times larger is added and every layer is checked (about 10 bits per key, so ~1% false positives per
 * layer; a key already reported present is not added again, so a key written at every checkpoint counts once).
 * Hand-written rather than Guava's {@code BloomFilter}, which the Flink-free core does not otherwise need and
 * which grows neither.
 *
 * <p>Keys are given by their {@link TableKey} hash (32 bits, which the store already has on every lookup): two
 * keys with one hash share their bits, which again only costs a read.
 */
final class WrittenKeysFilter {
    /** The SBBF salts (odd constants), as in Parquet's {@code BlockSplitBloomFilter}. */
    private static final int[] SALT = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d,
            0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31};
    private static final int WORDS_PER_BLOCK = 8;
    /** ~10 bits per key: a 256-bit block per 25 keys. */
    private static final int KEYS_PER_BLOCK = 25;
    static final int FIRST_LAYER_KEYS = 4096;
    private static final int GROWTH = 4;
    private static final int MAX_LAYER_KEYS = 1 << 28;

    /** Layers, oldest (smallest) first; each an array of blocks of {@value #WORDS_PER_BLOCK} words. */
    private final List<int[]> layers = new ArrayList<>();
    private int[] newest;
    private int newestCapacity;
    private int newestKeys;
    private long keys;

    WrittenKeysFilter() {
        addLayer(FIRST_LAYER_KEYS);
    }

    /** False only if no key with this hash was {@link #add}ed. */
    boolean mightContain(int keyHash) {
        return mightContainMixed(mix(keyHash));
    }

    private boolean mightContainMixed(long h) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (test(layers.get(i), h)) {
                return true;
            }
        }
        return false;
    }

    /** Records a key written to the bytes. */
    void add(int keyHash) {
        long h = mix(keyHash); // once for the check and the set (every write-back of a row adds its key)
        if (mightContainMixed(h)) {
            return;
        }
        if (newestKeys >= newestCapacity) {
            addLayer((int) Math.min((long) newestCapacity * GROWTH, MAX_LAYER_KEYS));
        }
        set(newest, h);
        newestKeys++;
        keys++;
    }

    /** Keys added (a key reported present when it was added again is not counted twice). */
    long keys() {
        return keys;
    }

    /** Heap bytes of the bit arrays. */
    long sizeBytes() {
        long n = 0;
        for (int[] l : layers) {
            n += 4L * l.length;
        }
        return n;
    }

    private void addLayer(int capacity) {
        int blocks = Math.max(1, (capacity + KEYS_PER_BLOCK - 1) / KEYS_PER_BLOCK);
        newest = new int[blocks * WORDS_PER_BLOCK];
        newestCapacity = capacity;
        newestKeys = 0;
        layers.add(newest);
    }

    private static boolean test(int[] words, long h) {
        int base = blockOf(words, h);
        int k = (int) h;
        for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            if ((words[base + i] & (1 << ((k * SALT[i]) >>> 27))) == 0) {
                return false;
            }
        }
        return true;
    }

    private static void set(int[] words, long h) {
        int base = blockOf(words, h);
        int k = (int) h;
        for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            words[base + i] |= 1 << ((k * SALT[i]) >>> 27);
        }
    }

    /** The first word of h's block: the high 32 bits scaled to the block count (no modulo). */
    private static int blockOf(int[] words, long h) {
        long blocks = words.length / WORDS_PER_BLOCK;
        return (int) (((h >>> 32) * blocks) >>> 32) * WORDS_PER_BLOCK;
    }

    /** A 64-bit mix of the 32-bit hash (MurmurHash3's fmix64): key hashes of adjacent ids are adjacent ints. */
    private static long mix(int keyHash) {
        long h = keyHash;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
