package io.snapdelta.model;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A total, deterministic order on rows (used for keys): field by field, NULL first, then by value in the
 * type's natural order (numbers numerically, decimals by value then scale, strings by UTF-16 code units,
 * bytes unsigned-lexicographically); a shorter row that is a prefix sorts first. Rows of different
 * schemas at one field compare by type id so the order stays total.
 */
public final class RowOrder implements Comparator<Row> {
    public static final RowOrder INSTANCE = new RowOrder();

    private RowOrder() {
    }

    @Override
    public int compare(Row a, Row b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Compares two values of one field in this order. */
    public static int compareValues(Object x, Object y) {
        if (x == y) {
            return 0;
        }
        if (x == null) {
            return -1;
        }
        if (y == null) {
            return 1;
        }
        if (x instanceof Long l && y instanceof Long m) {
            return Long.compare(l, m);
        }
        if (x instanceof String s && y instanceof String t) {
            return s.compareTo(t);
        }
        if (x instanceof Double d && y instanceof Double e) {
            return Double.compare(d, e);
        }
        if (x instanceof BigDecimal d && y instanceof BigDecimal e) {
            int c = d.compareTo(e);
            return c != 0 ? c : Integer.compare(d.scale(), e.scale());
        }
        if (x instanceof Boolean p && y instanceof Boolean q) {
            return Boolean.compare(p, q);
        }
        if (x instanceof byte[] p && y instanceof byte[] q) {
            return Arrays.compareUnsigned(p, q);
        }
        return x.getClass().getName().compareTo(y.getClass().getName());
    }
}
