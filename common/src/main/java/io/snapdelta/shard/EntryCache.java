package io.snapdelta.shard;

import java.util.Arrays;

/**
 * The decoded-entry cache of a {@link SerializedShardStateStore}: at most {@code capacity} entries by
 * {@link TableKey}, in an open-addressing table (linear probing; each slot's key hash kept in an {@code int[]},
 * so a probe compares ints in one array before it follows a pointer) with CLOCK eviction over the resident
 * entries: a hit sets the entry's reference bit, and eviction sweeps the ring, clearing set bits, until it finds
 * an entry not used since the hand last passed it.
 *
 * <p>Why not an access-ordered {@code LinkedHashMap}: most keys of a change stream are read once per batch
 * (an account row, an insert), a few are hot (a branch or teller row). The linked map relinked two list nodes
 * on every hit and allocated and unlinked a node per miss; and because it kept a key read once ahead of a hot
 * key not touched for a while, one burst of cold keys flushed the hot ones out. Here a new entry starts without
 * its reference bit, so a key read once is the first to go, and a hit costs one store.
 *
 * <p>Deterministic (no time, no randomness): the same calls evict the same entries. Not thread-safe.
 */
final class EntryCache {
    /** Told about each entry the cache drops to make room, before it is gone. */
    interface Evictions {
        void evicted(Slot slot);
    }

    /** A cached entry; the store keeps its own fields in it (entry, dirty flag, encoded key). */
    static final class Slot {
        final TableKey key;
        StoredEntry entry;
        boolean dirty;
        /** The key's encoding once it has been needed (a read on a miss, a write-back), else null. */
        byte[] keyBytes;
        private boolean referenced;
        private int ringIndex;

        Slot(TableKey key, StoredEntry entry, boolean dirty, byte[] keyBytes) {
            this.key = key;
            this.entry = entry;
            this.dirty = dirty;
            this.keyBytes = keyBytes;
        }

        /** Marks the slot used, as a {@link EntryCache#get} hit does, for a caller that kept the slot at hand. */
        void markUsed() {
            referenced = true;
        }
    }

    private final int capacity;
    private final Evictions evictions;
    private final Slot[] table;
    private final int[] hashes;
    private final int shift;
    /** The resident slots; {@code ring[0, size)} are in use. */
    private final Slot[] ring;
    private int size;
    private int hand;

    EntryCache(int capacity, Evictions evictions) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.evictions = evictions;
        int bits = 32 - Integer.numberOfLeadingZeros(2 * capacity - 1); // table at most half full
        table = new Slot[1 << bits];
        hashes = new int[1 << bits];
        shift = 32 - bits;
        ring = new Slot[capacity];
    }

    int size() {
        return size;
    }

    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** The cached slot of {@code key} (marked used), or null. */
    Slot get(TableKey key) {
        int h = key.hashCode();
        int mask = table.length - 1;
        for (int i = home(h); ; i = (i + 1) & mask) {
            Slot s = table[i];
            if (s == null) {
                return null;
            }
            if (hashes[i] == h && s.key.equals(key)) {
                s.referenced = true;
                return s;
            }
        }
    }

    /**
     * Adds a slot for a key not in the cache; when full, first evicts one entry ({@link Evictions#evicted}).
     * The new slot is not marked used: a key read once goes before the keys read again since they came in.
     */
    void add(Slot slot) {
        if (size == capacity) {
            Slot victim;
            while ((victim = ring[hand]).referenced) {
                victim.referenced = false;
                hand = hand + 1 == capacity ? 0 : hand + 1;
            }
            evictions.evicted(victim);
            removeFromTable(victim);
            ring[hand] = slot;
            slot.ringIndex = hand;
            hand = hand + 1 == capacity ? 0 : hand + 1;
        } else {
            ring[size] = slot;
            slot.ringIndex = size++;
        }
        int h = slot.key.hashCode();
        int mask = table.length - 1;
        int i = home(h);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
        hashes[i] = h;
    }

    /** Removes {@code key}'s slot, if cached, and returns it (no eviction callback). */
    Slot remove(TableKey key) {
        Slot s = get(key);
        if (s == null) {
            return null;
        }
        removeFromTable(s);
        int last = --size;
        if (s.ringIndex != last) {
            Slot moved = ring[last];
            ring[s.ringIndex] = moved;
            moved.ringIndex = s.ringIndex;
        }
        ring[last] = null;
        return s;
    }

    void clear() {
        Arrays.fill(table, null);
        Arrays.fill(ring, null);
        size = 0;
        hand = 0;
    }

    /** Unlinks {@code slot} from the hash table, shifting later entries of its probe run back (no tombstones). */
    private void removeFromTable(Slot slot) {
        int mask = table.length - 1;
        int i = home(slot.key.hashCode());
        while (table[i] != slot) {
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            int want = home(hashes[j]);
            // Move j into the hole unless its home lies cyclically in (hole, j]: then it is reachable as it is.
            boolean reachable = hole <= j ? hole < want && want <= j : hole < want || want <= j;
            if (!reachable) {
                table[hole] = table[j];
                hashes[hole] = hashes[j];
                hole = j;
            }
        }
        table[hole] = null;
    }
}
