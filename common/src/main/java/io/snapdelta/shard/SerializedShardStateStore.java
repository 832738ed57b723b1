package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.shard.EntryCache.Slot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A {@link ShardStateStore} over {@link ShardStateBytes} (in the job: RocksDB keyed state of one shard).
 * Entries are encoded with {@link StateEntryCodec}; row schemas are stored once per shard by id. Tombstones
 * are also entered in a time-ordered index, so clean-up reads only the expired ones, never the whole shard.
 *
 * <p>The live and tombstone counts are kept here and carried by the caller's checkpoint
 * ({@link #counts()}/{@link #restoreCounts}): counting them from the store would be a full scan. To keep
 * them exact without an extra read per write, {@link #put} reuses what the preceding {@link #get} of the
 * same key found ({@link ShardDeltaState} always reads a key before writing it).
 *
 * <p>The decoded entries of up to {@code cacheEntries} keys (the job: {@code shard.state.cache-entries}) are kept on the heap ({@link EntryCache}: CLOCK
 * eviction, so keys used again outlast keys used once), so a hot key (a pgbench branch or teller row, changed
 * many times per batch) is read and decoded once, not on every change. The cache is keyed by {@link TableKey}
 * (hash computed once per lookup from the row's cached hash), so a hit encodes nothing; a key is encoded only to read the bytes on a miss, and that encoding is
 * kept with the cached entry for its write-back. The cache is write-back: a put changes the cached entry and marks it dirty; its bytes reach
 * {@link ShardStateBytes} when the key leaves the cache or at {@link #flush()}, so a hot key costs one
 * encode and one write per flush instead of one per change. The owner must call {@link #flush()} before
 * the bytes are snapshotted (the job: before each checkpoint barrier, in {@code prepareSnapshotPreBarrier}),
 * while the bytes are scoped to this shard; what was not flushed is lost with the heap on a failure, exactly
 * like everything else after the last checkpoint, and a restore builds this object afresh over the
 * checkpoint's bytes. Deletes, schemas and the tombstone index are written at once (they are rare); the
 * operations that read the bytes themselves (clean-up, {@link #forEachLive}) flush first.
 *
 * <p>With {@code writeBatchEntries} N > 1 (the job: {@code shard.state.write-batch-entries}) a dirty entry the
 * cache evicts is not written at once but parked in a pending buffer (by {@link TableKey}), which is written with
 * one {@link ShardStateBytes#putEntries} when it holds N entries and at {@link #flush()} (together with every
 * dirty cached entry): on RocksDB one write batch costs far less per entry than one put each, and with a
 * working set larger than the cache almost every change evicts one dirty entry. A key is either cached or
 * pending, never both: a get or put of a pending key takes its entry back into the cache (still dirty), so it is
 * never read from the bytes' older value, and a delete drops it, so no pending put lands after the delete.
 *
 * <p>With {@code filterWrittenKeys} (the job: {@code shard.state.written-keys-filter}) a store that begins over
 * bytes holding no entry (a fresh start, or a shard no checkpoint had written) remembers every key it writes to
 * them in a {@link WrittenKeysFilter}: a key neither cached, pending nor ever written is absent without a read
 * of the bytes (every snapshot row, every insert of a new key). A store over restored entries does without.
 */
public final class SerializedShardStateStore implements ShardStateStore {
    private final ShardStateBytes bytes;
    private final StateEntryCodec codec;
    private final Set<Long> schemasStored = new HashSet<>();
    /** Bound of the decoded-entry cache of the two-argument constructor (tests, tools; the job uses {@code shard.state.cache-entries}, default 8192). */
    static final int RECENT_KEYS = 1024;
    private final int cacheEntries;
    private final EntryCache recent;
    /** Evicted dirty entries are written in batches of this many (1: each at once, no buffer). */
    private final int writeBatchEntries;
    /** Evicted dirty entries not written yet (only if {@link #writeBatchEntries} > 1); never also in {@link #recent}. */
    private final HashMap<TableKey, Slot> pending = new HashMap<>();
    /** Entries whose bytes have not been written yet: the dirty cached ones and the {@link #pending} ones. */
    private int dirty;
    /**
     * The cache slots made dirty since the last flush, in that order (a slot may have been written back or
     * removed since: then it is no longer dirty and is skipped), so a flush visits only those.
     */
    private final ArrayList<Slot> dirtySlots = new ArrayList<>();
    /** The schema id of the last live row put, known to be stored (saves a set lookup per put). */
    private long lastStoredSchemaId;
    private boolean anySchemaStored;
    private long live;
    private long tombstones;

    /** The key of the last get/put/delete (a get followed by a put of one key looks it up once). */
    private TableKey lastKey;
    private TableId lastTable;
    private Row lastKeyRow;
    /** {@link #lastKey} encoded, or null if it has not been needed yet. */
    private byte[] lastKeyBytes;
    /** {@link #lastKey}'s cache slot while it is in the cache (else null). */
    private Slot lastCached;
    /** What the last get found: -2 not looked up yet, -1 absent, 0 live, 1 tombstone. */
    private int lastFound;
    /** The keys written to the bytes, if they held no entry when this store began; else null (every miss reads). */
    private WrittenKeysFilter written;
    /** Look-ups the {@link #written} filter answered "absent" without reading the bytes. */
    private long readsSkipped;
    /** Look-ups the heap cache (or the write-back buffer) answered. */
    private long cacheHits;
    /** Look-ups that read the bytes (RocksDB in the job). */
    private long reads;

    public SerializedShardStateStore(ShardStateBytes bytes, StateEntryCodec codec) {
        this(bytes, codec, RECENT_KEYS);
    }

    /** @param cacheEntries how many decoded entries to keep on the heap ({@code shard.state.cache-entries}) */
    public SerializedShardStateStore(ShardStateBytes bytes, StateEntryCodec codec, int cacheEntries) {
        this(bytes, codec, cacheEntries, 1);
    }

    /**
     * @param cacheEntries how many decoded entries to keep on the heap ({@code shard.state.cache-entries})
     * @param writeBatchEntries how many evicted dirty entries to write in one batch ({@code shard.state.write-batch-entries};
     *                          1 writes each as it is evicted)
     */
    public SerializedShardStateStore(ShardStateBytes bytes, StateEntryCodec codec, int cacheEntries, int writeBatchEntries) {
        this(bytes, codec, cacheEntries, writeBatchEntries, false);
    }

    /**
     * @param cacheEntries how many decoded entries to keep on the heap ({@code shard.state.cache-entries})
     * @param writeBatchEntries how many evicted dirty entries to write in one batch ({@code shard.state.write-batch-entries};
     *                          1 writes each as it is evicted)
     * @param filterWrittenKeys if the bytes hold no entry now, remember the keys written to them
     *                          ({@code shard.state.written-keys-filter}), so a never-written key is not read
     */
    public SerializedShardStateStore(ShardStateBytes bytes, StateEntryCodec codec, int cacheEntries, int writeBatchEntries,
                                     boolean filterWrittenKeys) {
        if (writeBatchEntries < 1) {
            throw new IllegalArgumentException("writeBatchEntries must be >= 1, got " + writeBatchEntries);
        }
        this.bytes = bytes;
        this.codec = codec;
        this.cacheEntries = cacheEntries;
        this.writeBatchEntries = writeBatchEntries;
        this.recent = new EntryCache(cacheEntries, this::evicted);
        this.written = filterWrittenKeys && bytes.hasNoEntries() ? new WrittenKeysFilter() : null;
    }

    /**
     * Builds the written-keys filter of a store that began over entries (a restore) from one scan of every
     * entry's key, live rows and tombstones alike (a tombstone must still be read: it drops stale events), so
     * from here on a key the bytes do not hold is answered without a read, as in a store that began empty.
     * Costs one decode of each stored key; the job bounds it by {@code shard.state.written-keys-filter.rebuild-max-keys}.
     * Does nothing if the filter is already on.
     *
     * @return the keys added to the filter (0 if it was on already)
     */
    public long rebuildWrittenKeysFilter() {
        if (written != null) {
            return 0;
        }
        flush();
        WrittenKeysFilter f = new WrittenKeysFilter();
        long[] n = {0};
        bytes.forEachEntry((k, v) -> {
            f.add(codec.decodeKey(k).hashCode());
            n[0]++;
        });
        written = f;
        return n[0];
    }

    /** True if this store skips the reads of keys it never wrote ({@link WrittenKeysFilter}). */
    public boolean filtersWrittenKeys() {
        return written != null;
    }

    /** Look-ups answered "absent" by the written-keys filter without a read of the bytes. */
    public long readsSkipped() {
        return readsSkipped;
    }

    /**
     * Key look-ups (one per get, put or delete of a key not looked up just before) answered from the heap: the
     * decoded-entry cache or the write-back buffer.
     */
    public long cacheHits() {
        return cacheHits;
    }

    /** Key look-ups that read the bytes: neither the heap nor the written-keys filter could answer them. */
    public long reads() {
        return reads;
    }

    /** True if the bytes cannot hold {@code tk}: the filter is on and never saw it written. */
    private boolean neverWritten(TableKey tk) {
        if (written != null && !written.mightContain(tk.hashCode())) {
            readsSkipped++;
            return true;
        }
        return false;
    }

    @Override
    public StoredEntry get(TableId table, Row key) {
        TableKey tk = key(table, key);
        Slot cached = lastCached;
        if (cached != null) {
            cached.markUsed(); // a key changed by consecutive events is hot too
        } else {
            cached = cachedOrParked(tk);
        }
        if (cached != null) {
            cacheHits++;
            lastCached = cached;
            lastFound = cached.entry.isTombstone() ? 1 : 0;
            return cached.entry;
        }
        if (neverWritten(tk)) {
            lastFound = -1;
            return null;
        }
        byte[] k = keyBytes();
        reads++;
        byte[] v = bytes.getEntry(k);
        lastFound = v == null ? -1 : StateEntryCodec.isTombstone(v) ? 1 : 0;
        if (v == null) {
            return null;
        }
        StoredEntry e = decode(v);
        Slot slot = new Slot(tk, e, false, k);
        recent.add(slot);
        lastCached = slot;
        return e;
    }

    private StoredEntry decode(byte[] v) {
        long id = codec.schemaIdOfEntry(v);
        if (id != 0 && codec.knownSchema(id) == null) {
            byte[] def = bytes.getSchema(id);
            if (def == null) {
                throw new IllegalStateException("shard state names row schema " + Long.toHexString(id) + " but does not hold it");
            }
            codec.learnSchema(id, def);
            schemasStored.add(id);
        }
        return codec.decodeEntry(v);
    }

    /** The cache key of (table, key), made once for a get followed by a put of the same key. */
    private TableKey key(TableId table, Row key) {
        if (lastKey != null && lastKeyRow == key && lastTable.equals(table)) {
            return lastKey;
        }
        lastKey = new TableKey(table, key);
        lastTable = table;
        lastKeyRow = key;
        lastKeyBytes = null;
        lastCached = null;
        lastFound = -2;
        return lastKey;
    }

    /** {@link #lastKey} encoded (the bytes' key), encoded at most once. */
    private byte[] keyBytes() {
        if (lastKeyBytes == null) {
            lastKeyBytes = lastCached != null && lastCached.keyBytes != null
                    ? lastCached.keyBytes : codec.encodeKey(lastTable, lastKeyRow);
        }
        return lastKeyBytes;
    }

    private int found(TableKey tk) {
        if (lastFound == -2) {
            Slot cached = cachedOrParked(tk);
            if (cached != null) {
                cacheHits++;
                lastCached = cached;
                lastFound = cached.entry.isTombstone() ? 1 : 0;
            } else if (neverWritten(tk)) {
                lastFound = -1;
            } else {
                reads++;
                byte[] v = bytes.getEntry(keyBytes());
                lastFound = v == null ? -1 : StateEntryCodec.isTombstone(v) ? 1 : 0;
            }
        }
        return lastFound;
    }

    @Override
    public void put(TableId table, Row key, StoredEntry entry) {
        TableKey tk = key(table, key);
        int before = found(tk);
        if (!entry.isTombstone()) {
            RowSchema schema = entry.row().schema();
            long id = codec.schemaId(schema);
            if (!anySchemaStored || id != lastStoredSchemaId) {
                if (schemasStored.add(id) && bytes.getSchema(id) == null) {
                    bytes.putSchema(id, codec.schemaDefinition(schema));
                }
                lastStoredSchemaId = id;
                anySchemaStored = true;
            }
        } else {
            bytes.addTombstoneIndex(entry.deletedAtMicros(), keyBytes());
        }
        // Written back later (eviction or flush) from the entry itself: the codec round-trips every field and
        // entries are immutable, so the cache holds what a get would decode from those bytes.
        Slot cached = lastCached != null ? lastCached : recent.get(tk);
        if (cached != null) {
            if (!cached.dirty) {
                cached.dirty = true;
                dirty++;
                markDirty(cached);
            }
            cached.entry = entry;
        } else {
            dirty++;
            cached = new Slot(tk, entry, true, lastKeyBytes);
            markDirty(cached);
            recent.add(cached);
        }
        lastCached = cached; // the newest entry: a put never evicts the entry it adds
        adjust(before, -1);
        adjust(entry.isTombstone() ? 1 : 0, 1);
        lastFound = entry.isTombstone() ? 1 : 0;
    }

    @Override
    public void delete(TableId table, Row key) {
        TableKey tk = key(table, key);
        adjust(found(tk), -1);
        if (written == null || written.mightContain(tk.hashCode())) {
            bytes.removeEntry(keyBytes());
        }
        lastCached = null;
        Slot cached = recent.remove(tk);
        if (cached == null && !pending.isEmpty()) {
            cached = pending.remove(tk); // (found() takes a pending key back into the cache; this is a safeguard)
        }
        if (cached != null && cached.dirty) {
            cached.dirty = false; // its slot in dirtySlots is skipped
            dirty--;
        }
        lastFound = -1;
    }

    /** {@code tk}'s cache slot: from the cache, else its pending entry taken back into the cache ({@link #unpark}), else null. */
    private Slot cachedOrParked(TableKey tk) {
        Slot cached = recent.get(tk);
        return cached == null && !pending.isEmpty() ? unpark(tk) : cached;
    }

    /**
     * Takes {@code tk}'s pending entry, if any, back into the cache, still dirty (it is in {@link #dirtySlots}:
     * it was made dirty since the last flush, which empties the buffer), so the cache again holds the key's
     * newest entry and a later write-back writes that. Adding it may evict (and park) another entry.
     */
    private Slot unpark(TableKey tk) {
        Slot p = pending.remove(tk);
        if (p != null) {
            recent.add(p);
        }
        return p;
    }

    /** Writes every dirty entry (cached or pending) to the bytes; afterwards the bytes hold the whole shard. */
    public void flush() {
        if (writeBatchEntries == 1) {
            for (Slot c : dirtySlots) {
                writeBack(c);
            }
        } else {
            // Every dirty slot is in dirtySlots once, the pending ones too (each was made dirty since the last
            // flush, which empties the buffer), and a key is cached or pending, never both: so the dirty slots
            // are the distinct keys to write, without collecting them in a map first.
            List<Slot> toWrite = new ArrayList<>(dirty);
            for (Slot c : dirtySlots) {
                if (c.dirty) {
                    toWrite.add(c);
                }
            }
            write(toWrite);
            pending.clear();
        }
        dirtySlots.clear();
    }

    /** Writes the pending entries in one batch. */
    private void writePending() {
        if (pending.isEmpty()) {
            return;
        }
        write(new ArrayList<>(pending.values()));
        pending.clear();
    }

    /**
     * Writes dirty slots of distinct keys in one {@link ShardStateBytes#putEntries}, in the order of their
     * encoded keys (length first, then bytes, unsigned): the order of the RocksDB keys Flink's map state builds
     * from them (the shard's prefix, then the key's length and bytes), so the memtable inserts of the batch go
     * in ascending order, which RocksDB's skip list serves from its last insert position instead of a search
     * from the top.
     */
    private void write(List<Slot> slots) {
        if (slots.isEmpty()) {
            return;
        }
        for (Slot c : slots) {
            if (c.keyBytes == null) {
                c.keyBytes = codec.encodeKey(c.key.table(), c.key.key());
            }
        }
        slots.sort(SerializedShardStateStore::compareKeyBytes);
        List<byte[]> keys = new ArrayList<>(slots.size());
        List<byte[]> values = new ArrayList<>(slots.size());
        for (Slot c : slots) {
            keys.add(c.keyBytes);
            values.add(codec.encodeEntry(c.entry));
            if (written != null) {
                written.add(c.key.hashCode());
            }
        }
        bytes.putEntries(keys, values);
        for (Slot c : slots) {
            c.dirty = false;
            dirty--;
        }
    }

    private static int compareKeyBytes(Slot a, Slot b) {
        int byLength = Integer.compare(a.keyBytes.length, b.keyBytes.length);
        return byLength != 0 ? byLength : Arrays.compareUnsigned(a.keyBytes, b.keyBytes);
    }

    private void markDirty(Slot slot) {
        if (dirtySlots.size() >= 4 * cacheEntries + writeBatchEntries) {
            // Without a flush for long, drop the slots written back since: at most cacheEntries + writeBatchEntries are dirty.
            dirtySlots.removeIf(c -> !c.dirty);
        }
        dirtySlots.add(slot);
    }

    /** Cached entries not yet written to the bytes. */
    public int dirtyEntries() {
        return dirty;
    }

    /** The cache is making room: a dirty entry's bytes are written now, or parked to be written in a batch. */
    private void evicted(Slot slot) {
        if (writeBatchEntries == 1) {
            writeBack(slot);
        } else if (slot.dirty) {
            pending.put(slot.key, slot);
            if (pending.size() >= writeBatchEntries) {
                writePending();
            }
        }
        if (slot == lastCached) {
            lastCached = null;
        }
    }

    private void writeBack(Slot cached) {
        if (cached.dirty) {
            if (cached.keyBytes == null) {
                cached.keyBytes = codec.encodeKey(cached.key.table(), cached.key.key());
            }
            bytes.putEntry(cached.keyBytes, codec.encodeEntry(cached.entry));
            if (written != null) {
                written.add(cached.key.hashCode());
            }
            cached.dirty = false;
            dirty--;
        }
    }

    private void adjust(int kind, int by) {
        if (kind == 0) {
            live += by;
        } else if (kind == 1) {
            tombstones += by;
        }
    }

    @Override
    public int purgeTombstonesBefore(long olderThanMicros) {
        int[] purged = {0};
        flush();
        lastKey = null;
        lastKeyRow = null;
        lastKeyBytes = null;
        lastCached = null;
        recent.clear();
        bytes.pollTombstoneIndexBefore(olderThanMicros, k -> {
            byte[] v = bytes.getEntry(k);
            // The key may have been written again since this delete: only a tombstone that is still
            // this old goes.
            if (v != null && StateEntryCodec.isTombstone(v) && codec.decodeEntry(v).deletedAtMicros() < olderThanMicros) {
                bytes.removeEntry(k);
                tombstones--;
                purged[0]++;
            }
        });
        return purged[0];
    }

    @Override
    public void forEachLive(BiConsumer<TableKey, Row> visitor) {
        flush();
        bytes.forEachEntry((k, v) -> {
            if (!StateEntryCodec.isTombstone(v)) {
                visitor.accept(codec.decodeKey(k), decode(v).row());
            }
        });
    }

    /**
     * Like the default (every live key of {@code table}) without decoding a single entry: a tombstone is told
     * by its flag byte, another table's key by its prefix, and only the matching keys are decoded. The rank
     * index of format v3 ({@code ReceiverKeys}) scans a shard this way once per table per pipeline, on its
     * first batch with an update or delete; decoding every row there was most of that scan.
     */
    @Override
    public void forEachLiveKey(TableId table, Consumer<Row> visitor) {
        flush();
        StateEntryCodec.KeyReader reader = codec.keyReader(table);
        bytes.forEachEntry((k, v) -> {
            if (!StateEntryCodec.isTombstone(v)) {
                Row key = reader.keyOrNull(k);
                if (key != null) {
                    visitor.accept(key);
                }
            }
        });
    }

    @Override
    public long liveCount() {
        return live;
    }

    @Override
    public long tombstoneCount() {
        return tombstones;
    }

    /** {live, tombstones}, to checkpoint with the entries. */
    public long[] counts() {
        return new long[] {live, tombstones};
    }

    public void restoreCounts(long[] counts) {
        long[] c = Arrays.copyOf(counts, 2);
        live = c[0];
        tombstones = c[1];
    }
}
