package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The order-statistics index of held keys against a {@link TreeSet} model, through block splits and removals. */
class HeldKeyIndexTest {
    private static final RowSchema ID = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    private static final RowSchema PAIR = RowSchema.of(new String[] {"name", "n"}, new FieldType[] {FieldType.STRING, FieldType.INT64});

    private static Row id(long v) {
        return Row.of(ID, v);
    }

    @Property(tries = 60)
    void rankAndSelectAgreeWithASortedSetAfterAnyAddsAndRemoves(@ForAll long seed,
                                                                @ForAll @IntRange(min = 0, max = 3000) int initial,
                                                                @ForAll @IntRange(min = 0, max = 4000) int changes) {
        SplittableRandom r = new SplittableRandom(seed);
        long space = 1 + r.nextInt(20_000);
        TreeSet<Long> model = new TreeSet<>();
        while (model.size() < Math.min(initial, space / 2)) {
            model.add(r.nextLong(space) - space / 2);
        }
        List<Row> keys = new ArrayList<>();
        model.forEach(v -> keys.add(id(v)));
        HeldKeyIndex index = HeldKeyIndex.of(keys);
        for (int c = 0; c < changes; c++) {
            long v = r.nextLong(space) - space / 2;
            if (model.contains(v)) {
                model.remove(v);
                index.remove(id(v));
            } else {
                model.add(v);
                index.add(id(v));
            }
            if (c % 97 == 0) {
                check(model, index, r);
            }
        }
        check(model, index, r);
    }

    private static void check(TreeSet<Long> model, HeldKeyIndex index, SplittableRandom r) {
        assertEquals(model.size(), index.size());
        long rank = 0;
        for (long v : model) {
            if (r.nextInt(8) == 0 || rank < 3 || rank >= model.size() - 3) {
                assertEquals(rank, index.rankOf(id(v)), "rank of " + v);
                assertEquals(id(v), index.keyAt(rank), "key at " + rank);
            }
            rank++;
        }
        long absent = model.isEmpty() ? 0 : model.last() + 1;
        assertEquals(-1, index.rankOf(id(absent)));
    }

    @Test
    void multiFieldKeysRankInKeyOrderNullFirst() {
        Row a = Row.of(PAIR, null, 5L);
        Row b = Row.of(PAIR, "Zürich", null);
        Row c = Row.of(PAIR, "Zürich", 1L);
        Row d = Row.of(PAIR, "a", 0L);
        HeldKeyIndex index = HeldKeyIndex.of(List.of(d, c, b, a));
        assertEquals(List.of(a, b, c, d), List.of(index.keyAt(0), index.keyAt(1), index.keyAt(2), index.keyAt(3)));
        assertEquals(2, index.rankOf(c));
    }

    @Test
    void aKeyThatOrdersEqualButHasOtherFieldsIsNotHeld() {
        RowSchema other = RowSchema.of(new String[] {"other_id"}, new FieldType[] {FieldType.INT64});
        HeldKeyIndex index = HeldKeyIndex.of(List.of(id(1), id(2)));
        assertEquals(-1, index.rankOf(Row.of(other, 2L)));
        assertEquals(1, index.rankOf(id(2)));
    }

