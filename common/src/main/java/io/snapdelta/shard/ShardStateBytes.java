package io.snapdelta.shard;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The raw storage a {@link SerializedShardStateStore} keeps one shard in: three byte-keyed maps, so that
 * Flink's RocksDB keyed state (one {@code MapState} each, scoped to the shard) and a heap map for tests are
 * interchangeable. Keys and values are opaque here; {@link StateEntryCodec} defines them.
 */
public interface ShardStateBytes {
    /** The encoded entry of an encoded (table, key), or {@code null}. */
    byte[] getEntry(byte[] tableKey);

    void putEntry(byte[] tableKey, byte[] entry);

    /**
     * Writes {@code entries.get(i)} under {@code tableKeys.get(i)} for every i, as {@link #putEntry} each would;
     * the keys are distinct. A backend with write batches (RocksDB) writes them in one go, which costs far less
     * per entry than one write each (the store's write-back of evicted entries, {@code shard.state.write-batch-entries}).
     */
    default void putEntries(List<byte[]> tableKeys, List<byte[]> entries) {
        for (int i = 0; i < tableKeys.size(); i++) {
            putEntry(tableKeys.get(i), entries.get(i));
        }
    }

    void removeEntry(byte[] tableKey);

    /**
     * True if no entry is stored (schemas and the tombstone index do not count). A store that begins over
     * such bytes may remember what it writes instead of reading keys it never wrote
     * ({@link SerializedShardStateStore}'s written-keys filter). The default, false, is always safe.
     */
    default boolean hasNoEntries() {
        return false;
    }

    /** Visits every (encoded key, encoded entry). */
    void forEachEntry(BiConsumer<byte[], byte[]> visitor);

    /**
     * Remembers that {@code tableKey} got a tombstone at source time {@code deletedAtMicros}: the index a
     * clean-up walks from the oldest delete, instead of scanning every entry.
     */
    void addTombstoneIndex(long deletedAtMicros, byte[] tableKey);

    /**
     * Removes from the tombstone index, oldest first, every key deleted before {@code olderThanMicros} and
     * hands it to {@code expired}. The index may name keys that were written again since; the caller checks.
     */
    void pollTombstoneIndexBefore(long olderThanMicros, Consumer<byte[]> expired);

    /** The canonical definition of a row schema by its id ({@link StateEntryCodec#schemaId}), or {@code null}. */
    byte[] getSchema(long id);

    void putSchema(long id, byte[] definition);
}
