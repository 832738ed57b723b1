package io.snapdelta.shard;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A heap {@link ShardStateStore}: an open-addressing table (linear probing, backward-shift deletion) of one
 * mutable slot per key that carries the table, key, key hash and entry, with a tombstone count kept on the
 * side. One allocation per new key (no map node or {@link TableKey}), none per read or overwrite.
 *
 * <p>The slot of the last {@link #get} is remembered: the producer reads a key and then writes the same key,
 * and that write replaces the slot's entry without a second probe (only when the write passes the very same
 * table and key objects as the read).
 */
public final class InMemoryShardStateStore implements ShardStateStore {
    private static final class Slot {
        final TableId table;
        final Row key;
        final int hash;
        /** The key's schema and, for a single non-null integer key, its value: compared without reading the key row. */
        final RowSchema keySchema;
        final long longKey;
        final boolean longKeyed;
        StoredEntry entry;
        /** {@code entry.isTombstone()}, kept beside it so a scan of the live keys does not read the entries. */
        boolean tombstone;
        /**
         * The owner's mark ({@link #markLast}): its epoch in the top {@link #MARK_EPOCH_BITS} bits below the sign,
         * its number in the low {@link #MARK_BITS}; 0 none. One int, so the slot stays 48 bytes.
         */
        int mark;

        Slot(TableId table, Row key, int hash, StoredEntry entry) {
            this.table = table;
            this.key = key;
            this.hash = hash;
            set(entry);
            this.keySchema = key.schema();
            this.longKeyed = isLongKey(key);
            this.longKey = longKeyed ? (Long) key.get(0) : 0;
        }

        boolean holds(TableId t, Row k) {
            return key == k && table == t || table.equals(t) && key.equals(k);
        }

        void set(StoredEntry e) {
            entry = e;
            tombstone = e.isTombstone();
        }

        /** {@link #holds} for a single integer key {@code k} whose value is {@code v}. */
        boolean holdsLong(TableId t, Row k, long v) {
            return longKeyed && keySchema == k.schema() ? longKey == v && (table == t || table.equals(t)) : holds(t, k);
        }
    }

    private static boolean isLongKey(Row key) {
        return key.size() == 1 && key.get(0) instanceof Long;
    }

    private static final int MIN_CAPACITY = 16;
    /** Bits of a mark's number, and of its epoch ({@link #markLast}). */
    static final int MARK_BITS = 20;
    static final int MARK_EPOCH_BITS = 31 - MARK_BITS;

    /** Power-of-two slot array, at most 5/8 full; {@link #hashes} holds each used slot's key hash. */
    private Slot[] slots = new Slot[MIN_CAPACITY];
    private int[] hashes = new int[MIN_CAPACITY];
    /** 32 - log2(capacity): a key's home slot is the top bits of its mixed hash. */
    private int shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    private int size;
    private long tombstones;
    private TableId lastTable;
    private Row lastKey;
    /** The slot {@link #get} found for ({@link #lastTable}, {@link #lastKey}); null if absent or invalidated. */
    private Slot lastSlot;

    /** The index of the key's slot, or of the empty slot where it would go. */
    private int indexOf(TableId table, Row key, int hash) {
        Slot[] s = slots;
        int[] hs = hashes;
        int mask = s.length - 1;
        int i = OpenSlots.homeOf(hash, shift);
        if (isLongKey(key)) {
            // The common single integer key: a slot of the same key schema is compared by its cached value,
            // so a probe does not follow the slot's key row to its boxed value (cache misses on a large state).
            long v = (Long) key.get(0);
            for (Slot x; (x = s[i]) != null; i = (i + 1) & mask) {
                if (hs[i] == hash && x.holdsLong(table, key, v)) {
                    return i;
                }
            }
            return i;
        }
        for (Slot x; (x = s[i]) != null; i = (i + 1) & mask) {
            if (hs[i] == hash && x.holds(table, key)) {
                return i;
            }
        }
        return i;
    }

    @Override
    public StoredEntry get(TableId table, Row key) {
        Slot s = slots[indexOf(table, key, TableKey.hashOf(table, key))];
        lastTable = table;
        lastKey = key;
        lastSlot = s;
        return s == null ? null : s.entry;
    }

