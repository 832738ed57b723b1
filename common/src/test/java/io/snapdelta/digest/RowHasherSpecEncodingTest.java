package io.snapdelta.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RowHasher} compiles each (table, key schema, row schema) into constant runs and writes only the
 * values per entry; this checks its bytes and hashes against a field-by-field encoder written straight from
 * {@code schemas/state-digest-v1.md} §2, over random schemas (every type, NULL, empty key and row schemas,
 * long and non-ASCII strings, equal strings as distinct objects) and one hasher reused across all of them.
 */
class RowHasherSpecEncodingTest {
    private static final FieldType[] TYPES = FieldType.values();

    /** The spec's encoding, one field at a time, with no caching of any kind. */
    static byte[] specEncoding(TableId table, Row key, Row row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        str(out, table.namespace());
        str(out, table.name());
        row(out, key);
        if (row != null) {
            row(out, row);
        }
        return out.toByteArray();
    }

    private static void row(ByteArrayOutputStream out, Row r) {
        RowSchema s = r.schema();
        u32(out, s.size());
        for (int i = 0; i < s.size(); i++) {
            str(out, s.name(i));
            out.write(s.type(i).id());
            Object v = r.get(i);
            out.write(v == null ? 0 : 1);
            if (v == null) {
                continue;
            }
            switch (s.type(i)) {
                case BOOLEAN -> out.write((Boolean) v ? 1 : 0);
                case INT64, TIMESTAMP_MICROS, DATE -> u64(out, (Long) v);
                case FLOAT64 -> u64(out, Double.doubleToLongBits((Double) v));
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    u32(out, d.scale());
                    bytes(out, d.unscaledValue().toByteArray());
                }
                case STRING -> str(out, (String) v);
                case BYTES -> bytes(out, (byte[]) v);
                default -> throw new AssertionError(s.type(i));
            }
        }
    }

    private static void str(ByteArrayOutputStream out, String s) {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        u32(out, b.length);
        out.write(b, 0, b.length);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        for (int s = 24; s >= 0; s -= 8) {
            out.write(v >>> s);
        }
    }

    private static void u64(ByteArrayOutputStream out, long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
    }

    private static RowSchema randomSchema(Random rnd, int maxFields) {
        int n = rnd.nextInt(maxFields + 1);
        String[] names = new String[n];
        FieldType[] types = new FieldType[n];
        for (int i = 0; i < n; i++) {
            names[i] = (rnd.nextInt(5) == 0 ? "fé" : "f") + i + "x".repeat(rnd.nextInt(3) == 0 ? 60 : 0);
            types[i] = TYPES[rnd.nextInt(TYPES.length)];
        }
        return RowSchema.of(names, types);
    }

    private static Object randomValue(Random rnd, FieldType type, List<String> strings) {
        if (type == FieldType.NULL || rnd.nextInt(6) == 0) {
            return null;
        }
        return switch (type) {
            case BOOLEAN -> rnd.nextBoolean();
            case INT64, TIMESTAMP_MICROS, DATE -> rnd.nextInt(3) == 0 ? Long.MIN_VALUE + rnd.nextInt(3) : rnd.nextLong();
            case FLOAT64 -> rnd.nextInt(4) == 0 ? Double.NaN : rnd.nextDouble() * 1e9;
            case DECIMAL -> new BigDecimal(new BigInteger(rnd.nextInt(200), rnd).subtract(BigInteger.TEN.pow(20)), rnd.nextInt(8) - 2);
            case STRING -> {
                // equal strings as the same object, as an equal copy, and fresh ones (short, long, non-ASCII)
                String s = strings.get(rnd.nextInt(strings.size()));
                yield rnd.nextBoolean() ? s : new String(s.toCharArray());
            }
            case BYTES -> {
                byte[] b = new byte[rnd.nextInt(rnd.nextInt(4) == 0 ? 900 : 9)];
                rnd.nextBytes(b);
                yield b;
            }
            default -> throw new AssertionError(type);
        };
    }

    private static Row randomRow(Random rnd, RowSchema schema, List<String> strings) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = randomValue(rnd, schema.type(i), strings);
        }
        return Row.of(schema, values);
    }

    @Test
    void entriesAndTableKeysEncodeAndHashAsTheSpecFieldByFieldEncoderDoes() throws Exception {
        Random rnd = new Random(20261127);
        List<String> strings = List.of("", "a", " ".repeat(84), "é".repeat(3), "\uD83D\uDE00 emoji", "x".repeat(2000), "b");
        TableId[] tables = {TableId.of("public", "t"), TableId.of("", "u"), TableId.of("ns", "tablé"), TableId.of("public", "t")};
        List<RowSchema[]> schemas = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            schemas.add(new RowSchema[] {randomSchema(rnd, 3), randomSchema(rnd, 7)});
        }
        schemas.add(new RowSchema[] {RowSchema.of(new String[0], new FieldType[0]), RowSchema.of(new String[0], new FieldType[0])});
        RowHasher reused = new RowHasher();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int e = 0; e < 3000; e++) {
            TableId table = tables[rnd.nextInt(tables.length)];
            if (rnd.nextInt(10) == 0) {
                table = TableId.of(table.namespace(), new String(table.name().toCharArray())); // equal, another object
            }
            RowSchema[] s = schemas.get(rnd.nextInt(schemas.size()));
            Row key = randomRow(rnd, s[0], strings);
            Row row = randomRow(rnd, s[1], strings);
            byte[] expected = specEncoding(table, key, row);
            String what = "entry " + e + " " + table + " " + key + " " + row;
            assertArrayEquals(expected, reused.canonicalEncoding(table, key, row), what);
            long[] lanes = new long[StateDigest.LANES];
            reused.hashEntry(table, key, row, lanes);
            byte[] h = sha.digest(expected);
            for (int i = 0; i < StateDigest.LANES; i++) {
                assertEquals(RowHasher.readLongBE(h, 8 * i), lanes[i], what + " lane " + i);
            }
            byte[] tableKey = specEncoding(table, key, null);
            assertArrayEquals(tableKey, reused.canonicalTableKeyEncoding(table, key), what);
            assertEquals(RowHasher.readLongBE(sha.digest(tableKey), 0), reused.hashTableKey(table, key), what);
        }
    }

    @Test
    void aValueInAFieldOfTypeNullAndAMissingRowAreRejectedByName() {
        RowSchema schema = RowSchema.of(new String[] {"nothing"}, new FieldType[] {FieldType.NULL});
        RowSchema key = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
        TableId t = TableId.of("public", "t");
        Object[] values = {"a value"};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RowHasher().hashEntry(t, Row.of(key, 1L), Row.wrapTrusted(schema, values), new long[4]));
        assertEquals("field 'nothing' of type NULL holds a value", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new RowHasher().hashEntry(t, Row.of(key, 1L), null, new long[4]));
        assertEquals("the state digest needs a row (got null)", missing.getMessage());
    }
}
