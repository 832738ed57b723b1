package io.snapdelta.format;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowOrder;
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
        return RowOrder.INSTANCE.compare(a, b);
    }

    /** The same order as {@link RowOrder}: the spec pins it, the model owns the one implementation. */
    static int compareValues(Object x, Object y) {
        return RowOrder.compareValues(x, y);
    }
}
