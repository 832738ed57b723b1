package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random tables (random field types, keys, wide rows), a random receiver state and a random, state-
 * consistent op sequence over them: inserts, updates of random field subsets (to and from null),
 * deletes (also of keys inserted earlier in the same batch), re-inserts, and schema changes (a column
 * added: updates become replaces). Values include extremes, empty and padded strings and non-ASCII text.
 */
final class RandomBatches {
    private static final FieldType[] TYPES = FieldType.values();
    private static final String[] WORDS = {"", "a", "blank  ", "grüße", "日本語", "emoji \uD83D\uDE00", "x".repeat(300), "  lead"};

    final SplittableRandom r;
    final Map<TableId, TableSchema> schemas = new LinkedHashMap<>();
    final Map<TableId, TableSchema> evolved = new HashMap<>();
    /** The receiver state before the batch. */
    final Map<TableId, Map<Row, Row>> before = new HashMap<>();
    /** The state as ops are generated. */
    final Map<TableId, Map<Row, Row>> current = new HashMap<>();

    RandomBatches(long seed) {
        r = new SplittableRandom(seed);
        int tables = 1 + r.nextInt(3);
        for (int t = 0; t < tables; t++) {
            TableId id = TableId.of(r.nextBoolean() ? "" : "ns" + t, "table_" + t);
            TableSchema s = randomSchema(id);
            schemas.put(id, s);
            evolved.put(id, withExtraColumn(s));
            Map<Row, Row> rows = new HashMap<>();
            for (int i = r.nextInt(20); i > 0; i--) {
                Row row = randomRow(s, null);
                rows.put(keyOf(s, row), row);
            }
            before.put(id, rows);
            current.put(id, new HashMap<>(rows));
        }
    }

    /** The rows and (for v3 rank-coded keys) the ordered keys held before the batch. */
    RowLookup lookup() {
        return new RowLookup() {
            @Override
            public Row get(TableId t, Row key) {
                return before.getOrDefault(t, Map.of()).get(key);
            }

            @Override
            public HeldKeyIndex heldKeys(TableId t) {
                return HeldKeyIndex.of(before.getOrDefault(t, Map.of()).keySet());
            }
        };
    }

    private TableSchema randomSchema(TableId id) {
        int n = 1 + (r.nextInt(10) == 0 ? r.nextInt(60) : r.nextInt(8));
        String[] names = new String[n];
        FieldType[] types = new FieldType[n];
        for (int i = 0; i < n; i++) {
            names[i] = (i % 3 == 0 ? "féld_" : "f") + i;
            types[i] = TYPES[r.nextInt(TYPES.length)];
        }
        int keys = 1 + r.nextInt(Math.min(3, n));
        String[] kn = new String[keys];
        FieldType[] kt = new FieldType[keys];
        for (int k = 0; k < keys; k++) {
            // Keys are never NULL-typed and never null; INT64 or STRING keep them realistic.
            types[k] = r.nextBoolean() ? FieldType.INT64 : FieldType.STRING;
        }
        for (int k = 0; k < keys; k++) {
            int idx = keys - 1 - k; // key order differs from field order
            kn[k] = names[idx];
            kt[k] = types[idx];
        }
        return TableSchema.of(id, RowSchema.of(names, types), RowSchema.of(kn, kt));
    }

    private static TableSchema withExtraColumn(TableSchema s) {
        RowSchema rs = s.rowSchema();
        String[] names = new String[rs.size() + 1];
        FieldType[] types = new FieldType[rs.size() + 1];
        for (int i = 0; i < rs.size(); i++) {
            names[i] = rs.name(i);
            types[i] = rs.type(i);
        }
        names[rs.size()] = "added_later";
        types[rs.size()] = FieldType.INT64;
        return TableSchema.of(s.table(), RowSchema.of(names, types), s.keySchema());
    }

    static Row keyOf(TableSchema s, Row row) {
        int[] k = s.keyIndexes();
        Object[] v = new Object[k.length];
        for (int i = 0; i < k.length; i++) {
            v[i] = row.get(k[i]);
        }
        return Row.of(s.keySchema(), v);
    }

