package io.snapdelta.shard;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A heap {@link ShardStateStore}: an open-addressing table (linear probing, backward-shift deletion) kept in
 * two parallel arrays, with a tombstone count kept on the side. A probe reads one primitive array: per slot
 * two longs, the key's shape (table and key schema, numbered by the store), flags and the owner's mark in
 * one, and the common single integer key's value (other keys: their hash) in the other, so a look-up
 * compares a key without touching any object; the key row and entry sit side by side in an object array,
 * read once the slot is known. No allocation per new key (no slot object, map node or {@link TableKey}),
 * none per read or overwrite.
 *
 * <p>The slot of the last {@link #get} is remembered, found or empty: the producer reads a key and then
 * writes the same key, and that write replaces the slot's entry or fills the empty slot without a second
 * probe (only when the write passes the very same table and key objects as the read).
 */
public final class InMemoryShardStateStore implements ShardStateStore {
    private static final int MIN_CAPACITY = 16;
    /** Bits of a mark's number, and of its epoch ({@link #markLast}). */
    static final int MARK_BITS = 20;
    static final int MARK_EPOCH_BITS = 31 - MARK_BITS;

    /** In a slot's first word: the entry is a tombstone (a scan of the live keys does not read the entries). */
    private static final long TOMBSTONE = 1L << 31;
    /** In a slot's first word: the key is one non-null integer, whose value is the slot's second word. */
    private static final long LONG_KEY = 1L << 30;
    private static final int SHAPE_MASK = (1 << 30) - 1;
    /** A slot's first word without its mark and tombstone flag: what identifies the key's shape. */
    private static final long KEY_BITS = LONG_KEY | SHAPE_MASK;

    /**
     * Per slot {@code i}: {@code words[2i]} = the owner's mark ({@link #markLast}) in the high 32 bits, then
     * {@link #TOMBSTONE}, {@link #LONG_KEY} and the key's shape (at least 1) in the low 30; 0 for an empty
     * slot. {@code words[2i + 1]} = the single integer key's value, or for other keys their hash. Power-of-two
     * slot count, at most 5/8 full.
     */
    private long[] words = new long[2 * MIN_CAPACITY];
    /** Per used slot {@code i}: {@code refs[2i]} the key row, {@code refs[2i + 1]} its entry; null when empty. */
    private Object[] refs = new Object[2 * MIN_CAPACITY];
    /** 32 - log2(capacity): a key's home slot is the top bits of its mixed hash. */
    private int shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    private int size;
    private long tombstones;

    /** The shapes: (table, key schema) pairs by equality, numbered from 1; their tables and table hashes. */
    private final Map<TableShape, Integer> shapeIds = new HashMap<>();
    private TableId[] shapeTables = new TableId[8];
    private int[] shapeTableHashes = new int[8];
    /** The first (table, schema) objects numbered, compared by identity before the map is asked. */
    private static final int IDENTITY_SHAPES = 16;
    private final TableId[] identityTables = new TableId[IDENTITY_SHAPES];
    private final RowSchema[] identitySchemas = new RowSchema[IDENTITY_SHAPES];
    private final int[] identityShapes = new int[IDENTITY_SHAPES];
    private int identityCount;

    private record TableShape(TableId table, RowSchema keySchema) {
    }

    private TableId lastTable;
    private Row lastKey;
    /** The slot the last probe found for ({@link #lastTable}, {@link #lastKey}), used or empty; -1 if invalidated. */
    private int lastIndex = -1;
    /** The last probe's slot words: what an insert of its key writes. */
    private long probeWord;
    private long probeValue;

    /** The shape number of (table, key schema). */
    private int shapeOf(TableId table, RowSchema schema) {
        int known = identityShape(table, schema);
        if (known != 0) {
            return known;
        }
        int n = identityCount;
        TableShape k = new TableShape(table, schema);
        Integer id = shapeIds.get(k);
        if (id == null) {
            id = shapeIds.size() + 1;
            if (id > SHAPE_MASK) {
                throw new IllegalStateException("a heap shard store holds at most " + SHAPE_MASK + " (table, key schema) pairs");
            }
            shapeIds.put(k, id);
            if (id == shapeTables.length) {
                shapeTables = Arrays.copyOf(shapeTables, id * 2);
                shapeTableHashes = Arrays.copyOf(shapeTableHashes, id * 2);
            }
            shapeTables[id] = table;
            shapeTableHashes[id] = table.hashCode();
        }
        if (n < IDENTITY_SHAPES) {
            identityTables[n] = table;
            identitySchemas[n] = schema;
            identityShapes[n] = id;
            identityCount = n + 1;
        }
        return id;
    }

    /** The hash of a single integer key {@code value} of shape {@code shape} (its home slot's source). */
    private static int longHash(int shape, long value) {
        return (int) (value ^ (value >>> 32)) + shape * 0x61C88647;
    }

    /** The hash of slot {@code i}'s key, from its words. */
    private static int hashOf(long[] w, int i) {
        long x = w[2 * i];
        return (x & LONG_KEY) != 0 ? longHash((int) x & SHAPE_MASK, w[2 * i + 1]) : (int) w[2 * i + 1];
    }

    /**
     * The index of the key's slot, or of the empty slot where it would go; sets {@link #probeWord} and
     * {@link #probeValue} to the key's slot words.
     */
    private int find(TableId table, Row key) {
        int shape = shapeOf(table, key.schema());
        long[] w = words;
        int mask = (w.length >>> 1) - 1;
        if (key.size() == 1 && key.get(0) instanceof Long l) {
            // The common single integer key: compared by shape and value, without reading any slot's key row.
            long v = l;
            long word = LONG_KEY | shape;
            probeWord = word;
            probeValue = v;
            for (int i = OpenSlots.homeOf(longHash(shape, v), shift); ; i = (i + 1) & mask) {
                long x = w[2 * i];
                if (x == 0 || (x & KEY_BITS) == word && w[2 * i + 1] == v) {
                    return i;
                }
            }
        }
        int hash = 31 * shapeTableHashes[shape] + key.hashCode();
        long word = shape;
        probeWord = word;
        probeValue = hash;
        for (int i = OpenSlots.homeOf(hash, shift); ; i = (i + 1) & mask) {
            long x = w[2 * i];
            if (x == 0) {
                return i;
            }
            if ((x & KEY_BITS) == word && w[2 * i + 1] == hash) {
                Row k = (Row) refs[2 * i];
                if (k == key || k.equals(key)) {
                    return i;
                }
            }
        }
    }

    /**
     * The home slot of a single integer key of a shape this store has numbered, else -1 (other keys are not
     * looked ahead: their hash reads the key row's values). Numbers no shape: a look-ahead of a table the store
     * has not seen yet must not move the keys of tables it sees later to other slots.
     */
    int homeSlotOf(TableId table, Row key) {
        if (key.size() != 1 || !(key.get(0) instanceof Long l)) {
            return -1;
        }
        int shape = knownShape(table, key.schema());
        return shape == 0 ? -1 : OpenSlots.homeOf(longHash(shape, l), shift);
    }

    /**
     * {@link ShardLookAhead}'s middle stage: reads the first word of home slot {@code homes[k]} of each
     * {@code stores[k]} ({@code k < n}) and puts the slot's entry (or null) in {@code entries[k]}, in one short
     * loop whose loads do not depend on one another, so that their cache misses overlap. The home slots must be
     * taken by {@link #homeSlotOf} with no change to the stores in between. Returns the sum of the
     * words read (meaningless; the caller keeps it so that the reads are not dropped).
     */
    static long readHomeSlots(InMemoryShardStateStore[] stores, int[] homes, int n, Object[] entries) {
        long sum = 0;
        for (int k = 0; k < n; k++) {
            InMemoryShardStateStore s = stores[k];
            int home = homes[k];
            sum += s.words[2 * home];
            entries[k] = s.refs[2 * home + 1];
        }
        return sum;
    }

    /** The shape number of (table, key schema) if this store has numbered it, else 0; numbers nothing. */
    private int knownShape(TableId table, RowSchema schema) {
        int known = identityShape(table, schema);
        if (known != 0) {
            return known;
        }
        Integer id = shapeIds.get(new TableShape(table, schema));
        return id == null ? 0 : id;
    }

    /** The shape number of these very (table, key schema) objects if they are among the first numbered, else 0. */
    private int identityShape(TableId table, RowSchema schema) {
        int n = identityCount;
        for (int s = 0; s < n; s++) {
            if (identityTables[s] == table && identitySchemas[s] == schema) {
                return identityShapes[s];
            }
        }
        return 0;
    }

    @Override
    public StoredEntry get(TableId table, Row key) {
        int i = find(table, key);
        lastTable = table;
        lastKey = key;
        lastIndex = i;
        return (StoredEntry) refs[2 * i + 1];
    }

    @Override
    public void put(TableId table, Row key, StoredEntry entry) {
        boolean tombstone = entry.isTombstone();
        int i;
        if (lastIndex >= 0 && table == lastTable && key == lastKey) {
            i = lastIndex;
        } else {
            i = find(table, key);
            lastTable = table;
            lastKey = key;
            lastIndex = i;
        }
        Object[] r = refs;
        StoredEntry old = (StoredEntry) r[2 * i + 1];
        r[2 * i + 1] = entry;
        if (old == null) {
            words[2 * i] = probeWord | (tombstone ? TOMBSTONE : 0);
            words[2 * i + 1] = probeValue;
            r[2 * i] = key;
            if (++size > (r.length >>> 1) - (r.length >>> 3) - (r.length >>> 4)) {
                resize();
                lastIndex = find(table, key); // the key's slot in the new arrays (a mark of it needs no probe)
            }
        } else {
            if (old.isTombstone()) {
                tombstones--;
            }
            if (old.isTombstone() != tombstone) {
                words[2 * i] ^= TOMBSTONE;
            }
        }
        if (tombstone) {
            tombstones++;
        }
    }

    /**
     * The mark of the key the last {@link #get} found, if it was given one in {@code epoch} (after that get or
     * the put that added the key), else -1. {@link ShardDeltaState} marks each key its open batch touches with
     * the key's place in the batch and the batch's epoch, so it finds a touched key from the slot the store
     * look-up already loaded instead of probing a set of its own.
     */
    int lastMark(int epoch) {
        int i = lastIndex;
        if (i < 0) {
            return -1;
        }
        int m = (int) (words[2 * i] >>> 32); // 0 (no mark) for an empty slot
        return m >>> MARK_BITS == epoch ? m & ((1 << MARK_BITS) - 1) : -1;
    }

    /**
     * Marks the key of the last {@link #get} or {@link #put} (it must be present) with {@code mark} (below
     * 2^{@link #MARK_BITS}) in {@code epoch} (1 to 2^{@link #MARK_EPOCH_BITS} - 1).
     */
    void markLast(int epoch, int mark) {
        int i = lastIndex;
        words[2 * i] = words[2 * i] & 0xFFFF_FFFFL | (long) (epoch << MARK_BITS | mark) << 32;
    }

    /** Drops every mark (before epochs are reused). */
    void clearMarks() {
        long[] w = words;
        for (int i = 0; i < w.length; i += 2) {
            w[i] &= 0xFFFF_FFFFL;
        }
    }

    @Override
    public void delete(TableId table, Row key) {
        lastIndex = -1;
        int i = find(table, key);
        StoredEntry old = (StoredEntry) refs[2 * i + 1];
        if (old != null) {
            removeAt(i);
            if (old.isTombstone()) {
                tombstones--;
            }
        }
    }

    /**
     * Empties slot {@code gap}, shifting back the slots after it whose probe sequence passed it (as
     * {@link OpenSlots#removeAt}, over this table's parallel arrays).
     */
    private void removeAt(int gap) {
        long[] w = words;
        Object[] r = refs;
        int mask = (w.length >>> 1) - 1;
        for (int i = (gap + 1) & mask; w[2 * i] != 0; i = (i + 1) & mask) {
            int home = OpenSlots.homeOf(hashOf(w, i), shift);
            if (((i - home) & mask) >= ((i - gap) & mask)) {
                w[2 * gap] = w[2 * i];
                w[2 * gap + 1] = w[2 * i + 1];
                r[2 * gap] = r[2 * i];
                r[2 * gap + 1] = r[2 * i + 1];
                gap = i;
            }
        }
        w[2 * gap] = 0;
        w[2 * gap + 1] = 0;
        r[2 * gap] = null;
        r[2 * gap + 1] = null;
        size--;
    }

    private void resize() {
        int capacity = words.length; // twice the slots
        int toShift = shift - 1;
        long[] w = new long[2 * capacity];
        Object[] r = new Object[2 * capacity];
        int mask = capacity - 1;
        long[] from = words;
        Object[] fromRefs = refs;
        for (int j = 0; j < from.length >>> 1; j++) {
            long x = from[2 * j];
            if (x != 0) {
                int i = OpenSlots.homeOf(hashOf(from, j), toShift);
                while (w[2 * i] != 0) {
                    i = (i + 1) & mask;
                }
                w[2 * i] = x;
                w[2 * i + 1] = from[2 * j + 1];
                r[2 * i] = fromRefs[2 * j];
                r[2 * i + 1] = fromRefs[2 * j + 1];
            }
        }
        words = w;
        refs = r;
        shift = toShift;
    }

    private TableId tableOf(long word) {
        return shapeTables[(int) word & SHAPE_MASK];
    }

    @Override
    public int purgeTombstonesBefore(long olderThanMicros) {
        lastIndex = -1;
        List<TableKey> purge = new ArrayList<>();
        for (int i = 0; i < words.length >>> 1; i++) {
            if ((words[2 * i] & TOMBSTONE) != 0 && ((StoredEntry) refs[2 * i + 1]).deletedAtMicros() < olderThanMicros) {
                purge.add(new TableKey(tableOf(words[2 * i]), (Row) refs[2 * i]));
            }
        }
        // Removed one by one after the scan: a backward shift during the scan could move a slot behind it.
        for (TableKey p : purge) {
            removeAt(find(p.table(), p.key()));
        }
        tombstones -= purge.size();
        return purge.size();
    }

    @Override
    public void forEachLive(BiConsumer<TableKey, Row> visitor) {
        for (int i = 0; i < words.length >>> 1; i++) {
            long x = words[2 * i];
            if (x != 0 && (x & TOMBSTONE) == 0) {
                visitor.accept(new TableKey(tableOf(x), (Row) refs[2 * i]), ((StoredEntry) refs[2 * i + 1]).row());
            }
        }
    }

    /** Whether each shape's table is {@code table}, by shape number. */
    private boolean[] shapesOf(TableId table) {
        boolean[] of = new boolean[shapeIds.size() + 1];
        for (int s = 1; s < of.length; s++) {
            of[s] = shapeTables[s] == table || shapeTables[s].equals(table);
        }
        return of;
    }

    @Override
    public void forEachLiveKey(TableId table, java.util.function.Consumer<Row> visitor) {
        boolean[] of = shapesOf(table);
        for (int i = 0; i < words.length >>> 1; i++) {
            long x = words[2 * i];
            if (x != 0 && (x & TOMBSTONE) == 0 && of[(int) x & SHAPE_MASK]) {
                visitor.accept((Row) refs[2 * i]);
            }
        }
    }

    /**
     * One pass over the slot words that reads no key row and no entry: a single integer key's value and the
     * tombstone flag are in its slot's words, and the values sort as primitives. Falls back to the rows when
     * a key of the table has another shape.
     */
    @Override
    public HeldKeyIndex liveKeyIndex(TableId table) {
        boolean[] of = shapesOf(table);
        long[] values = new long[size];
        Row[] held = new Row[size];
        int n = 0;
        for (int i = 0; i < words.length >>> 1; i++) {
            long x = words[2 * i];
            if (x != 0 && (x & TOMBSTONE) == 0 && of[(int) x & SHAPE_MASK]) {
                if ((x & LONG_KEY) == 0) {
                    return ShardStateStore.super.liveKeyIndex(table);
                }
                values[n] = words[2 * i + 1];
                held[n++] = (Row) refs[2 * i];
            }
        }
        return HeldKeyIndex.ofIntegerKeys(values, held, n);
    }

    @Override
    public long liveCount() {
        return size - tombstones;
    }

    @Override
    public long tombstoneCount() {
        return tombstones;
    }
}
