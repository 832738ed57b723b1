package io.snapdelta.format;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
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
 * between batches and lookups within one, so the prefix counts are rebuilt at most once per batch. While
 * every key is one integer field (the common case) each block also keeps the keys as {@code long}s, so
 * searches compare primitives instead of unboxing every probed key. While, besides, every held key is known to
 * have one schema object ({@link #declareKeySchema}), the index keeps only those {@code long}s, not the key rows
 * ({@link #keepsRows}): a row, its value array and its boxed value are ~72 bytes and three objects per held key,
 * which on a 1M-account capture were 1,000,000 of the job's live rows, allocated over the snapshot part and copied
 * by every young collection until tenured (docs/benchmark-log.md "Session 21"). {@link #keyAt} then builds the key
 * from the value and the schema, and the first add of a key of another shape or schema object builds the rows of
 * every held key once and keeps rows from then on. Not thread-safe.
 */
public final class HeldKeyIndex {
    static final int MAX_BLOCK = 512;
    private static final int BUILD_BLOCK = MAX_BLOCK / 2;

    private final List<Row[]> blocks = new ArrayList<>();
    /** Each block's keys as longs, parallel to {@link #blocks}; null once a key is not one integer field. */
    private List<long[]> integers = new ArrayList<>();
    private int[] sizes = new int[8];
    /** prefix[i] = keys in blocks before i; valid when {@link #prefixValid}. */
    private long[] prefix = new long[0];
    private boolean prefixValid;
    /** lastInts[i] = the last (largest) key of block i while {@link #integers} is kept; valid with {@link #prefix}. */
    private long[] lastInts = new long[0];
    private long size;
    /**
     * The one schema object of every held key while that is known (null: not known), so that a search
     * that found a key's integer value need not read the held key's row to compare schemas: set by
     * {@link #declareKeySchema} and by an add to an empty index, cleared by an add of another schema object.
     */
    private RowSchema keySchema;
    /**
     * Whether {@link #blocks} holds the key rows; false while only {@link #integers} and {@link #keySchema} are
     * kept (each entry of {@link #blocks} is then null, a place holder for the block's count).
     */
    private boolean rowsKept = true;

    private HeldKeyIndex() {
    }

    /**
     * Declares that every key held now has schema object {@code schema} (the caller followed the keys it
     * built this index from); adds keep track from then on. While every held key is also one integer field,
     * the index stops keeping the key rows ({@link #keepsRows}). A wrong declaration makes {@link #rankOf} find
     * an integer key of equal value and this schema held when the held key has another schema, and
     * {@link #keyAt} return a key of this schema.
     */
    public void declareKeySchema(RowSchema schema) {
        keySchema = schema;
        if (schema != null && integers != null && rowsKept) {
            Collections.fill(blocks, null);
            rowsKept = false;
        }
    }

    /** Whether the index holds the key rows, or only their integer values and one schema (see the class comment). */
    public boolean keepsRows() {
        return rowsKept;
    }

    /** Builds the rows of every held key (all one integer field of schema {@link #keySchema}) and keeps rows from now on. */
    private void keepRows() {
        for (int b = 0; b < blocks.size(); b++) {
            long[] ints = integers.get(b);
            Row[] block = new Row[MAX_BLOCK];
            for (int i = 0; i < sizes[b]; i++) {
                block[i] = heldKey(ints[i]);
            }
            blocks.set(b, block);
        }
        rowsKept = true;
    }

    /** The held key of integer value {@code value} while rows are not kept. */
    private Row heldKey(long value) {
        return Row.wrapTrusted(keySchema, new Object[] {value});
    }

    /** An index of {@code keys} (distinct; any order). */
    public static HeldKeyIndex of(Collection<Row> keys) {
        Row[] rows = keys.toArray(new Row[0]);
        long[] values = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            Long v = integerOf(rows[i]);
            if (v == null) {
                Arrays.sort(rows, KeyOrder.INSTANCE);
                return build(rows, null);
            }
            values[i] = v;
        }
        return ofIntegerKeys(values, rows, rows.length);
    }

    /**
     * An index of {@code n} distinct keys (any order), each one integer field of schema {@code schema} (all one
     * schema object), given by their values alone: it keeps no key rows ({@link #keepsRows}).
     */
    public static HeldKeyIndex ofIntegerValues(long[] values, int n, RowSchema schema) {
        if (n == 0) {
            return of(List.of());
        }
        if (schema == null) {
            throw new IllegalArgumentException(n + " integer keys without a key schema");
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        HeldKeyIndex index = build(null, sorted);
        index.keySchema = schema;
        index.rowsKept = false;
        return index;
    }

    /**
     * An index of the first {@code n} of {@code keys} (distinct; any order), each one integer field whose
     * value is the same position of {@code values}: sorted as primitives, without touching the keys.
     */
    public static HeldKeyIndex ofIntegerKeys(long[] values, Row[] keys, int n) {
        boolean ascending = true;
        for (int i = 1; i < n && ascending; i++) {
            ascending = values[i - 1] < values[i];
        }
        if (ascending) { // e.g. keys logged batch by batch from a snapshot scan: no sort, no gather
            return build(Arrays.copyOf(keys, n), Arrays.copyOf(values, n));
        }
        int[] order = StableIndexSort.byLong(values, n);
        Row[] sortedKeys = new Row[n];
        long[] sortedValues = new long[n];
        for (int i = 0; i < n; i++) {
            sortedKeys[i] = keys[order[i]];
            sortedValues[i] = values[order[i]];
        }
        return build(sortedKeys, sortedValues);
    }

    /** {@code sorted} null: the keys are {@code sortedValues} alone, and the blocks get no rows (null place holders). */
    private static HeldKeyIndex build(Row[] sorted, long[] sortedValues) {
        HeldKeyIndex index = new HeldKeyIndex();
        int count = sorted != null ? sorted.length : sortedValues.length;
        for (int i = 1; i < count; i++) {
            boolean same = sortedValues != null ? sortedValues[i - 1] == sortedValues[i]
                    : KeyOrder.INSTANCE.compare(sorted[i - 1], sorted[i]) == 0;
            if (same) {
                throw new IllegalArgumentException("key " + (sorted != null ? sorted[i] : sortedValues[i]) + " is held twice");
            }
        }
        if (sortedValues == null) {
            index.integers = null;
        }
        for (int from = 0; from < count; from += BUILD_BLOCK) {
            int n = Math.min(BUILD_BLOCK, count - from);
            Row[] block = null;
            if (sorted != null) {
                block = new Row[MAX_BLOCK];
                System.arraycopy(sorted, from, block, 0, n);
            }
            int b = index.blocks.size();
            index.blocks.add(block);
            if (sortedValues != null) {
                long[] ints = new long[MAX_BLOCK];
                System.arraycopy(sortedValues, from, ints, 0, n);
                index.integers.add(ints);
            }
            index.growSizes(b + 1);
            index.sizes[b] = n;
        }
        index.size = count;
        return index;
    }

    /** The key's value when it is one non-null integer field, else null. */
    private static Long integerOf(Row key) {
        return key.size() == 1 && key.get(0) instanceof Long v ? v : null;
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
        if (blocks.isEmpty()) {
            return -1;
        }
        long[] p = prefix();
        Long v = integers != null ? integerOf(key) : null;
        if (!rowsKept) { // every held key is one integer field of schema keySchema
            if (v == null) {
                return -1;
            }
            int b = blockForLast(v);
            int at = Arrays.binarySearch(integers.get(b), 0, sizes[b], v);
            return at < 0 || (key.schema() != keySchema && !heldKey(v).equals(key)) ? -1 : p[b] + at;
        }
        int b = v != null ? blockForLast(v) : blockFor(key);
        Row[] block = blocks.get(b);
        int at = v != null ? Arrays.binarySearch(integers.get(b), 0, sizes[b], v)
                : Arrays.binarySearch(block, 0, sizes[b], key, KeyOrder.INSTANCE);
        return at < 0 || !sameKey(block[at], key, v != null) ? -1 : p[b] + at;
    }

    /**
     * Whether the held key found for {@code key} is exactly it. Two one-integer keys of equal value with one
     * (interned) schema object are equal without reading the held key's values: the held key was written
     * long before, and its value array and boxed value are cache misses; when every held key is known to
     * have {@code key}'s schema object ({@link #keySchema}) the held row is not read at all.
     */
    private boolean sameKey(Row held, Row key, boolean integerMatch) {
        return integerMatch && (key.schema() == keySchema || held.schema() == key.schema()) || held.equals(key);
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
        int at = (int) (rank - p[lo]);
        return rowsKept ? blocks.get(lo)[at] : heldKey(integers.get(lo)[at]);
    }

    /** Adds a key not held yet. */
    public void add(Row key) {
        Long v = integers != null ? integerOf(key) : null;
        if (!rowsKept && (v == null || (size > 0 && key.schema() != keySchema))) {
            keepRows(); // the held keys stop being one integer field of one schema object
        }
        if (integers != null && v == null) {
            integers = null; // a key of another shape: from now on every search compares rows
        }
        if (size == 0) {
            keySchema = key.schema();
        } else if (keySchema != key.schema()) {
            keySchema = null;
        }
        if (blocks.isEmpty()) {
            blocks.add(rowsKept ? new Row[MAX_BLOCK] : null);
            if (integers != null) {
                integers.add(new long[MAX_BLOCK]);
            }
            growSizes(1);
            sizes[0] = 0;
        }
        int b = v != null ? blockFor(v) : blockFor(key);
        int n = sizes[b];
        int at = v != null ? Arrays.binarySearch(integers.get(b), 0, n, v)
                : Arrays.binarySearch(blocks.get(b), 0, n, key, KeyOrder.INSTANCE);
        if (at >= 0) {
            throw new IllegalArgumentException("key " + key + " is already held");
        }
        at = -at - 1;
        if (n == MAX_BLOCK) { // split in halves, then insert into the half the key belongs to
            split(b);
            if (at > MAX_BLOCK / 2) {
                b++;
                at -= MAX_BLOCK / 2;
            }
            n = sizes[b];
        }
        if (rowsKept) {
            Row[] block = blocks.get(b);
            System.arraycopy(block, at, block, at + 1, n - at);
            block[at] = key;
        }
        if (integers != null) {
            long[] ints = integers.get(b);
            System.arraycopy(ints, at, ints, at + 1, n - at);
            ints[at] = v;
        }
        sizes[b] = n + 1;
        size++;
        prefixValid = false;
    }

    /** Removes a held key. */
    public void remove(Row key) {
        long rank = rankOf(key);
        if (rank < 0) {
            throw new IllegalArgumentException("key " + key + " is not held");
        }
        long[] p = prefix();
        Long v = integers != null ? integerOf(key) : null;
        int b = v != null ? blockFor(v) : blockFor(key);
        int at = (int) (rank - p[b]);
        int n = sizes[b];
        if (rowsKept) {
            Row[] block = blocks.get(b);
            System.arraycopy(block, at + 1, block, at, n - at - 1);
            block[n - 1] = null;
        }
        if (integers != null) {
            long[] ints = integers.get(b);
            System.arraycopy(ints, at + 1, ints, at, n - at - 1);
        }
        if (n == 1) {
            blocks.remove(b);
            if (integers != null) {
                integers.remove(b);
            }
            System.arraycopy(sizes, b + 1, sizes, b, blocks.size() - b);
        } else {
            sizes[b] = n - 1;
        }
        size--;
        prefixValid = false;
    }

    private void split(int b) {
        int half = MAX_BLOCK / 2;
        if (rowsKept) {
            Row[] block = blocks.get(b);
            Row[] upper = new Row[MAX_BLOCK];
            System.arraycopy(block, half, upper, 0, MAX_BLOCK - half);
            Arrays.fill(block, half, MAX_BLOCK, null);
            blocks.add(b + 1, upper);
        } else {
            blocks.add(b + 1, null);
        }
        if (integers != null) {
            long[] upperInts = new long[MAX_BLOCK];
            System.arraycopy(integers.get(b), half, upperInts, 0, MAX_BLOCK - half);
            integers.add(b + 1, upperInts);
        }
        growSizes(blocks.size());
        System.arraycopy(sizes, b + 1, sizes, b + 2, blocks.size() - b - 2);
        sizes[b] = half;
        sizes[b + 1] = MAX_BLOCK - half;
    }

    private void growSizes(int blockCount) {
        if (sizes.length < blockCount) {
            sizes = Arrays.copyOf(sizes, Math.max(blockCount, sizes.length * 2));
        }
    }

    /** The block that would hold {@code key}: the first whose last key is >= key (else the last block). */
    private int blockFor(Row key) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (KeyOrder.INSTANCE.compare(blocks.get(mid)[sizes[mid] - 1], key) >= 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** As {@link #blockFor(Row)} for an integer key while the index keeps longs. */
    private int blockFor(long key) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (integers.get(mid)[sizes[mid] - 1] >= key) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * As {@link #blockFor(long)}, searching {@link #lastInts} (valid with {@link #prefix()}): one small array
     * instead of the last word of every probed block, each in its own cache lines.
     */
    private int blockForLast(long key) {
        long[] last = lastInts;
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (last[mid] >= key) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The prefix counts, and {@link #lastInts} while the index keeps longs; rebuilt after a change. */
    private long[] prefix() {
        if (!prefixValid) {
            if (prefix.length < blocks.size()) {
                prefix = new long[Math.max(blocks.size(), prefix.length * 2)];
            }
            long sum = 0;
            for (int i = 0; i < blocks.size(); i++) {
                prefix[i] = sum;
                sum += sizes[i];
            }
            if (integers != null) {
                if (lastInts.length < blocks.size()) {
                    lastInts = new long[prefix.length];
                }
                for (int i = 0; i < blocks.size(); i++) {
                    lastInts[i] = integers.get(i)[sizes[i] - 1];
                }
            }
            prefixValid = true;
        }
        return prefix;
    }
}
