package io.snapdelta.format;

import io.snapdelta.model.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The keys of one table that a receiver holds, in {@link KeyOrder}, with order statistics: the rank of a
 * held key ({@link #rankOf}) and the key at a rank ({@link #keyAt}), both O(log n). Format v3 codes the
 * keys of updates and deletes in sorted sections as ranks among these keys (spec v3 §3): both ends hold the
 * same set, so a rank names a key, and the gaps between the ranks of a batch's sorted keys are smaller than
 * the gaps between the keys themselves by the share of the key space the shard does not hold (for dense
 * integer keys spread over S shards, log2(S) bits a key).
 *
 * <p>Kept as sorted blocks of at most {@value #MAX_BLOCK} keys with lazily recomputed prefix counts: an add
 * or remove shifts one block; a rank or a select binary-searches the blocks, then one block. Changes arrive
 * between batches and lookups within one, so the prefix counts are rebuilt at most once per batch. Not
 * thread-safe.
 */
public final class HeldKeyIndex {
    static final int MAX_BLOCK = 512;
    private static final int BUILD_BLOCK = MAX_BLOCK / 2;

    private final List<Row[]> blocks = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    /** prefix[i] = keys in blocks before i; valid when {@link #prefixValid}. */
    private long[] prefix = new long[0];
    private boolean prefixValid;
    private long size;

    private HeldKeyIndex() {
    }

    /** An index of {@code keys} (distinct; any order). */
    public static HeldKeyIndex of(Collection<Row> keys) {
        Row[] sorted = keys.toArray(new Row[0]);
        Arrays.sort(sorted, KeyOrder.INSTANCE);
        HeldKeyIndex index = new HeldKeyIndex();
        for (int i = 1; i < sorted.length; i++) {
            if (KeyOrder.INSTANCE.compare(sorted[i - 1], sorted[i]) == 0) {
                throw new IllegalArgumentException("key " + sorted[i] + " is held twice");
            }
        }
        for (int from = 0; from < sorted.length; from += BUILD_BLOCK) {
            int n = Math.min(BUILD_BLOCK, sorted.length - from);
            Row[] block = new Row[MAX_BLOCK];
            System.arraycopy(sorted, from, block, 0, n);
            index.blocks.add(block);
            index.sizes.add(n);
        }
        index.size = sorted.length;
        return index;
    }

    public long size() {
        return size;
    }

    /**
     * The rank of {@code key} (0 for the smallest held key), or -1 if it is not held: also when a held key
     * orders equal to it but is not equal to it (other field names or types, after a key schema change), so
     * that the key at the rank is always exactly {@code key}.
     */
    public long rankOf(Row key) {
        int b = blockOf(key);
        if (b < 0) {
            return -1;
        }
        Row[] block = blocks.get(b);
        int at = Arrays.binarySearch(block, 0, sizes.get(b), key, KeyOrder.INSTANCE);
        return at < 0 || !block[at].equals(key) ? -1 : prefix()[b] + at;
    }

    /** The key of rank {@code rank}, {@code 0 <= rank < size()}. */
    public Row keyAt(long rank) {
        if (rank < 0 || rank >= size) {
            throw new IndexOutOfBoundsException("rank " + rank + " of " + size + " held keys");
        }
        long[] p = prefix();
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) { // the last block whose prefix is <= rank
            int mid = (lo + hi + 1) >>> 1;
            if (p[mid] <= rank) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return blocks.get(lo)[(int) (rank - p[lo])];
    }

    /** Adds a key not held yet. */
    public void add(Row key) {
        if (blocks.isEmpty()) {
            blocks.add(new Row[MAX_BLOCK]);
            sizes.add(0);
        }
        int b = blockFor(key);
        Row[] block = blocks.get(b);
        int n = sizes.get(b);
        int at = Arrays.binarySearch(block, 0, n, key, KeyOrder.INSTANCE);
        if (at >= 0) {
            throw new IllegalArgumentException("key " + key + " is already held");
        }
        at = -at - 1;
        if (n == MAX_BLOCK) { // split in halves, then insert into the half the key belongs to
            Row[] upper = new Row[MAX_BLOCK];
            int half = MAX_BLOCK / 2;
            System.arraycopy(block, half, upper, 0, MAX_BLOCK - half);
            Arrays.fill(block, half, MAX_BLOCK, null);
            blocks.add(b + 1, upper);
            sizes.set(b, half);
            sizes.add(b + 1, MAX_BLOCK - half);
            if (at > half) {
                b++;
                at -= half;
                block = upper;
            }
            n = sizes.get(b);
        }
        System.arraycopy(block, at, block, at + 1, n - at);
        block[at] = key;
        sizes.set(b, n + 1);
        size++;
        prefixValid = false;
    }

    /** Removes a held key. */
    public void remove(Row key) {
        int b = blockOf(key);
        int at = b < 0 ? -1 : Arrays.binarySearch(blocks.get(b), 0, sizes.get(b), key, KeyOrder.INSTANCE);
        if (at < 0) {
            throw new IllegalArgumentException("key " + key + " is not held");
        }
        Row[] block = blocks.get(b);
        int n = sizes.get(b);
        System.arraycopy(block, at + 1, block, at, n - at - 1);
        block[n - 1] = null;
        if (n == 1) {
            blocks.remove(b);
            sizes.remove(b);
        } else {
            sizes.set(b, n - 1);
        }
        size--;
        prefixValid = false;
    }

    /** The block that would hold {@code key}: the first whose last key is >= key (else the last block). */
    private int blockFor(Row key) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (KeyOrder.INSTANCE.compare(blocks.get(mid)[sizes.get(mid) - 1], key) >= 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The block that holds {@code key} if any key is held, else -1. */
    private int blockOf(Row key) {
        return blocks.isEmpty() ? -1 : blockFor(key);
    }

    private long[] prefix() {
        if (!prefixValid) {
            if (prefix.length < blocks.size()) {
                prefix = new long[Math.max(blocks.size(), prefix.length * 2)];
            }
            long sum = 0;
            for (int i = 0; i < blocks.size(); i++) {
                prefix[i] = sum;
                sum += sizes.get(i);
            }
            prefixValid = true;
        }
        return prefix;
    }
}