    @Test
    void anIndexOfIntegerKeysOfOneDeclaredSchemaKeepsNoRowsUntilAKeyOfAnotherShapeOrSchemaComes() {
        RowSchema other = RowSchema.of(new String[] {"other_id"}, new FieldType[] {FieldType.INT64});
        int n = 3 * HeldKeyIndex.MAX_BLOCK; // several blocks, and splits on the adds below
        long[] values = new long[n];
        Row[] keys = new Row[n];
        for (int i = 0; i < n; i++) {
            values[i] = 2L * (n - i); // descending: the build sorts
            keys[i] = id(values[i]);
        }
        HeldKeyIndex index = HeldKeyIndex.ofIntegerKeys(values, keys, n);
        assertTrue(index.keepsRows());
        index.declareKeySchema(ID);
        assertFalse(index.keepsRows());
        for (long v = 1; v < n; v += 2) { // odd keys between the held even ones, then every other removed
            index.add(id(v));
        }
        for (long v = 2; v <= 2L * n; v += 4) {
            index.remove(id(v));
        }
        assertFalse(index.keepsRows());
        TreeSet<Long> expected = new TreeSet<>();
        for (long v = 1; v <= 2L * n; v++) {
            if (v % 2 == 1 ? v < n : (v - 2) % 4 != 0) {
                expected.add(v);
            }
        }
        assertEquals(expected.size(), index.size());
        long rank = 0;
        for (long v : expected) {
            assertEquals(rank, index.rankOf(id(v)), "rank of " + v);
            assertEquals(id(v), index.keyAt(rank), "key at " + rank);
            assertEquals(-1, index.rankOf(Row.of(other, v)), "same value, other schema");
            rank++;
        }
        assertEquals(-1, index.rankOf(Row.of(PAIR, "x", 1L)));

        index.add(Row.of(other, 2L * n + 1)); // another schema object: the rows are built, with the declared schema
        assertTrue(index.keepsRows());
        rank = 0;
        for (long v : expected) {
            assertEquals(id(v), index.keyAt(rank), "key at " + rank + " after the rows were built");
            assertEquals(rank++, index.rankOf(id(v)));
        }
        assertEquals(Row.of(other, 2L * n + 1), index.keyAt(rank));
        assertEquals(rank, index.rankOf(Row.of(other, 2L * n + 1)));

        HeldKeyIndex shapes = HeldKeyIndex.ofIntegerKeys(new long[] {1, 2}, new Row[] {id(1), id(2)}, 2);
        shapes.declareKeySchema(ID);
        shapes.add(Row.of(PAIR, "a", 1L)); // a key that is not one integer
        assertTrue(shapes.keepsRows());
        for (Row key : List.of(id(1), id(2), Row.of(PAIR, "a", 1L))) {
            assertEquals(key, shapes.keyAt(shapes.rankOf(key)), String.valueOf(key));
        }
        assertEquals(3, shapes.size());
    }

    @Test
    void aKeyOfAnotherSchemaObjectIsHeldOnlyWhenEqualWhateverSchemaTheIndexKnows() {
        RowSchema other = RowSchema.of(new String[] {"other_id"}, new FieldType[] {FieldType.INT64});
        HeldKeyIndex declared = HeldKeyIndex.ofIntegerKeys(new long[] {1, 2}, new Row[] {id(1), id(2)}, 2);
        declared.declareKeySchema(ID);
        assertEquals(1, declared.rankOf(id(2)));
        assertEquals(-1, declared.rankOf(Row.of(other, 2L)));
        declared.add(Row.of(other, 3L)); // the held keys' schemas are no longer one object
        assertEquals(-1, declared.rankOf(id(3)));
        assertEquals(2, declared.rankOf(Row.of(other, 3L)));
        assertEquals(1, declared.rankOf(id(2)));

        HeldKeyIndex grown = HeldKeyIndex.of(List.of()); // an empty index learns the schema of its first key
        grown.add(Row.of(other, 5L));
        grown.add(Row.of(other, 7L));
        assertEquals(1, grown.rankOf(Row.of(other, 7L)));
        assertEquals(-1, grown.rankOf(id(7)));
        grown.add(id(6));
        assertEquals(1, grown.rankOf(id(6)));
        assertEquals(-1, grown.rankOf(Row.of(other, 6L)));
        assertEquals(2, grown.rankOf(Row.of(other, 7L)));
    }

    @Test
    void misuseIsRefusedWithTheKeyNamed() {
        HeldKeyIndex index = HeldKeyIndex.of(List.of(id(1)));
        assertThrows(IllegalArgumentException.class, () -> index.add(id(1)));
        assertThrows(IllegalArgumentException.class, () -> index.remove(id(2)));
        assertThrows(IndexOutOfBoundsException.class, () -> index.keyAt(1));
        assertThrows(IllegalArgumentException.class, () -> HeldKeyIndex.of(List.of(id(3), id(3))));
    }

    @Test
    void aKeyOfAnotherShapeTurnsAnIntegerIndexIntoARowIndexThatStillRanksEveryKey() {
        HeldKeyIndex index = HeldKeyIndex.of(List.of(id(30), id(10), id(20)));
        Row other = Row.of(PAIR, "m", 1L);
        index.add(other);
        index.add(id(15));
        List<Row> expected = new ArrayList<>(List.of(id(10), id(15), id(20), id(30), other));
        expected.sort(KeyOrder.INSTANCE);
        for (int r = 0; r < expected.size(); r++) {
            assertEquals(expected.get(r), index.keyAt(r));
            assertEquals(r, index.rankOf(expected.get(r)));
        }
        index.remove(id(20));
        assertEquals(-1, index.rankOf(id(20)));
        assertEquals(4, index.size());
    }
}
