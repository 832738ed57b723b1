package io.snapdelta.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A reused hasher writes into each layout's buffer only what moved or changed since that layout's last encoding;
 * whatever the sequence of entries (lengths that shift later fields back and forth, nulls, equal strings as other
 * objects, an encoding that failed half-way), each encoding and hash equals a new hasher's.
 */
class RowHasherReuseTest {
    private static final TableId T = TableId.of("public", "t");
    private static final TableId U = TableId.of("s", "u");
    private static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    private static final RowSchema SKEY = RowSchema.of(new String[] {"name"}, new FieldType[] {FieldType.STRING});
    private static final RowSchema WIDE = RowSchema.of(
            new String[] {"id", "a", "b", "n", "d", "raw", "flag", "x", "c"},
            new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.STRING, FieldType.INT64, FieldType.DECIMAL,
                    FieldType.BYTES, FieldType.BOOLEAN, FieldType.FLOAT64, FieldType.STRING});
    private static final RowSchema NARROW = RowSchema.of(new String[] {"id", "filler"},
            new FieldType[] {FieldType.INT64, FieldType.STRING});
    private static final RowSchema WITH_NULL_TYPE = RowSchema.of(new String[] {"id", "a", "nothing", "b"},
            new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.NULL, FieldType.STRING});
    /** Short and long values, and one beyond what a layout keeps between encodings (its buffer is then dropped). */
    private static final String[] STRINGS = {"", "x", "héllo", "a".repeat(84), "b".repeat(84), "c".repeat(200),
            "d".repeat(70_000)};

    private static String string(SplittableRandom r) {
        String s = STRINGS[r.nextInt(STRINGS.length)];
        return r.nextBoolean() ? s : new String(s); // an equal value as another object
    }

    private static Object maybeNull(SplittableRandom r, Object v) {
        return r.nextInt(6) == 0 ? null : v;
    }

    private static Object[] entry(SplittableRandom r) {
        long id = r.nextLong(1000);
        return switch (r.nextInt(4)) {
            case 0 -> new Object[] {T, Row.of(KEY, id), Row.of(NARROW, id, maybeNull(r, string(r)))};
            case 1 -> new Object[] {U, Row.of(SKEY, string(r)), Row.of(NARROW, id, string(r))};
            default -> {
                byte[] raw = new byte[r.nextInt(40)];
                r.nextBytes(raw);
                yield new Object[] {T, Row.of(KEY, id), Row.of(WIDE, id, maybeNull(r, string(r)), maybeNull(r, string(r)),
                        maybeNull(r, r.nextLong()), maybeNull(r, BigDecimal.valueOf(r.nextLong(), r.nextInt(5))),
                        maybeNull(r, raw), maybeNull(r, r.nextBoolean()), maybeNull(r, r.nextDouble()),
                        maybeNull(r, string(r)))};
            }
        };
    }

    @Test
    void aReusedHasherEncodesAndHashesEveryEntryAsANewOne() {
        for (DigestVersion version : DigestVersion.values()) {
            SplittableRandom r = new SplittableRandom(7);
            RowHasher reused = new RowHasher(version);
            long[] lanes = new long[StateDigest.LANES];
            long[] expected = new long[StateDigest.LANES];
            for (int i = 0; i < 20_000; i++) {
                Object[] e = entry(r);
                TableId t = (TableId) e[0];
                Row key = (Row) e[1];
                Row row = (Row) e[2];
                RowHasher fresh = new RowHasher(version);
                if (i % 3 == 0) {
                    assertArrayEquals(fresh.canonicalTableKeyEncoding(t, key), reused.canonicalTableKeyEncoding(t, key), "key " + i);
                }
                assertArrayEquals(new RowHasher(version).canonicalEncoding(t, key, row), reused.canonicalEncoding(t, key, row),
                        "entry " + i + " " + row);
                reused.hashEntry(t, key, row, lanes);
                fresh.hashEntry(t, key, row, expected);
                assertArrayEquals(expected, lanes, "entry " + i);
            }
        }
    }

    /** An encoding that fails half-way (a value in a NULL-typed field) leaves the next encoding of its layout correct. */
    @Test
    void anEncodingThatFailsLeavesTheNextOneCorrect() {
        RowHasher reused = new RowHasher(DigestVersion.V2);
        Row key = Row.of(KEY, 1L);
        Row shortFirst = Row.wrapTrusted(WITH_NULL_TYPE, new Object[] {1L, "a", null, "tail-1"});
        Row failing = Row.wrapTrusted(WITH_NULL_TYPE, new Object[] {1L, "a much longer first string", "oops", "t"});
        Row shortAgain = Row.wrapTrusted(WITH_NULL_TYPE, new Object[] {1L, "a", null, "tail-1"});
        reused.canonicalEncoding(T, key, shortFirst);
        assertThrows(IllegalArgumentException.class, () -> reused.canonicalEncoding(T, key, failing));
        assertArrayEquals(new RowHasher(DigestVersion.V2).canonicalEncoding(T, key, shortAgain), reused.canonicalEncoding(T, key, shortAgain));
    }
}
