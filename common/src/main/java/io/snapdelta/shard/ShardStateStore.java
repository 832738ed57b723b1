package io.snapdelta.shard;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.List;
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
     * caches its keys' integer values may build it without reading the key rows.
     */
    default HeldKeyIndex liveKeyIndex(TableId table) {
        List<Row> keys = new ArrayList<>();
        forEachLiveKey(table, keys::add);
        return HeldKeyIndex.of(keys);
    }

    /** Number of live rows. */
    long liveCount();

    /** Number of tombstones. */
    long tombstoneCount();
}
