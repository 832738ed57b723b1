package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

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
 * <p>The decoded entries of the {@value #RECENT_KEYS} most recently used keys are kept on the heap, so a hot
 * key (a pgbench branch or teller row, changed many times per batch) is read and decoded once, not on
 * every change. The cache is write-through: every put and delete still reaches {@link ShardStateBytes}
 * at once, so the bytes (what a checkpoint snapshots) are always complete, and the cache never outlives
 * this object, which a restore builds afresh. Only this object writes its shard's bytes; clean-up, which
 * removes entries by key bytes, drops the cache.
 */
public final class SerializedShardStateStore implements ShardStateStore {
    private final ShardStateBytes bytes;
    private final StateEntryCodec codec;
    private final Set<Long> schemasStored = new HashSet<>();
    /** Bound of the decoded-entry cache, per shard. */
    static final int RECENT_KEYS = 1024;
    private final Map<EncodedKey, StoredEntry> recent = new LinkedHashMap<>(RECENT_KEYS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<EncodedKey, StoredEntry> eldest) {
            return size() > RECENT_KEYS;
        }
    };
    private long live;
    private long tombstones;

    private byte[] lastKey;
    private TableId lastTable;
    private Row lastKeyRow;
    /** What the last get found: -1 absent, 0 live, 1 tombstone. */
    private int lastFound;

    public SerializedShardStateStore(ShardStateBytes bytes, StateEntryCodec codec) {
        this.bytes = bytes;
        this.codec = codec;
    }

    @Override
    public StoredEntry get(TableId table, Row key) {
        byte[] k = keyBytes(table, key);
        EncodedKey ek = new EncodedKey(k);
        StoredEntry cached = recent.get(ek);
        if (cached != null) {
            lastFound = cached.isTombstone() ? 1 : 0;
            return cached;
        }
        byte[] v = bytes.getEntry(k);
        lastFound = v == null ? -1 : StateEntryCodec.isTombstone(v) ? 1 : 0;
        if (v == null) {
            return null;
        }
        StoredEntry e = decode(v);
        recent.put(ek, e);
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

    /** Encodes the key once for a get followed by a put of the same key. */
    private byte[] keyBytes(TableId table, Row key) {
        if (lastKey != null && lastKeyRow == key && lastTable.equals(table)) {
            return lastKey;
        }
        lastKey = codec.encodeKey(table, key);
        lastTable = table;
        lastKeyRow = key;
        lastFound = -2;
        return lastKey;
    }

    private int found(byte[] k) {
        if (lastFound == -2) {
            byte[] v = bytes.getEntry(k);
            lastFound = v == null ? -1 : StateEntryCodec.isTombstone(v) ? 1 : 0;
        }
        return lastFound;
    }

    @Override
    public void put(TableId table, Row key, StoredEntry entry) {
        byte[] k = keyBytes(table, key);
        int before = found(k);
        if (!entry.isTombstone()) {
            RowSchema schema = entry.row().schema();
            long id = codec.schemaId(schema);
            if (schemasStored.add(id) && bytes.getSchema(id) == null) {
                bytes.putSchema(id, codec.schemaDefinition(schema));
            }
        } else {
            bytes.addTombstoneIndex(entry.deletedAtMicros(), k);
        }
        bytes.putEntry(k, codec.encodeEntry(entry));
        // What a get would decode from those bytes (the codec round-trips every field; entries are immutable).
        recent.put(new EncodedKey(k), entry);
        adjust(before, -1);
        adjust(entry.isTombstone() ? 1 : 0, 1);
        lastFound = entry.isTombstone() ? 1 : 0;
    }

    @Override
    public void delete(TableId table, Row key) {
        byte[] k = keyBytes(table, key);
        adjust(found(k), -1);
        bytes.removeEntry(k);
        recent.remove(new EncodedKey(k));
        lastFound = -1;
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
        lastKey = null;
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
        bytes.forEachEntry((k, v) -> {
            if (!StateEntryCodec.isTombstone(v)) {
                visitor.accept(codec.decodeKey(k), decode(v).row());
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

    /** An encoded (table, key) as a hash-map key: compared by content. */
    private static final class EncodedKey {
        private final byte[] bytes;
        private final int hash;

        EncodedKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EncodedKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
