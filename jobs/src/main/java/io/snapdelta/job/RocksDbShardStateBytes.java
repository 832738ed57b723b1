package io.snapdelta.job;

import io.snapdelta.shard.ShardStateBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;

/**
 * {@link ShardStateBytes} over the operator's keyed {@code MapState}s, scoped to the current key (the
 * shard): every call must happen while the operator's current key is that shard.
 *
 * <p>The tombstone index is a {@code MapState<Long, byte[]>} from delete time (source micros) to the
 * keys deleted then. RocksDB iterates a map state in the order of its serialized keys, which for
 * non-negative longs (big-endian) is numeric order, so a clean-up reads only the expired head of the index
 * and stops. That order is why the job requires the RocksDB backend.
 */
final class RocksDbShardStateBytes implements ShardStateBytes {
    private final MapState<byte[], byte[]> entries;
    private final MapState<Long, byte[]> tombstoneIndex;
    private final MapState<Long, byte[]> schemas;

    RocksDbShardStateBytes(MapState<byte[], byte[]> entries, MapState<Long, byte[]> tombstoneIndex, MapState<Long, byte[]> schemas) {
        this.entries = entries;
        this.tombstoneIndex = tombstoneIndex;
        this.schemas = schemas;
    }

    @Override
    public byte[] getEntry(byte[] tableKey) {
        try {
            return entries.get(tableKey);
        } catch (Exception e) {
            throw new IllegalStateException("reading shard state", e);
        }
    }

    @Override
    public void putEntry(byte[] tableKey, byte[] entry) {
        try {
            entries.put(tableKey, entry);
        } catch (Exception e) {
            throw new IllegalStateException("writing shard state", e);
        }
    }

    /** One seek into the current shard's entries (once per shard per run, when its store is built). */
    @Override
    public boolean hasNoEntries() {
        try {
            return entries.isEmpty();
        } catch (Exception e) {
            throw new IllegalStateException("reading shard state", e);
        }
    }

    /**
     * One {@code MapState.putAll}: Flink's RocksDB map state writes it through a {@code RocksDBWriteBatchWrapper},
     * one {@code db.write} per batch (of up to its capacity) instead of one write-group join, sequence allocation
     * and memtable commit per key, which was most of the cost of the per-entry put on the shard thread.
     */
    @Override
    public void putEntries(List<byte[]> tableKeys, List<byte[]> values) {
        // Keys are distinct arrays; the map only carries the pairs to putAll, in the caller's order (putAll
        // writes them in iteration order, and the store orders them as RocksDB will: ascending memtable inserts).
        // Arrays hash and compare by identity, so a LinkedHashMap is an ordered identity map here.
        Map<byte[], byte[]> batch = new LinkedHashMap<>(2 * tableKeys.size());
        for (int i = 0; i < tableKeys.size(); i++) {
            batch.put(tableKeys.get(i), values.get(i));
        }
        try {
            entries.putAll(batch);
        } catch (Exception e) {
            throw new IllegalStateException("writing shard state", e);
        }
    }

    @Override
    public void removeEntry(byte[] tableKey) {
        try {
            entries.remove(tableKey);
        } catch (Exception e) {
            throw new IllegalStateException("writing shard state", e);
        }
    }

    @Override
    public void forEachEntry(BiConsumer<byte[], byte[]> visitor) {
        try {
            for (Map.Entry<byte[], byte[]> e : entries.entries()) {
                visitor.accept(e.getKey(), e.getValue());
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading shard state", e);
        }
    }

    @Override
    public void addTombstoneIndex(long deletedAtMicros, byte[] tableKey) {
        try {
            long at = Math.max(0, deletedAtMicros);
            byte[] old = tombstoneIndex.get(at);
            int oldLength = old == null ? 0 : old.length;
            ByteBuffer b = ByteBuffer.allocate(oldLength + 4 + tableKey.length);
            if (old != null) {
                b.put(old);
            }
            b.putInt(tableKey.length).put(tableKey);
            tombstoneIndex.put(at, b.array());
        } catch (Exception e) {
            throw new IllegalStateException("writing tombstone index", e);
        }
    }

    @Override
    public void pollTombstoneIndexBefore(long olderThanMicros, Consumer<byte[]> expired) {
        try {
            List<Long> done = new ArrayList<>();
            for (Iterator<Map.Entry<Long, byte[]>> it = tombstoneIndex.iterator(); it.hasNext(); ) {
                Map.Entry<Long, byte[]> e = it.next();
                if (e.getKey() >= olderThanMicros) {
                    break;
                }
                done.add(e.getKey());
                ByteBuffer b = ByteBuffer.wrap(e.getValue());
                while (b.hasRemaining()) {
                    byte[] k = new byte[b.getInt()];
                    b.get(k);
                    expired.accept(k);
                }
            }
            for (Long at : done) {
                tombstoneIndex.remove(at);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cleaning tombstones", e);
        }
    }

    @Override
    public byte[] getSchema(long id) {
        try {
            return schemas.get(id);
        } catch (Exception e) {
            throw new IllegalStateException("reading row schemas", e);
        }
    }

    @Override
    public void putSchema(long id, byte[] definition) {
        try {
            schemas.put(id, definition);
        } catch (Exception e) {
            throw new IllegalStateException("writing row schemas", e);
        }
    }
}
