package io.snapdelta.format;

import io.snapdelta.model.Row;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The total order on keys that v2 sorted sections use (spec v2: "Sorted sections"): field by field in key
 * order; null first; integers (INT64, TIMESTAMP_MICROS, DATE) signed; booleans false first; FLOAT64 by
 * {@link Double#compare} (-0.0 before 0.0, NaN last); DECIMAL numerically, then by scale; STRING by UTF-16
 * code units ({@link String#compareTo}); BYTES unsigned lexicographic.
 */
final class KeyOrder implements Comparator<Row> {
    static final KeyOrder INSTANCE = new KeyOrder();

    private KeyOrder() {
    }

    @Override
    public int compare(Row a, Row b) {
        if (a.size() == 1 && b.size() == 1 && a.get(0) instanceof Long x && b.get(0) instanceof Long y) {
            return Long.compare(x, y); // the common single integer key
        }
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    static int compareValues(Object x, Object y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Long a && y instanceof Long b) {
            return Long.compare(a, b);
        }
        if (x instanceof String a && y instanceof String b) {
            return a.compareTo(b);
        }
        if (x instanceof Boolean a && y instanceof Boolean b) {
            return Boolean.compare(a, b);
        }
        if (x instanceof Double a && y instanceof Double b) {
            return Double.compare(a, b);
        }
        if (x instanceof BigDecimal a && y instanceof BigDecimal b) {
            int c = a.compareTo(b);
            return c != 0 ? c : Integer.compare(a.scale(), b.scale());
        }
        if (x instanceof byte[] a && y instanceof byte[] b) {
            return Arrays.compareUnsigned(a, b);
        }
        // Values of one key field share a type; different classes only arise from bad input.
        return x.getClass().getName().compareTo(y.getClass().getName());
    }
}
