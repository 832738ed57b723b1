package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowOrder;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InMemoryShardStateStoreTest {
    static final TableId T = TableId.of("public", "t");
    static final TableId U = TableId.of("public", "u");
    static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});

    /**
     * Single integer keys are compared by a cached value: keys whose hashes collide (another key schema and
     * value), and a null key beside the key 0 (same schema, same hash), stay distinct keys.
     */
    @Test
    void integerKeysWithCollidingHashesButOtherSchemasOrNullStayDistinct() {
        RowSchema other = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
        Row a = Row.of(KEY, 5L);
        // Long.hashCode of a value below 2^32 is its low 32 bits: pick the value whose row hash equals a's.
        Row b = Row.of(other, Integer.toUnsignedLong(31 * (KEY.hashCode() - other.hashCode()) + 5));
        assertEquals(a.hashCode(), b.hashCode(), "the test needs colliding hashes");
        Row zero = Row.of(KEY, 0L);
        Row nullKey = Row.of(KEY, (Object) null);
        assertEquals(zero.hashCode(), nullKey.hashCode(), "the test needs colliding hashes");
        InMemoryShardStateStore store = new InMemoryShardStateStore();
        StoredEntry ea = StoredEntry.live(new Version(1, 0), a);
        StoredEntry eb = StoredEntry.live(new Version(2, 0), b);
        StoredEntry ez = StoredEntry.live(new Version(3, 0), zero);
        StoredEntry en = StoredEntry.live(new Version(4, 0), nullKey);
        store.put(T, a, ea);
        store.put(T, b, eb);
        store.put(T, zero, ez);
        store.put(T, nullKey, en);
        assertEquals(ea, store.get(T, Row.of(KEY, 5L)));
        assertEquals(eb, store.get(T, Row.of(other, b.get(0))));
        assertEquals(ez, store.get(T, Row.of(KEY, 0L)));
        assertEquals(en, store.get(T, Row.of(KEY, (Object) null)));
        assertEquals(null, store.get(U, Row.of(KEY, 5L)));
        assertEquals(4, store.liveCount());
    }

    /**
     * Random reads, read-then-writes of the same key objects, writes of equal but distinct key objects,
     * deletes and tombstone purges over two tables, through many growths and backward shifts: the store
     * answers like a plain map, and its live and tombstone counts and live rows match.
     */
    @Test
    void answersLikeAPlainMapThroughGrowthDeletesAndPurges() {
        InMemoryShardStateStore store = new InMemoryShardStateStore();
        Map<TableKey, StoredEntry> model = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 80_000; i++) {
            TableId table = random.nextBoolean() ? T : U;
            Row key = Row.of(KEY, (long) random.nextInt(4_000));
            TableKey tk = new TableKey(table, key);
            int action = random.nextInt(10);
            if (action < 3) {
                assertEquals(model.get(tk), store.get(table, key));
                StoredEntry e = StoredEntry.live(new Version(i, 0), key);
                store.put(table, key, e); // the same objects as the read: the remembered slot
                model.put(tk, e);
            } else if (action < 6) {
                StoredEntry e = random.nextBoolean() ? StoredEntry.live(new Version(i, 0), key) : StoredEntry.tombstone(new Version(i, 0), i);
                store.put(table, Row.of(KEY, key.get(0)), e); // an equal, distinct key object
                model.put(tk, e);
            } else if (action < 8) {
                store.delete(table, key);
                model.remove(tk);
            } else if (action == 8) {
                assertEquals(model.get(tk), store.get(table, key));
            } else if (random.nextInt(50) == 0) {
                long before = i - random.nextInt(5_000);
                int expected = 0;
                for (var it = model.values().iterator(); it.hasNext(); ) {
                    StoredEntry e = it.next();
                    if (e.isTombstone() && e.deletedAtMicros() < before) {
                        it.remove();
                        expected++;
                    }
                }
                assertEquals(expected, store.purgeTombstonesBefore(before));
            }
        }
        long tombstones = model.values().stream().filter(StoredEntry::isTombstone).count();
        assertEquals(tombstones, store.tombstoneCount());
        assertEquals(model.size() - tombstones, store.liveCount());
        Map<TableKey, Row> live = new HashMap<>();
        store.forEachLive(live::put);
        Map<TableKey, Row> expectedLive = new HashMap<>();
        model.forEach((k, e) -> {
            if (!e.isTombstone()) {
                expectedLive.put(k, e.row());
            }
        });
        assertEquals(expectedLive, live);
        for (long id = 0; id < 4_000; id++) {
            assertEquals(model.get(new TableKey(T, Row.of(KEY, id))), store.get(T, Row.of(KEY, id)));
            assertEquals(model.get(new TableKey(U, Row.of(KEY, id))), store.get(U, Row.of(KEY, id)));
        }
        for (TableId table : List.of(T, U)) {
            assertHoldsInKeyOrder(expectedLive.keySet().stream().filter(k -> k.table().equals(table)).map(TableKey::key).toList(),
                    store.liveKeyIndex(table));
        }
    }

    /**
     * Look-ahead hints ({@link ShardLookAhead}) of runs of random keys, given between the same random reads, inserts (through growth), overwrites, deletes (backward shifts) and purges of
     * two stores, change nothing: every read answers the same, and the live keys come out in the same slot order
     * (a hint of a table the store has not seen yet, or of a text key, must not number a shape, which would move
     * keys to other slots). Tables appear one after another, so many hints name a table not stored yet.
     */
    @Test
    void hintsChangeNoAnswerNorSlotWhateverHappensBetweenHintAndRead() {
        RowSchema text = RowSchema.of(new String[] {"code"}, new FieldType[] {FieldType.STRING});
        InMemoryShardStateStore plain = new InMemoryShardStateStore();
        InMemoryShardStateStore hinted = new InMemoryShardStateStore();
        ShardPipeline[] pipelines = {new ShardPipeline(new ShardDeltaState(0, hinted, Integer.MAX_VALUE, java.time.Duration.ofDays(1)),
                new FlushPolicy(1000, 1000, 1 << 20), null, null, false)};
        ShardLookAhead lookAhead = new ShardLookAhead();
        io.snapdelta.model.ChangeEvent[] ahead = new io.snapdelta.model.ChangeEvent[4];
        int[] shardOf = new int[ahead.length];
        Random random = new Random(23);
        int hints = 0;
        for (int i = 0; i < 60_000; i++) {
            int tables = 1 + i / 3_000; // up to 20 tables, introduced over the run
            TableId table = TableId.of("public", "t" + random.nextInt(tables));
            Row key = random.nextInt(10) == 0 ? Row.of(text, "k" + random.nextInt(500)) : Row.of(KEY, (long) random.nextInt(3_000));
            int n = random.nextInt(ahead.length);
            for (int h = 0; h < n; h++) {
                TableId hintTable = TableId.of("public", "t" + random.nextInt(22)); // also tables never stored
                Row hintKey = random.nextInt(10) == 0 ? Row.of(text, "k" + random.nextInt(500)) : Row.of(KEY, (long) random.nextInt(3_000));
                ahead[h] = event(hintTable, hintKey);
            }
            if (random.nextBoolean()) {
                ahead[n++] = event(table, key); // the very key read or written next
            }
            lookAhead.prefetch(pipelines, shardOf, ahead, 0, n);
            hints += n;
            int action = random.nextInt(10);
            if (action < 4) {
                StoredEntry read = plain.get(table, key);
                assertEquals(read, hinted.get(table, key));
                StoredEntry e = StoredEntry.live(new Version(i, 0), key);
                plain.put(table, key, e);
                hinted.put(table, key, e);
            } else if (action < 7) {
                StoredEntry e = random.nextBoolean() ? StoredEntry.live(new Version(i, 0), key) : StoredEntry.tombstone(new Version(i, 0), i);
                plain.put(table, key, e);
                hinted.put(table, key, e);
            } else if (action < 9) {
                plain.delete(table, key);
                hinted.delete(table, key);
            } else if (random.nextInt(20) == 0) {
                long before = i - random.nextInt(5_000);
                assertEquals(plain.purgeTombstonesBefore(before), hinted.purgeTombstonesBefore(before));
            } else {
                assertEquals(plain.get(table, key), hinted.get(table, key));
            }
        }
        assertTrue(hints > 100_000, "hints given: " + hints);
        assertEquals(plain.liveCount(), hinted.liveCount());
        assertEquals(plain.tombstoneCount(), hinted.tombstoneCount());
        List<TableKey> plainOrder = new ArrayList<>();
        List<TableKey> hintedOrder = new ArrayList<>();
        plain.forEachLive((k, row) -> plainOrder.add(k));
        hinted.forEachLive((k, row) -> hintedOrder.add(k));
        assertTrue(plainOrder.size() > 10_000, "live keys: " + plainOrder.size());
        assertEquals(plainOrder, hintedOrder);
    }

    private static io.snapdelta.model.ChangeEvent event(TableId table, Row key) {
        return new io.snapdelta.model.ChangeEvent(table, key, io.snapdelta.model.ChangeOp.DELETE, new Version(0, 1), null, null, 0);
    }

    /**
     * Keys of every shape (single integers, a null integer, text, two-field keys) over 20 tables, each table
     * and schema also passed as an equal but distinct object, through growth, deletes and backward shifts:
     * the store answers like a plain map (the store numbers (table, key schema) pairs by equality).
     */
    @Test
    void answersLikeAPlainMapForKeysOfEveryShapeAndTablesAsOtherObjects() {
        RowSchema text = RowSchema.of(new String[] {"code"}, new FieldType[] {FieldType.STRING});
        RowSchema pair = RowSchema.of(new String[] {"a", "b"}, new FieldType[] {FieldType.INT64, FieldType.STRING});
        InMemoryShardStateStore store = new InMemoryShardStateStore();
        Map<TableKey, StoredEntry> model = new HashMap<>();
        Random random = new Random(11);
        for (int i = 0; i < 60_000; i++) {
            int t = random.nextInt(20);
            TableId table = random.nextBoolean() ? TableId.of("public", "t" + t) : new TableId("public", "t" + t);
            long id = random.nextInt(1_500);
            Row key = switch (random.nextInt(4)) {
                case 0 -> Row.of(KEY, id);
                case 1 -> id % 100 == 0 ? Row.of(KEY, (Object) null) : Row.of(KEY, id << 33);
                case 2 -> Row.of(text, "k" + id);
                default -> Row.of(pair, id, "p" + (id % 7));
            };
            TableKey tk = new TableKey(table, key);
            int action = random.nextInt(10);
            if (action < 4) {
                assertEquals(model.get(tk), store.get(table, key));
                StoredEntry e = StoredEntry.live(new Version(i, 0), key);
                store.put(table, key, e);
                model.put(tk, e);
            } else if (action < 6) {
                StoredEntry e = random.nextBoolean() ? StoredEntry.live(new Version(i, 0), key) : StoredEntry.tombstone(new Version(i, 0), i);
                store.put(table, key, e);
                model.put(tk, e);
            } else if (action < 8) {
                store.delete(new TableId(table.namespace(), table.name()), key);
                model.remove(tk);
            } else {
                assertEquals(model.get(tk), store.get(table, key));
            }
        }
        long tombstones = model.values().stream().filter(StoredEntry::isTombstone).count();
        assertEquals(tombstones, store.tombstoneCount());
        assertEquals(model.size() - tombstones, store.liveCount());
        model.forEach((k, e) -> assertEquals(e, store.get(new TableId(k.table().namespace(), k.table().name()), k.key()), k.toString()));
        Map<TableKey, Row> live = new HashMap<>();
        store.forEachLive(live::put);
        assertEquals(model.size() - tombstones, live.size());
        model.forEach((k, e) -> assertEquals(e.row(), live.get(k)));
        for (int t = 0; t < 20; t++) {
            TableId table = TableId.of("public", "t" + t);
            assertHoldsInKeyOrder(live.keySet().stream().filter(k -> k.table().equals(table)).map(TableKey::key).toList(),
                    store.liveKeyIndex(new TableId("public", "t" + t)));
        }
    }

    /** A key's mark stays with the key when the table grows and when a delete shifts slots back. */
    @Test
    void marksStayWithTheirKeysThroughGrowthAndBackwardShifts() {
        InMemoryShardStateStore store = new InMemoryShardStateStore();
        for (long id = 0; id < 3_000; id++) {
            Row key = Row.of(KEY, id);
            store.get(T, key);
            store.put(T, key, StoredEntry.live(new Version(id, 0), key));
            if (id % 3 == 0) {
                store.markLast(5, (int) id);
            }
        }
        for (long id = 1; id < 3_000; id += 6) {
            store.delete(T, Row.of(KEY, id));
        }
        for (long id = 0; id < 3_000; id++) {
            StoredEntry e = store.get(T, Row.of(KEY, id));
            boolean deleted = id % 6 == 1;
            assertEquals(deleted, e == null, "key " + id);
            assertEquals(!deleted && id % 3 == 0 ? (int) id : -1, store.lastMark(5), "key " + id);
            assertEquals(-1, store.lastMark(6), "key " + id);
        }
        store.clearMarks();
        store.get(T, Row.of(KEY, 3L));
        assertEquals(-1, store.lastMark(5));
    }

    /**
     * The live key index skips tombstones and other tables' keys, and a table whose keys are not all single
     * integers (a string key beside integer ones) is indexed from its key rows, in the same key order.
     */
    @Test
    void liveKeyIndexHoldsTheTablesLiveKeysOfAnyShape() {
        RowSchema text = RowSchema.of(new String[] {"code"}, new FieldType[] {FieldType.STRING});
        InMemoryShardStateStore store = new InMemoryShardStateStore();
        List<Row> liveT = new ArrayList<>();
        for (long id = 0; id < 600; id++) {
            Row key = Row.of(KEY, 1_000 - 3 * id);
            store.put(T, key, id % 5 == 0 ? StoredEntry.tombstone(new Version(id, 0), id) : StoredEntry.live(new Version(id, 0), key));
            if (id % 5 != 0) {
                liveT.add(key);
            }
            store.put(U, Row.of(KEY, id), StoredEntry.live(new Version(id, 0), Row.of(KEY, id)));
        }
        Row overwritten = Row.of(KEY, 1_000L); // id 0: a tombstone, now live again
        store.put(T, overwritten, StoredEntry.live(new Version(700, 0), overwritten));
        liveT.add(overwritten);
        assertHoldsInKeyOrder(liveT, store.liveKeyIndex(T));

        Row textKey = Row.of(text, "z");
        store.put(T, textKey, StoredEntry.live(new Version(701, 0), textKey));
        liveT.add(textKey);
        assertHoldsInKeyOrder(liveT, store.liveKeyIndex(T));
        assertEquals(600, store.liveKeyIndex(U).size());
    }

    /** Also used by {@link SerializedShardStateStoreTest}. */
    static void assertHoldsInKeyOrder(List<Row> expected, HeldKeyIndex index) {
        List<Row> sorted = new ArrayList<>(expected);
        sorted.sort(RowOrder.INSTANCE);
        assertEquals(sorted.size(), index.size());
        for (int r = 0; r < sorted.size(); r++) {
            assertEquals(sorted.get(r), index.keyAt(r), "rank " + r);
            assertEquals(r, index.rankOf(sorted.get(r)));
        }
    }
}
