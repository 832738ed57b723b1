package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A heap {@link ShardStateStore}: a hash map, with a tombstone count kept on the side.
 *
 * <p>Values are mutable slots, and the slot of the last {@link #get} is remembered: the producer reads a
 * key and then writes the same key, and that write replaces the slot's entry without a second hash lookup
 * (only when the write passes the very same table and key objects as the read).
 */
public final class InMemoryShardStateStore implements ShardStateStore {
    private static final class Slot {
        StoredEntry entry;

        Slot(StoredEntry entry) {
            this.entry = entry;
        }
    }

    private final Map<TableKey, Slot> entries = new HashMap<>();
    private long tombstones;
    private TableId lastTable;
    private Row lastKey;
    /** The slot {@link #get} found for ({@link #lastTable}, {@link #lastKey}); null if absent or invalidated. */
    private Slot lastSlot;

    @Override
    public StoredEntry get(TableId table, Row key) {
        Slot s = entries.get(new TableKey(table, key));
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
            lastSlot.entry = entry;
        } else {
            Slot previous = entries.put(new TableKey(table, key), new Slot(entry));
            old = previous == null ? null : previous.entry;
            lastSlot = null; // the remembered slot may be the one just replaced
        }
        if (old != null && old.isTombstone()) {
            tombstones--;
        }
        if (entry.isTombstone()) {
            tombstones++;
        }
    }

    @Override
    public void delete(TableId table, Row key) {
        lastSlot = null;
        Slot old = entries.remove(new TableKey(table, key));
        if (old != null && old.entry.isTombstone()) {
            tombstones--;
        }
    }

    @Override
    public int purgeTombstonesBefore(long olderThanMicros) {
        lastSlot = null;
        int purged = 0;
        for (Iterator<Slot> it = entries.values().iterator(); it.hasNext(); ) {
            StoredEntry e = it.next().entry;
            if (e.isTombstone() && e.deletedAtMicros() < olderThanMicros) {
                it.remove();
                purged++;
            }
        }
        tombstones -= purged;
        return purged;
    }

    @Override
    public void forEachLive(BiConsumer<TableKey, Row> visitor) {
        entries.forEach((k, s) -> {
            if (!s.entry.isTombstone()) {
                visitor.accept(k, s.entry.row());
            }
        });
    }

    @Override
    public long liveCount() {
        return entries.size() - tombstones;
    }

    @Override
    public long tombstoneCount() {
        return tombstones;
    }
}
