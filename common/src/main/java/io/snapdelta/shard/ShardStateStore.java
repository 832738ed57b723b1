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

    /**
     * A hint that {@code key} of {@code table} will be read soon: a store may start loading what a {@link #get}
     * of it would wait on (the key's slot, its entry) and return without waiting. It has no effect on any
     * answer; the store may change in any way between the hint and the read (inserts, growth, deletes). On a
     * state larger than the CPU caches each look-up waits on a few cache misses in a row, and a caller that
     * holds upcoming changes (the bandwidth bench's chunk of parsed events; a driver's buffer or mini-batch)
     * can hint a few changes ahead, so that the misses of consecutive changes overlap instead of following
     * one another. The default does nothing; the heap store implements it, the job's RocksDB store does not
     * yet (a RocksDB get is a JNI call that waits on its own reads).
     */
    default void prefetch(TableId table, Row key) {
    }

    /**
     * The first half of {@link #prefetch}, for a longer look-ahead: only what locates the key (its slot), not
     * what the slot refers to. A caller hints a group of changes' slots, then, some changes later, the same
     * changes' {@link #prefetch}, whose entry reads then do not wait on the slots. The default does nothing.
     */
    default void prefetchSlot(TableId table, Row key) {
    }

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
