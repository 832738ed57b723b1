package io.snapdelta.ingest;

import io.snapdelta.model.FieldType;
import java.util.Arrays;

/**
 * One row image (key, before or after) as it is being read: names, types and values. Rows are only built
 * at the end of a record, when the table is known.
 *
 * <p>Why the values live in a fresh array per record while names and types are reused: a reader is
 * long-lived (an old-generation object), and with G1 every store of a reference into an old object or
 * array from another region pays the post-write barrier's StoreLoad fence. Names and types repeat
 * from record to record, so they are compared before they are stored (a load instead of a fence); values
 * change, so they go into a young array sized from the last row of that kind, which then becomes the
 * row's own array ({@link #takeValues}) instead of being copied.
 */
final class RowBuffer {
    private static final Object[] NO_VALUES = new Object[0];

    String[] names = new String[16];
    FieldType[] types = new FieldType[16];
    /** This record's values, {@code values[0, size)}; null until the first {@link #add} of a record. */
    Object[] values;
    int size;
    /** The image's field was present in the record. */
    boolean present;
    /** The image was present and JSON null. */
    boolean isNull;
    /** Capacity of the next record's values array: how many fields the reader expects. */
    private int expected = 8;
    /**
     * The scanner's schema memo of the shape this image was read with (null: not read by the scanner), and
     * that shape's {@link SchemaMemo#skeleton} number after reading it.
     */
    SchemaMemo memo;
    int memoSkeleton;

    void reset() {
        values = null; // a null store: no barrier work
        memo = null;
        size = 0;
        present = false;
        isNull = false;
    }

    /** The reader expects {@code n} fields in this record's image (e.g. the last row of its shape had n). */
    void expect(int n) {
        if (n > 0 && values == null) {
            expected = n;
        }
    }

    /** Adds a field; the caller has checked the field limit. */
    void add(String name, FieldType type, Object value) {
        int i = size;
        Object[] v = values;
        if (v == null) {
            v = new Object[Math.max(expected, i + 1)];
            values = v;
        } else if (i == v.length) {
            v = Arrays.copyOf(v, i * 2);
            values = v;
        }
        if (i == names.length) {
            names = Arrays.copyOf(names, i * 2);
            types = Arrays.copyOf(types, i * 2);
        }
        if (names[i] != name) { // the same name as the last record's, as a rule: no store, no barrier
            names[i] = name;
        }
        if (types[i] != type) {
            types[i] = type;
        }
        v[i] = value;
        size = i + 1;
    }

    /**
     * The values as an array of exactly {@link #size} elements, for a row to own: this record's array
     * itself when it has that size, else a copy. Called once per record, after the last {@link #add}.
     */
    Object[] takeValues() {
        int n = size;
        Object[] v = values;
        if (v == null) {
            return NO_VALUES;
        }
        expected = n;
        return v.length == n ? v : Arrays.copyOf(v, n);
    }

    boolean hasRow() {
        return present && !isNull;
    }

    /** The type this image gives the named field at index {@code hint} (or elsewhere), or null. */
    FieldType typeOf(String name, int hint) {
        if (!hasRow()) {
            return null;
        }
        if (hint < size && names[hint].equals(name)) {
            return types[hint];
        }
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return types[i];
            }
        }
        return null;
    }
}