    @Override
    public void put(TableId table, Row key, StoredEntry entry) {
        StoredEntry old;
        if (lastSlot != null && table == lastTable && key == lastKey) {
            old = lastSlot.entry;
            lastSlot.set(entry);
        } else {
            int hash = TableKey.hashOf(table, key);
            int i = indexOf(table, key, hash);
            Slot s = slots[i];
            if (s != null) {
                old = s.entry;
                s.set(entry);
            } else {
                old = null;
                s = new Slot(table, key, hash, entry);
                slots[i] = s;
                hashes[i] = hash;
                if (++size > slots.length - (slots.length >>> 2) - (slots.length >>> 3)) {
                    resize();
                }
            }
            // The key's slot (it keeps its object through a resize): a mark or a put of it needs no probe.
            lastTable = table;
            lastKey = key;
            lastSlot = s;
        }
        if (old != null && old.isTombstone()) {
            tombstones--;
        }
        if (entry.isTombstone()) {
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
        Slot s = lastSlot;
        return s != null && s.mark >>> MARK_BITS == epoch ? s.mark & ((1 << MARK_BITS) - 1) : -1;
    }

    /**
     * Marks the key of the last {@link #get} or {@link #put} (it must be present) with {@code mark} (below
     * 2^{@link #MARK_BITS}) in {@code epoch} (1 to 2^{@link #MARK_EPOCH_BITS} - 1).
     */
    void markLast(int epoch, int mark) {
        lastSlot.mark = epoch << MARK_BITS | mark;
    }

    /** Drops every mark (before epochs are reused). */
    void clearMarks() {
        for (Slot s : slots) {
            if (s != null) {
                s.mark = 0;
            }
        }
    }

    @Override
    public void delete(TableId table, Row key) {
        lastSlot = null;
        int i = indexOf(table, key, TableKey.hashOf(table, key));
        Slot old = slots[i];
        if (old != null) {
            removeAt(i);
            if (old.entry.isTombstone()) {
                tombstones--;
            }
        }
    }

    /** Empties slot {@code gap} ({@link OpenSlots#removeAt}). */
    private void removeAt(int gap) {
        OpenSlots.removeAt(slots, hashes, shift, gap);
        size--;
    }

    private void resize() {
        int capacity = slots.length * 2;
        Slot[] s = new Slot[capacity];
        int[] hs = new int[capacity];
        OpenSlots.rehash(slots, hashes, s, hs, shift - 1);
        slots = s;
        hashes = hs;
        shift--;
    }

    @Override
    public int purgeTombstonesBefore(long olderThanMicros) {
        lastSlot = null;
        List<Slot> purge = new ArrayList<>();
        for (Slot s : slots) {
            if (s != null && s.entry.isTombstone() && s.entry.deletedAtMicros() < olderThanMicros) {
                purge.add(s);
            }
        }
        // Removed one by one after the scan: a backward shift during the scan could move a slot behind it.
        for (Slot p : purge) {
            removeAt(indexOf(p.table, p.key, p.hash));
        }
        tombstones -= purge.size();
        return purge.size();
    }

    @Override
    public void forEachLive(BiConsumer<TableKey, Row> visitor) {
        for (Slot s : slots) {
            if (s != null && !s.entry.isTombstone()) {
                visitor.accept(new TableKey(s.table, s.key), s.entry.row());
            }
        }
    }

    @Override
    public void forEachLiveKey(TableId table, java.util.function.Consumer<Row> visitor) {
        for (Slot s : slots) {
            if (s != null && (s.table == table || s.table.equals(table)) && !s.entry.isTombstone()) {
                visitor.accept(s.key);
            }
        }
    }

    /**
     * One pass over the slots that reads no key row and no entry: a single integer key's value and the
     * tombstone flag are cached in its slot, and the values sort as primitives. Falls back to the rows when
     * a key of the table has another shape.
     */
    @Override
    public HeldKeyIndex liveKeyIndex(TableId table) {
        long[] values = new long[size];
        Row[] keys = new Row[size];
        int n = 0;
        for (Slot s : slots) {
            if (s != null && !s.tombstone && (s.table == table || s.table.equals(table))) {
                if (!s.longKeyed) {
                    return ShardStateStore.super.liveKeyIndex(table);
                }
                values[n] = s.longKey;
                keys[n++] = s.key;
            }
        }
        return HeldKeyIndex.ofIntegerKeys(values, keys, n);
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
