package io.snapdelta.ingest;

import io.snapdelta.model.FieldType;
import java.util.Arrays;

/**
 * One row image (key, before or after) as it is being read: names, types and values, reused from record
 * to record. Rows are only built at the end of a record, when the table is known.
 */
final class RowBuffer {
    String[] names = new String[16];
    FieldType[] types = new FieldType[16];
    Object[] values = new Object[16];
    int size;
    /** The image's field was present in the record. */
    boolean present;
    /** The image was present and JSON null. */
    boolean isNull;

    void reset() {
        Arrays.fill(values, 0, size, null);
        size = 0;
        present = false;
        isNull = false;
    }

    /** Adds a field; the caller has checked the field limit. */
    void add(String name, FieldType type, Object value) {
        if (size == names.length) {
            int n = size * 2;
            names = Arrays.copyOf(names, n);
            types = Arrays.copyOf(types, n);
            values = Arrays.copyOf(values, n);
        }
        names[size] = name;
        types[size] = type;
        values[size] = value;
        size++;
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