    Object randomValue(FieldType t, boolean nullable) {
        if (nullable && r.nextInt(5) == 0) {
            return null;
        }
        switch (t) {
            case NULL: return null;
            case BOOLEAN: return r.nextBoolean();
            case INT64: case TIMESTAMP_MICROS: case DATE:
                switch (r.nextInt(6)) {
                    case 0: return Long.MIN_VALUE;
                    case 1: return Long.MAX_VALUE;
                    case 2: return r.nextLong();
                    default: return (long) r.nextInt(-1000, 1000);
                }
            case FLOAT64:
                double[] specials = {Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.MIN_VALUE, 1e300};
                return r.nextBoolean() ? specials[r.nextInt(specials.length)] : r.nextDouble() * 1e6;
            case DECIMAL:
                return new BigDecimal(new BigInteger(r.nextInt(1, 120), new java.util.Random(r.nextLong()))
                        .multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1)), r.nextInt(-5, 20));
            case STRING:
                if (r.nextInt(4) == 0) {
                    return String.format("%-6s", "c" + r.nextInt(100)); // char(6)-style padding
                }
                return r.nextInt(3) == 0 ? WORDS[r.nextInt(WORDS.length)] : "v" + r.nextInt(50) + WORDS[r.nextInt(4)];
            case BYTES:
                byte[] b = new byte[r.nextInt(6)];
                r.nextBytes(b);
                return b;
            default: throw new IllegalStateException(t.toString());
        }
    }

    Row randomRow(TableSchema s, Row key) {
        RowSchema rs = s.rowSchema();
        Object[] v = new Object[rs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = randomValue(rs.type(i), true);
        }
        int[] k = s.keyIndexes();
        for (int i = 0; i < k.length; i++) {
            v[k[i]] = key != null ? key.get(i) : rs.type(k[i]) == FieldType.INT64 ? (Object) (long) r.nextInt(40) : "k" + r.nextInt(40);
        }
        return Row.of(rs, v);
    }

    /** {@code n} ops, consistent with the state they are generated against (which they update). */
    List<DeltaOp> ops(int n) {
        List<DeltaOp> ops = new ArrayList<>(n);
        List<TableId> tables = new ArrayList<>(schemas.keySet());
        while (ops.size() < n) {
            TableId t = tables.get(r.nextInt(tables.size()));
            Map<Row, Row> rows = current.get(t);
            int what = r.nextInt(10);
            if (rows.isEmpty() || what < 3) {
                TableSchema s = r.nextInt(8) == 0 ? evolved.get(t) : schemas.get(t);
                Row row = randomRow(s, null);
                Row key = keyOf(s, row);
                rows.put(key, row);
                ops.add(new DeltaOp.Insert(t, key, row));
                continue;
            }
            List<Row> keys = new ArrayList<>(rows.keySet());
            keys.sort(java.util.Comparator.comparing(Row::toString)); // deterministic pick
            Row key = keys.get(r.nextInt(keys.size()));
            Row old = rows.get(key);
            if (what < 5) {
                rows.remove(key);
                ops.add(new DeltaOp.Delete(t, key, old));
            } else if (what == 5 && old.schema() != evolved.get(t).rowSchema()) {
                Row row = randomRow(evolved.get(t), key);
                rows.put(key, row);
                ops.add(new DeltaOp.Update(t, key, old, row));
            } else {
                Object[] v = new Object[old.size()];
                TableSchema s = old.schema().equals(schemas.get(t).rowSchema()) ? schemas.get(t) : evolved.get(t);
                java.util.Set<Integer> keyIdx = new java.util.HashSet<>();
                for (int k : s.keyIndexes()) {
                    keyIdx.add(k);
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = old.get(i);
                    if (!keyIdx.contains(i) && r.nextInt(3) == 0) {
                        Object o = old.get(i);
                        v[i] = o instanceof Long l && r.nextBoolean() ? (Object) (l + r.nextInt(-3, 4)) : randomValue(old.schema().type(i), true);
                    }
                }
                Row row = Row.of(old.schema(), v);
                rows.put(key, row);
                ops.add(new DeltaOp.Update(t, key, old, row));
            }
        }
        return ops;
    }
}
