package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.digest.RowHasher;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sharding v2's encoder writes exactly the canonical (table, key) bytes of the state digest's RowHasher. */
class TableKeyEncoderTest {
    private static final FieldType[] VALUE_TYPES = {FieldType.INT64, FieldType.STRING, FieldType.BOOLEAN, FieldType.FLOAT64,
            FieldType.DECIMAL, FieldType.BYTES, FieldType.TIMESTAMP_MICROS, FieldType.DATE};

    private static Object value(FieldType t, Random r) {
        return switch (t) {
            case INT64, TIMESTAMP_MICROS, DATE -> r.nextLong();
            case STRING -> "x\u00e9\u6f22 ".repeat(r.nextInt(r.nextInt(4) == 0 ? 300 : 4));
            case BOOLEAN -> r.nextBoolean();
            case FLOAT64 -> r.nextDouble() * 1e6;
            case DECIMAL -> new BigDecimal(new BigInteger(r.nextInt(300), r).subtract(BigInteger.TEN), r.nextInt(10));
            case BYTES -> new byte[r.nextInt(r.nextInt(4) == 0 ? 900 : 5)];
            case NULL -> null;
        };
    }

    private static void assertSameBytes(TableKeyEncoder enc, RowHasher ref, TableId t, Row key) {
        int n = enc.encode(t, key);
        assertArrayEquals(ref.canonicalTableKeyEncoding(t, key), Arrays.copyOf(enc.buffer(), n), t + " " + key);
    }

    @Test
    void encodesEveryTypeNullsLongValuesAndManyTablesAsRowHasherDoes() {
        Random r = new Random(11);
        TableKeyEncoder enc = new TableKeyEncoder();
        RowHasher ref = new RowHasher();
        TableId[] tables = new TableId[20];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = TableId.of(i % 3 == 0 ? "" : "ns\u00e4" + i, "t" + i);
        }
        for (int i = 0; i < 5_000; i++) {
            int fields = r.nextInt(6);
            String[] names = new String[fields];
            FieldType[] types = new FieldType[fields];
            Object[] values = new Object[fields];
            for (int f = 0; f < fields; f++) {
                names[f] = "k" + f + (f == 2 ? "\u00fc" : "");
                types[f] = r.nextInt(30) == 0 ? FieldType.NULL : VALUE_TYPES[r.nextInt(VALUE_TYPES.length)];
                values[f] = r.nextInt(6) == 0 ? null : value(types[f], r);
            }
            assertSameBytes(enc, ref, tables[r.nextInt(tables.length)], Row.of(RowSchema.of(names, types), values));
        }
    }

    @Test
    void repeatedEqualStringsAsOtherObjectsStillEncodeTheirOwnValue() {
        TableKeyEncoder enc = new TableKeyEncoder();
        RowHasher ref = new RowHasher();
        RowSchema s = RowSchema.of(new String[] {"k"}, new FieldType[] {FieldType.STRING});
        TableId t = TableId.of("public", "kv");
        for (String v : new String[] {"a", new String("a"), "b", "a", "", "\u00fc".repeat(1000), "a"}) {
            assertSameBytes(enc, ref, t, Row.of(s, v));
        }
    }

    @Test
    void rejectsAValueInANullTypedFieldAndAMissingKey() {
        TableKeyEncoder enc = new TableKeyEncoder();
        TableId t = TableId.of("public", "kv");
        assertThrows(IllegalArgumentException.class,
                () -> enc.encode(t, Row.wrapTrusted(RowSchema.of(new String[] {"k"}, new FieldType[] {FieldType.NULL}), new Object[] {1L})));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(t, null));
    }
}
