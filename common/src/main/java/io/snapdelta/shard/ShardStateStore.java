package io.snapdelta.shard;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.function.BiConsumer;

/**
 * The keyed state of one shard: (table, key) -> {@link StoredEntry}. Pluggable so that the same
 * {@link ShardDeltaState} runs on a heap map (benchmark, tests, replica) and on Flink's RocksDB keyed state.
 * Implementations need not be thread-safe; one shard is driven by one thread.
 */
public interface ShardStateStore {
    /** The entry for the key, or {@code null} if the shard never saw it (or its tombstone was cleaned). */
    StoredEntry get(TableId table, Row key);

    void put(TableId table, Row key, StoredEntry entry);

    void delete(TableId table, Row key);

    /** Removes tombstones whose delete happened before {@code olderThanMicros}; returns how many. */
    int purgeTombstonesBefore(long olderThanMicros);

    /** Visits every live row (not tombstones), in no particular order. */
    void forEachLive(BiConsumer<TableKey, Row> visitor);

    /** Visits the key of every live row of {@code table}, in no particular order. */
    default void forEachLiveKey(TableId table, java.util.function.Consumer<Row> visitor) {
        forEachLive((tableKey, row) -> {
            if (tableKey.table().equals(table)) {
                visitor.accept(tableKey.key());
            }
        });
    }

    /**
     * The index of the live keys of {@code table}, in key order (spec v2 "Sorted sections"): what a receiver
     * that applied every sealed batch holds ({@link ReceiverKeys} builds its rank index from it). A store that
     * caches its keys' integer values may build it without reading the key rows. While the keys are one
     * integer field of one schema object the index keeps their values, not the rows ({@link LiveKeyCollector}).
     */
    default HeldKeyIndex liveKeyIndex(TableId table) {
        LiveKeyCollector keys = new LiveKeyCollector();
        forEachLiveKey(table, keys);
        return keys.index();
    }

    /** Number of live rows. */
    long liveCount();

    /** Number of tombstones. */
    long tombstoneCount();
}
