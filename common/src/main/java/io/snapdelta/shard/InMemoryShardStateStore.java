package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/** A heap {@link ShardStateStore}: a hash map, with a tombstone count kept on the side. */
public final class InMemoryShardStateStore implements ShardStateStore {
    private final Map<TableKey, StoredEntry> entries = new HashMap<>();
    private long tombstones;

    @Override
    public StoredEntry get(TableId table, Row key) {
        return entries.get(new TableKey(table, key));
    }

    @Override
    public void put(TableId table, Row key, StoredEntry entry) {
        StoredEntry old = entries.put(new TableKey(table, key), entry);
        if (old != null && old.isTombstone()) {
            tombstones--;
        }
        if (entry.isTombstone()) {
            tombstones++;
        }
    }

    @Override
    public void delete(TableId table, Row key) {
        StoredEntry old = entries.remove(new TableKey(table, key));
        if (old != null && old.isTombstone()) {
            tombstones--;
        }
    }

    @Override
    public int purgeTombstonesBefore(long olderThanMicros) {
        int purged = 0;
        for (Iterator<StoredEntry> it = entries.values().iterator(); it.hasNext(); ) {
            StoredEntry e = it.next();
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
        entries.forEach((k, e) -> {
            if (!e.isTombstone()) {
                visitor.accept(k, e.row());
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
