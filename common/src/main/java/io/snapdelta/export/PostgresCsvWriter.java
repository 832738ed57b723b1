package io.snapdelta.export;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes a table the way PostgreSQL's
 * {@code COPY (SELECT * FROM t ORDER BY <key>) TO ... WITH (FORMAT csv, HEADER true)} does, so that an
 * export can be compared byte for byte with a dump of the source database:
 * <ul>
 *   <li>a header line of column names, then one line per row, {@code \n} line ends;</li>
 *   <li>NULL is an empty unquoted field; the empty string is {@code ""};</li>
 *   <li>a value is quoted (with {@code "} doubled) when it contains a comma, a quote, CR or LF, or is
 *       exactly {@code \.}; otherwise it is written as is (padding kept);</li>
 *   <li>values in PostgreSQL's text output: booleans {@code t}/{@code f}, decimals plain with their scale,
 *       bytes as {@code \x<hex>}, timestamps {@code yyyy-MM-dd HH:mm:ss[.ffffff]} without trailing zeros of
 *       the fraction, dates {@code yyyy-MM-dd}, float64 in shortest round-trip form with PostgreSQL's
 *       exponent notation ({@code 1e+20}).</li>
 * </ul>
 * Rows are written in key order ({@link #KEY_ORDER}: field by field, numbers numerically, strings by
 * UTF-16 code unit, i.e. PostgreSQL's {@code C} collation for the BMP).
 */
public final class PostgresCsvWriter {
    private PostgresCsvWriter() {
    }

    /** Orders keys field by field; nulls first. */
    public static final Comparator<Row> KEY_ORDER = PostgresCsvWriter::compareRows;

    /**
     * Writes the header and the rows of {@code rowsByKey} in key order.
     *
     * @param columns the column names in the source's field order; a row lacking a column writes NULL
     */
    public static void write(Appendable out, List<String> columns, Map<Row, Row> rowsByKey) {
        List<Map.Entry<Row, Row>> entries = new ArrayList<>(rowsByKey.entrySet());
        entries.sort(Map.Entry.comparingByKey(KEY_ORDER));
        List<Row> rows = new ArrayList<>(entries.size());
        for (Map.Entry<Row, Row> e : entries) {
            rows.add(e.getValue());
        }
        writeOrdered(out, columns, rows);
    }

    /** Writes the header and the rows in the order given. */
    public static void writeOrdered(Appendable out, List<String> columns, Iterable<Row> rows) {
        try {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendField(out, columns.get(i));
            }
            out.append('\n');
            int[] index = new int[columns.size()];
            for (Row row : rows) {
                resolve(row, columns, index);
                for (int i = 0; i < index.length; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    if (index[i] >= 0) {
                        Object v = row.get(index[i]);
                        if (v != null) {
                            appendField(out, format(row.schema().type(index[i]), v));
                        }
                    }
                }
                out.append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void resolve(Row row, List<String> columns, int[] index) {
        for (int i = 0; i < index.length; i++) {
            String name = columns.get(i);
            index[i] = i < row.size() && row.schema().name(i).equals(name) ? i : row.schema().indexOf(name);
        }
    }

    /** PostgreSQL's text output of a non-null value of the given type. */
    public static String format(FieldType type, Object v) {
        return switch (type) {
            case NULL -> "";
            case BOOLEAN -> (Boolean) v ? "t" : "f";
            case INT64, STRING -> v.toString();
            case FLOAT64 -> formatDouble((Double) v);
            case DECIMAL -> ((BigDecimal) v).toPlainString();
            case BYTES -> "\\x" + HexFormat.of().formatHex((byte[]) v);
            case TIMESTAMP_MICROS -> formatTimestampMicros((Long) v);
            case DATE -> LocalDate.ofEpochDay((Long) v).toString();
        };
    }

    /** {@code 2026-11-25 05:22:10.30114}: PostgreSQL's {@code timestamp} output, fraction without trailing zeros. */
    public static String formatTimestampMicros(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(26);
        sb.append(t.toLocalDate()).append(' ');
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond());
        if (fraction != 0) {
            String f = String.format("%06d", fraction);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int n) {
        return sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    /** float8 output (PostgreSQL 12+, extra_float_digits = 1): shortest round trip, exponent outside 1e-4..1e15. */
    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = b.precision() - b.scale() - 1;
        if (exponent < -4 || exponent >= 15) {
            String digits = b.unscaledValue().abs().toString();
            StringBuilder sb = new StringBuilder();
            if (b.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                sb.append('0');
            }
            return sb.append(abs).toString();
        }
        return b.toPlainString();
    }

    private static void appendField(Appendable out, String s) throws IOException {
        if (needsQuotes(s)) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    out.append('"');
                }
                out.append(c);
            }
            out.append('"');
        } else {
            out.append(s);
        }
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty() || s.equals("\\.")) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareRows(Row a, Row b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x == null || y == null) {
                c = x == null ? (y == null ? 0 : -1) : 1;
            } else if (x instanceof byte[] bx && y instanceof byte[] by) {
                c = java.util.Arrays.compareUnsigned(bx, by);
            } else if (x.getClass() == y.getClass() && x instanceof Comparable cx) {
                c = cx.compareTo(y);
            } else {
                c = x.toString().compareTo(y.toString());
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
