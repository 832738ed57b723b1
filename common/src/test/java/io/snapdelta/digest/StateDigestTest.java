package io.snapdelta.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StateDigestTest {
    /** The entry of the digest specs' worked example (state-digest-v1.md §3, reused by v2's). */
    private record WorkedExample(TableId table, Row key, Row row) {
        static final WorkedExample ENTRY = new WorkedExample(TableId.of("public", "t"),
                Row.of(RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64}), 1L),
                Row.of(RowSchema.of(new String[] {"id", "v", "d", "n"},
                                new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.DECIMAL, FieldType.BOOLEAN}),
                        1L, "\u00e9", new BigDecimal("-1.50"), null));
    }

    /** Pinned by the spec (schemas/state-digest-v1.md) and recomputed by schemas/tools/state_digest.py. */
    static final String GOLDEN_DIGEST = "babe4703743cf89feeb3fff2a7207ec982eb2b9fadfe4175734400d7d4be2419";
    /** The same golden state's v2 digest: pinned by schemas/state-digest-v2.md §4, recomputed by the Python tool. */
    static final String GOLDEN_DIGEST_V2 = "3db18d436c4a4c0d63f2bf65e385d4e98b30e51b694bad01f1f2bcf2fa271137";

    private static final TableId T = TableId.of("public", "t");
    private static final TableId U = TableId.of("public", "u");
    private static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    private static final RowSchema ROW = RowSchema.of(new String[] {"id", "v"}, new FieldType[] {FieldType.INT64, FieldType.STRING});

    private static Row key(long id) {
        return Row.of(KEY, id);
    }

    private static Row row(long id, String v) {
        return Row.of(ROW, id, v);
    }

    static StateDigest digestOf(List<StateFixture.Entry> entries) {
        return digestOf(entries, DigestVersion.V1);
    }

    static StateDigest digestOf(List<StateFixture.Entry> entries, DigestVersion version) {
        StateDigest d = new StateDigest(version);
        for (StateFixture.Entry e : entries) {
            d.add(e.table(), e.key(), e.row());
        }
        return d;
    }

    @Test
    void goldenStateHasThePinnedDigest() throws Exception {
        assertEquals(GOLDEN_DIGEST, digestOf(StateFixture.load("/digest/golden-state-v1.json")).toHex());
    }

    @Test
    void goldenStateHasThePinnedV2Digest() throws Exception {
        assertEquals(GOLDEN_DIGEST_V2, digestOf(StateFixture.load("/digest/golden-state-v1.json"), DigestVersion.V2).toHex());
    }

    @Test
    void v2DigestIsIndependentOfOrderAndReturnsToEmptyWhenEverythingIsRemoved() throws Exception {
        List<StateFixture.Entry> entries = new ArrayList<>(StateFixture.load("/digest/golden-state-v1.json"));
        Random rnd = new Random(43);
        for (int i = 0; i < 10; i++) {
            Collections.shuffle(entries, rnd);
            assertEquals(GOLDEN_DIGEST_V2, digestOf(entries, DigestVersion.V2).toHex());
        }
        StateDigest d = digestOf(entries, DigestVersion.V2);
        assertEquals(DigestVersion.V2, d.copy().version());
        for (StateFixture.Entry e : entries) {
            d.remove(e.table(), e.key(), e.row());
        }
        assertTrue(d.isEmptyStateDigest());
    }

    /**
     * schemas/state-digest-v2.md §3: the v1 example's entry with version byte 2, and its two XXH3-128 hashes as
     * the four lanes (high half of seed 0's first); the lanes also equal XXH3-128 computed here on the encoding.
     */
    @Test
    void v2SpecWorkedExampleEncodesAndHashesAsDocumented() {
        WorkedExample e = WorkedExample.ENTRY;
        TableId t = e.table();
        Row k = e.key();
        Row r = e.row();
        byte[] enc = new RowHasher(DigestVersion.V2).canonicalEncoding(t, k, r);
        assertEquals("02000000067075626c69630000000174000000010000000269640201000000000000000100000004000000026964"
                + "020100000000000000010000000176050100000002c3a9000000016404010000000200000002ff6a000000016e0100",
                HexFormat.of().formatHex(enc));
        StateDigest d = new StateDigest(DigestVersion.V2);
        d.add(t, k, r);
        assertEquals("94a41ccd74c246889afe783125d66ab86da6b5cde3025d9c563e18e099697e19", d.toHex());
        long[] seed0 = net.openhft.hashing.LongTupleHashFunction.xx128(0).hashBytes(enc);
        long[] seed1 = net.openhft.hashing.LongTupleHashFunction.xx128(1).hashBytes(enc);
        assertArrayEquals(new long[] {seed0[1], seed0[0], seed1[1], seed1[0]},
                new long[] {d.lane(0), d.lane(1), d.lane(2), d.lane(3)});
        StateDigest v1 = new StateDigest();
        v1.add(t, k, r);
        assertNotEquals(v1, d, "v1 and v2 digests of the same state differ");
    }

    @Test
    void emptyStateDigestIsAllZeros() {
        StateDigest d = new StateDigest();
        assertTrue(d.isEmptyStateDigest());
        assertArrayEquals(new byte[StateDigest.BYTES], d.toBytes());
    }

    @Test
    void digestIsIndependentOfTheOrderEntriesAreAdded() throws Exception {
        List<StateFixture.Entry> entries = new ArrayList<>(StateFixture.load("/digest/golden-state-v1.json"));
        Random rnd = new Random(42);
        for (int i = 0; i < 10; i++) {
            Collections.shuffle(entries, rnd);
            assertEquals(GOLDEN_DIGEST, digestOf(entries).toHex());
        }
    }

    @Test
    void identicalRowsUnderDifferentKeysDoNotCancel() {
        StateDigest one = new StateDigest();
        one.add(T, key(1), row(1, "x"));
        StateDigest two = one.copy();
        two.add(T, key(1), row(1, "x"));
        assertNotEquals(one, two, "adding the same entry twice must not cancel like XOR would");
        assertTrue(!two.isEmptyStateDigest());

        StateDigest sameRowTwoTables = new StateDigest();
        sameRowTwoTables.add(T, key(1), row(1, "x"));
        sameRowTwoTables.add(U, key(1), row(1, "x"));
        assertNotEquals(one, sameRowTwoTables);
        assertTrue(!sameRowTwoTables.isEmptyStateDigest());

        StateDigest sameRowTwoKeys = new StateDigest();
        sameRowTwoKeys.add(T, key(1), row(1, "x"));
        sameRowTwoKeys.add(T, key(2), row(1, "x"));
        assertNotEquals(one, sameRowTwoKeys);
        assertTrue(!sameRowTwoKeys.isEmptyStateDigest());
    }

    @Test
    void tableKeyAndRowBoundariesAreUnambiguous() {
        // "ab"+"c" and "a"+"bc" must encode differently: every string is length-prefixed.
        RowHasher h = new RowHasher();
        byte[] a = h.canonicalEncoding(TableId.of("ab", "c"), key(1), row(1, "x"));
        byte[] b = h.canonicalEncoding(TableId.of("a", "bc"), key(1), row(1, "x"));
        assertNotEquals(HexFormat.of().formatHex(a), HexFormat.of().formatHex(b));
        StateDigest da = new StateDigest();
        da.add(TableId.of("ab", "c"), key(1), row(1, "x"));
        StateDigest db = new StateDigest();
        db.add(TableId.of("a", "bc"), key(1), row(1, "x"));
        assertNotEquals(da, db);
    }

    @Test
    void nullDiffersFromEmptyStringAndFromTypedZero() {
        StateDigest nul = new StateDigest();
        nul.add(T, key(1), row(1, null));
        StateDigest empty = new StateDigest();
        empty.add(T, key(1), row(1, ""));
        assertNotEquals(nul, empty);
        RowSchema dec = RowSchema.of(new String[] {"d"}, new FieldType[] {FieldType.DECIMAL});
        StateDigest scale1 = new StateDigest();
        scale1.add(T, key(1), Row.of(dec, new BigDecimal("1.0")));
        StateDigest scale2 = new StateDigest();
        scale2.add(T, key(1), Row.of(dec, new BigDecimal("1.00")));
        assertNotEquals(scale1, scale2, "a decimal's scale is part of the value as received");
    }

    @Test
    void incrementalDigestEqualsDigestRecomputedFromScratch() {
        Random rnd = new Random(7);
        Map<Long, Row> state = new HashMap<>();
        StateDigest incremental = new StateDigest();
        for (int step = 0; step < 5_000; step++) {
            long id = rnd.nextInt(200);
            Row old = state.get(id);
            int action = rnd.nextInt(3);
            if (action == 0 && old != null) {
                state.remove(id);
                incremental.remove(T, key(id), old);
            } else {
                Row next = row(id, rnd.nextInt(4) == 0 ? null : "v" + rnd.nextInt(50));
                state.put(id, next);
                if (old == null) {
                    incremental.add(T, key(id), next);
                } else {
                    incremental.replace(T, key(id), old, next);
                }
            }
            if (step % 997 == 0 || step == 4_999) {
                StateDigest scratch = new StateDigest();
                state.forEach((k, r) -> scratch.add(T, key(k), r));
                assertEquals(scratch, incremental, "after step " + step);
            }
        }
    }

    @Test
    void removingEverythingReturnsToTheEmptyDigest() throws Exception {
        List<StateFixture.Entry> entries = StateFixture.load("/digest/golden-state-v1.json");
        StateDigest d = digestOf(entries);
        for (StateFixture.Entry e : entries) {
            d.remove(e.table(), e.key(), e.row());
        }
        assertTrue(d.isEmptyStateDigest());
    }

    @Test
    void bytesAndHexRoundTrip() {
        StateDigest d = StateDigest.fromHex(GOLDEN_DIGEST);
        assertEquals(GOLDEN_DIGEST, d.toHex());
        byte[] padded = new byte[StateDigest.BYTES + 3];
        d.writeTo(padded, 3);
        assertEquals(d, StateDigest.fromBytes(padded, 3));
        assertThrows(IllegalArgumentException.class, () -> StateDigest.fromBytes(new byte[StateDigest.BYTES - 1], 0));
    }

    @Test
    void specWorkedExampleEncodesAndHashesAsDocumented() {
        WorkedExample e = WorkedExample.ENTRY;
        TableId t = e.table();
        Row k = e.key();
        Row r = e.row();
        assertEquals("01000000067075626c69630000000174000000010000000269640201000000000000000100000004000000026964"
                + "020100000000000000010000000176050100000002c3a9000000016404010000000200000002ff6a000000016e0100",
                HexFormat.of().formatHex(new RowHasher().canonicalEncoding(t, k, r)));
        StateDigest d = new StateDigest();
        d.add(t, k, r);
        assertEquals("dcb71cc48f48086f424ad740bc0c76c716b7267b79ef7059e9fa69a36af73889", d.toHex());
    }
}
