package io.snapdelta.shard;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** {@link ShardStateBytes} on the heap: for tests of the serialized store and for tools without Flink. */
public final class HeapShardStateBytes implements ShardStateBytes {
    private final Map<ByteBuffer, byte[]> entries = new HashMap<>();
    private final TreeMap<Long, List<byte[]>> tombstones = new TreeMap<>();
    private final Map<Long, byte[]> schemas = new HashMap<>();

    @Override
    public byte[] getEntry(byte[] tableKey) {
        return entries.get(ByteBuffer.wrap(tableKey));
    }

    @Override
    public void putEntry(byte[] tableKey, byte[] entry) {
        entries.put(ByteBuffer.wrap(tableKey.clone()), entry.clone());
    }

    @Override
    public void removeEntry(byte[] tableKey) {
        entries.remove(ByteBuffer.wrap(tableKey));
    }

    @Override
    public boolean hasNoEntries() {
        return entries.isEmpty();
    }

    @Override
    public void forEachEntry(BiConsumer<byte[], byte[]> visitor) {
        entries.forEach((k, v) -> visitor.accept(k.array(), v));
    }

    @Override
    public void addTombstoneIndex(long deletedAtMicros, byte[] tableKey) {
        tombstones.computeIfAbsent(deletedAtMicros, t -> new ArrayList<>()).add(tableKey.clone());
    }

    @Override
    public void pollTombstoneIndexBefore(long olderThanMicros, Consumer<byte[]> expired) {
        for (Iterator<Map.Entry<Long, List<byte[]>>> it = tombstones.headMap(olderThanMicros, false).entrySet().iterator(); it.hasNext(); ) {
            it.next().getValue().forEach(expired);
            it.remove();
        }
    }

    @Override
    public byte[] getSchema(long id) {
        return schemas.get(id);
    }

    @Override
    public void putSchema(long id, byte[] definition) {
        schemas.put(id, definition.clone());
    }

    /** An independent copy of everything held: a checkpoint of the rows, for tests and tools. */
    public HeapShardStateBytes copy() {
        HeapShardStateBytes c = new HeapShardStateBytes();
        entries.forEach((k, v) -> c.entries.put(k, v.clone()));
        tombstones.forEach((t, keys) -> {
            List<byte[]> copied = new ArrayList<>(keys.size());
            keys.forEach(k -> copied.add(k.clone()));
            c.tombstones.put(t, copied);
        });
        schemas.forEach((id, d) -> c.schemas.put(id, d.clone()));
        return c;
    }

    /** Keys in the tombstone index (for tests). */
    public int tombstoneIndexSize() {
        return tombstones.values().stream().mapToInt(List::size).sum();
    }
}
