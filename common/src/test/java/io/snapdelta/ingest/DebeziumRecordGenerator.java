package io.snapdelta.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Random Debezium-like records for differential tests: both layouts, fields in random order, sometimes
 * duplicated or missing, values with escapes, non-ASCII text, lone surrogates, numbers at and beyond the
 * 64-bit range, nested junk in skipped fields, odd whitespace, occasional JsonConverter wrapping; and
 * mutations of them (truncation, byte flips, insertions, deletions).
 */
final class DebeziumRecordGenerator {
    private static final String[] COLUMN_NAMES = {"id", "aid", "bid", "tid", "filler", "abalance", "n\u00e4me", "a\\\"b", "x\\u0079", "col_1"};
    private static final String[] STRINGS = {"", "a", "pgbench_accounts", " ".repeat(84), "tab\\there", "quote\\\"s\\\\",
            "slash\\/", "\\u00e9t\\u00E9", "\\ud83d\\ude00", "\\ud800 lone", "caf\u00e9", "\u20ac\u4e2d", "\uD83D\uDE00", "ctl\\u0001",
            "\\b\\f\\n\\r", "x".repeat(40)};
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "1.5", "-0.0", "2E-3", "1e400",
            "-1e400", "6.02e+23", "1795584130776102874", "0.000001", "10e0"};
    private static final String[] OPS = {"r", "c", "u", "d", "t", "m", "x", "", "rr", "\\u0072"};
    private static final byte[] INTERESTING = {'"', '\\', '{', '}', '[', ']', ',', ':', 0, 0x1f, ' ', 'n', '0', '-', '.', 'e',
            (byte) 0x80, (byte) 0xC0, (byte) 0xC3, (byte) 0xE2, (byte) 0xED, (byte) 0xF0, (byte) 0xF4, (byte) 0xFF};

    private final Random random;

    DebeziumRecordGenerator(Random random) {
        this.random = random;
    }

    /** A record as Kafka would deliver it: key bytes (null for the line form) and value bytes. */
    record Generated(byte[] key, byte[] value) {
    }

    Generated record() {
        String table = chance(95) ? pick(new String[] {"pgbench_accounts", "pgbench_tellers", "t\u00e4ble", "orders"}) : "";
        String key = chance(10) ? "null" : image(1 + random.nextInt(2), true);
        String envelope = envelope(table);
        if (chance(8)) {
            envelope = "{\"schema\":null,\"payload\":" + envelope + "}";
        }
        if (chance(40)) {
            return new Generated(bytes(key), bytes(envelope));
        }
        StringBuilder line = new StringBuilder("{");
        boolean valueFirst = chance(30);
        String k = "\"key\":" + ws() + key;
        String v = "\"value\":" + ws() + (chance(5) ? "null" : envelope);
        line.append(valueFirst ? v : k).append(',').append(ws()).append(valueFirst ? k : v);
        if (chance(10)) {
            line.append(",\"offset\":").append(junk(3));
        }
        line.append('}');
        if (chance(5)) {
            line.append(pick(new String[] {" ", "\n", "\r\n", " x", "}", "{}"}));
        }
        return new Generated(null, bytes(line.toString()));
    }

    /** Flips, inserts, deletes a byte or truncates, once or a few times. */
    byte[] mutate(byte[] bytes) {
        byte[] b = bytes;
        int n = 1 + random.nextInt(3);
        for (int m = 0; m < n && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            byte x = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt(256);
            switch (random.nextInt(4)) {
                case 0 -> b = java.util.Arrays.copyOf(b, at);
                case 1 -> {
                    b = b.clone();
                    b[at] = x;
                }
                case 2 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = x;
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
        }
        return b;
    }

    private String envelope(String table) {
        StringBuilder e = new StringBuilder("{");
        String op = chance(5) ? (chance(50) ? "null" : "5") : "\"" + (chance(80) ? OPS[random.nextInt(4)] : pick(OPS)) + "\"";
        String[] fields = {
            "\"before\":" + ws() + (chance(50) ? "null" : image(1 + random.nextInt(4), false)),
            "\"after\":" + ws() + (chance(15) ? "null" : image(random.nextInt(5), false)),
            "\"source\":" + ws() + source(table),
            "\"op\":" + ws() + op,
            "\"transaction\":" + (chance(50) ? "null" : junk(3)),
            "\"ts_ms\":" + pick(NUMBERS),
            "\"ts_ns\":1795584130776102874",
            "\"unknown\":" + junk(4),
        };
        shuffle(fields);
        int count = 0;
        for (String f : fields) {
            if (f.startsWith("\"op\"") || f.startsWith("\"source\"") || f.startsWith("\"after\"") ? !chance(4) : chance(60)) {
                if (count++ > 0) {
                    e.append(',').append(ws());
                }
                e.append(f);
                if (chance(3)) { // a duplicate
                    e.append(',').append(f);
                }
            }
        }
        return e.append(ws()).append('}').toString();
    }

    private String source(String table) {
        if (chance(3)) {
            return pick(new String[] {"null", "[]", "\"s\"", "1"});
        }
        boolean mysql = chance(15);
        String[] fields = {
            "\"version\":\"3.6.1.Final\"",
            "\"connector\":" + (mysql ? "\"mysql\"" : chance(90) ? "\"postgresql\"" : chance(50) ? "null" : "\"oracle\""),
            "\"name\":\"bench\"",
            "\"ts_ms\":" + (chance(90) ? "1795584130303" : pick(NUMBERS)),
            "\"ts_us\":" + (chance(85) ? "1795584130303470" : chance(50) ? "null" : pick(NUMBERS)),
            "\"snapshot\":" + pick(new String[] {"\"false\"", "\"first\"", "\"last_in_data_collection\"", "null"}),
            "\"db\":\"bench_small\"",
            "\"sequence\":" + (chance(80) ? "\"[\\\"" + random.nextInt(100000) + "\\\",\\\"" + (79471320 + random.nextInt(1000)) + "\\\"]\""
                    : pick(new String[] {"null", "\"[null,\\\"1\\\"]\"", "\"[1,2]\"", "\"oops\"", "[]", "\"[null,\\\"18446744073709551616\\\"]\""})),
            "\"schema\":" + (chance(90) ? "\"public\"" : "null"),
            "\"table\":" + (chance(95) ? "\"" + table + "\"" : pick(new String[] {"null", "1", "\"\""})),
            "\"txId\":6804",
            "\"lsn\":" + (chance(85) ? String.valueOf(79471320 + random.nextInt(1000)) : pick(NUMBERS)),
            "\"xmin\":null",
            "\"file\":" + (mysql ? pick(new String[] {"\"mysql-bin.000042\"", "\"mysql-bin\"", "null"}) : "null"),
            "\"pos\":" + (mysql ? pick(NUMBERS) : "null"),
            "\"row\":" + (mysql ? pick(new String[] {"0", "1", "70000", "null"}) : "0"),
            "\"origin\":" + junk(2),
        };
        shuffle(fields);
        StringBuilder s = new StringBuilder("{");
        int count = 0;
        for (String f : fields) {
            if (!chance(8)) {
                if (count++ > 0) {
                    s.append(',').append(ws());
                }
                s.append(f);
            }
        }
        return s.append('}').toString();
    }

    private String image(int columns, boolean key) {
        if (!key && chance(3)) {
            return pick(new String[] {"[]", "\"row\"", "7", "{}"});
        }
        StringBuilder s = new StringBuilder("{");
        for (int c = 0; c < columns; c++) {
            if (c > 0) {
                s.append(',').append(ws());
            }
            String name = key && c == 0 && chance(5) ? pick(new String[] {"schema", "payload"}) : COLUMN_NAMES[random.nextInt(COLUMN_NAMES.length)];
            s.append('"').append(name).append("\":").append(ws()).append(scalar());
        }
        return s.append(ws()).append('}').toString();
    }

    private String scalar() {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> String.valueOf(random.nextInt(200000) - 1000);
            case 3 -> pick(NUMBERS);
            case 4, 5 -> "\"" + pick(STRINGS) + "\"";
            case 6 -> "null";
            case 7 -> random.nextBoolean() ? "true" : "false";
            case 8 -> chance(10) ? junk(2) : "\"" + pick(STRINGS) + pick(STRINGS) + "\"";
            default -> String.valueOf(random.nextLong());
        };
    }

    /** Any JSON value, nested up to {@code depth}, possibly deeper than the parser's nesting limit when chained. */
    private String junk(int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 5);
        if (kind == 6 && !chance(20)) {
            kind = 7;
        }
        return switch (kind) {
            case 0 -> pick(NUMBERS);
            case 1 -> "\"" + pick(STRINGS) + "\"";
            case 2 -> pick(new String[] {"true", "false", "null"});
            case 3 -> "[]";
            case 4 -> "{}";
            case 5 -> {
                StringBuilder s = new StringBuilder("[");
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    s.append(i > 0 ? "," : "").append(ws()).append(junk(depth - 1));
                }
                yield s.append(']').toString();
            }
            case 6 -> { // deep nesting around the parser's limit; sometimes unbalanced
                int open = random.nextInt(80);
                yield "[".repeat(open) + "]".repeat(chance(90) ? open : random.nextInt(80));
            }
            default -> {
                StringBuilder s = new StringBuilder("{");
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    s.append(i > 0 ? "," : "").append('"').append(pick(STRINGS)).append("\":").append(ws()).append(junk(depth - 1));
                }
                yield s.append('}').toString();
            }
        };
    }

    private String ws() {
        if (random.nextInt(1000) == 0) {
            return pick(new String[] {"\u000b", "\u00a0", "\f"}); // not JSON whitespace
        }
        return chance(90) ? "" : pick(new String[] {" ", "\n", "\t", "\r\n  "});
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private void shuffle(String[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
