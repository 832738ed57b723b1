package io.snapdelta.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import org.junit.jupiter.api.Test;

class RowHasherTest {
    static final TableId T = TableId.of("public", "t");
    static final TableId U = TableId.of("s", "u");
    static final RowSchema KEY = RowSchema.of(new String[] {"name"}, new FieldType[] {FieldType.STRING});
    static final RowSchema ROW = RowSchema.of(new String[] {"name", "note", "n"},
            new FieldType[] {FieldType.STRING, FieldType.STRING, FieldType.INT64});
    static final RowSchema OTHER = RowSchema.of(new String[] {"note", "name"}, new FieldType[] {FieldType.STRING, FieldType.STRING});

    private static long[] fresh(TableId t, Row key, Row row) {
        long[] lanes = new long[StateDigest.LANES];
        new RowHasher().hashEntry(t, key, row, lanes);
        return lanes;
    }

    /**
     * One hasher reused over entries whose rows share string objects with the previous entry, change
     * them, alternate tables and schemas (its per-field cache of UTF-8 bytes) hashes each entry exactly as
     * a new hasher does.
     */
    @Test
    void aReusedHasherHashesEveryEntryLikeAFreshOne() {
        String filler = "x".repeat(84);
        String other = "é".repeat(3);
        Object[][] entries = {
                {T, Row.of(KEY, "a"), Row.of(ROW, "a", filler, 1L)},
                {T, Row.of(KEY, "b"), Row.of(ROW, "b", filler, 2L)},
                {T, Row.of(KEY, "b"), Row.of(ROW, "b", other, 2L)},
                {U, Row.of(KEY, "b"), Row.of(OTHER, filler, "b")},
                {T, Row.of(KEY, "c"), Row.of(ROW, "c", other, null)},
                {T, Row.of(KEY, filler), Row.of(ROW, filler, new String(filler), 3L)},
                {U, Row.of(KEY, other), Row.of(OTHER, other, other)},
        };
        RowHasher reused = new RowHasher();
        for (Object[] e : entries) {
            long[] lanes = new long[StateDigest.LANES];
            reused.hashEntry((TableId) e[0], (Row) e[1], (Row) e[2], lanes);
            assertArrayEquals(fresh((TableId) e[0], (Row) e[1], (Row) e[2]), lanes, "entry " + e[2]);
        }
    }

    /**
     * A reused hasher cycling through more tables than it caches prefixes for (and equal tables as distinct
     * objects, and non-ASCII names) hashes entries and table keys exactly as a fresh one does.
     */
    @Test
    void aReusedHasherCyclingThroughManyTablesHashesLikeAFreshOne() {
        RowHasher reused = new RowHasher();
        Row key = Row.of(KEY, "k");
        Row row = Row.of(ROW, "k", "note", 7L);
        for (int round = 0; round < 3; round++) {
            for (int t = 0; t < 13; t++) {
                TableId table = TableId.of(t % 2 == 0 ? "ns" + t : "", "täble_" + t);
                if (round == 2) {
                    table = TableId.of(table.namespace(), new String(table.name())); // equal, another object
                }
                long[] lanes = new long[StateDigest.LANES];
                reused.hashEntry(table, key, row, lanes);
                assertArrayEquals(fresh(table, key, row), lanes, "round " + round + ", table " + table);
                org.junit.jupiter.api.Assertions.assertEquals(new RowHasher().hashTableKey(table, key), reused.hashTableKey(table, key));
            }
        }
    }

    /**
     * A v2 hasher's encoding is the v1 encoding with first byte 2, its lanes are XXH3-128 of that encoding under
     * seeds 0 and 1 (high half first), a reused v2 hasher hashes like a fresh one, and it refuses the sharding v1
     * hash (whose encoding starts with byte 1).
     */
    @Test
    void aV2HasherHashesTheV1EncodingWithVersionByteTwoWithXxh3() {
        RowHasher v1 = new RowHasher();
        RowHasher v2 = new RowHasher(DigestVersion.V2);
        org.junit.jupiter.api.Assertions.assertEquals(DigestVersion.V1, v1.version());
        String filler = "x".repeat(300);
        Object[][] entries = {
                {T, Row.of(KEY, "a"), Row.of(ROW, "a", filler, 1L)},
                {U, Row.of(KEY, "b"), Row.of(OTHER, filler, "b")},
                {T, Row.of(KEY, "c"), Row.of(ROW, "c", "é", null)},
        };
        for (Object[] e : entries) {
            TableId t = (TableId) e[0];
            Row key = (Row) e[1];
            Row row = (Row) e[2];
            byte[] expected = v1.canonicalEncoding(t, key, row);
            expected[0] = 2;
            byte[] enc = v2.canonicalEncoding(t, key, row);
            assertArrayEquals(expected, enc);
            long[] s0 = net.openhft.hashing.LongTupleHashFunction.xx128(0).hashBytes(enc);
            long[] s1 = net.openhft.hashing.LongTupleHashFunction.xx128(1).hashBytes(enc);
            long[] lanes = new long[StateDigest.LANES];
            v2.hashEntry(t, key, row, lanes);
            assertArrayEquals(new long[] {s0[1], s0[0], s1[1], s1[0]}, lanes, "entry " + row);
            long[] fresh = new long[StateDigest.LANES];
            new RowHasher(DigestVersion.V2).hashEntry(t, key, row, fresh);
            assertArrayEquals(fresh, lanes);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> v2.hashTableKey(T, Row.of(KEY, "a")));
    }
}
