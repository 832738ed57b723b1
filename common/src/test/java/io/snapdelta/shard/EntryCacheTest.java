package io.snapdelta.shard;

import static io.snapdelta.shard.ShardDeltaStateTest.T;
import static io.snapdelta.shard.ShardDeltaStateTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryCacheTest {
    private static TableKey k(int id) {
        return new TableKey(T, key(id));
    }

    @Test
    void keysReadOnceLeaveInArrivalOrderAndAKeyUsedAgainOutlastsThem() {
        List<TableKey> evicted = new ArrayList<>();
        EntryCache c = new EntryCache(4, s -> evicted.add(s.key));
        for (int id = 0; id < 4; id++) {
            c.add(new EntryCache.Slot(k(id), null, false, null));
        }
        c.get(k(0)); // key 0 is used again
        c.add(new EntryCache.Slot(k(4), null, false, null));
        c.add(new EntryCache.Slot(k(5), null, false, null));
        assertEquals(List.of(k(1), k(2)), evicted, "key 0 was used again, so 1 and 2 go first");
        assertTrue(c.get(k(0)) != null);
        assertNull(c.get(k(1)));
        assertEquals(4, c.size());
    }

    @Test
    void aSlotMarkedUsedByItsHolderOutlastsSlotsReadOnce() {
        List<TableKey> evicted = new ArrayList<>();
        EntryCache c = new EntryCache(2, s -> evicted.add(s.key));
        EntryCache.Slot held = new EntryCache.Slot(k(0), null, false, null);
        c.add(held);
        c.add(new EntryCache.Slot(k(1), null, false, null));
        held.markUsed();
        c.add(new EntryCache.Slot(k(2), null, false, null));
        assertEquals(List.of(k(1)), evicted);
        assertSame(held, c.get(k(0)));
    }

    /** The cache against a plain map under random adds, hits and removes, with colliding hashes. */
    @Test
    void holdsExactlyWhatWasAddedAndNeitherEvictedNorRemovedUnderRandomUse() {
        Random r = new Random(7);
        Map<TableKey, EntryCache.Slot> model = new HashMap<>();
        EntryCache c = new EntryCache(64, s -> assertSame(s, model.remove(s.key), "evicted a slot it holds"));
        TableId other = TableId.of("", "other");
        for (int step = 0; step < 200_000; step++) {
            int id = r.nextInt(300);
            // Two tables with the same key ids: TableKeys whose hashes differ by a constant, many probe collisions.
            TableKey key = r.nextBoolean() ? k(id) : new TableKey(other, key(id));
            int what = r.nextInt(10);
            if (what < 6) {
                EntryCache.Slot s = c.get(key);
                assertSame(model.get(key), s, "step " + step + ": get " + key);
                if (s == null) {
                    s = new EntryCache.Slot(key, null, false, null);
                    c.add(s);
                    model.put(key, s);
                }
            } else if (what < 9) {
                assertSame(model.remove(key), c.remove(key), "step " + step + ": remove " + key);
            } else if (step % 1000 == 0) {
                c.clear();
                model.clear();
            }
            assertEquals(model.size(), c.size(), "step " + step);
        }
        for (Map.Entry<TableKey, EntryCache.Slot> e : model.entrySet()) {
            assertSame(e.getValue(), c.get(e.getKey()));
        }
    }
}
