package io.snapdelta.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable row: a {@link RowSchema} and one value per field, each {@code null} or of its field type's
 * Java representation ({@link FieldType#javaType()}). Used for keys, before- and after-images.
 *
 * <p>Equality is by field names, types and values ({@code byte[]} by content), so two parsers that read
 * the same logical row produce equal rows.
 */
public final class Row {
    private final RowSchema schema;
    private final Object[] values;
    private int hash;

    private Row(RowSchema schema, Object[] values) {
        this.schema = schema;
        this.values = values;
    }

    /** Builds a row, checking every value against its field type. The array is copied. */
    public static Row of(RowSchema schema, Object... values) {
        Objects.requireNonNull(schema, "schema");
        if (values.length != schema.size()) {
            throw new IllegalArgumentException("schema " + schema + " has " + schema.size() + " fields but "
                    + values.length + " values were given");
        }
        Object[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            if (!schema.type(i).accepts(copy[i])) {
                throw new IllegalArgumentException("field '" + schema.name(i) + "' of type " + schema.type(i)
                        + " cannot hold a " + copy[i].getClass().getSimpleName());
            }
        }
        return new Row(schema, copy);
    }

    /**
     * Builds a row without copying or checking: for parsers that have just built {@code values} themselves
     * from {@code schema} and never touch the array again.
     */
    public static Row wrapTrusted(RowSchema schema, Object[] values) {
        return new Row(schema, values);
    }

    public RowSchema schema() {
        return schema;
    }

    public int size() {
        return values.length;
    }

    public Object get(int i) {
        return values[i];
    }

    /** The value of the named field; throws if the row has no such field. */
    public Object get(String name) {
        int i = schema.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("row " + schema + " has no field '" + name + "'");
        }
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row other) || !schema.equals(other.schema)) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (!valueEquals(values[i], other.values[i])) {
                return false;
            }
        }
        return true;
    }

    /** Value equality as rows define it: {@code byte[]} by content, everything else by {@code equals}. */
    public static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = schema.hashCode();
            for (Object v : values) {
                h = 31 * h + (v instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(v));
            }
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values[i];
            sb.append(schema.name(i)).append('=').append(v instanceof byte[] b ? "0x" + java.util.HexFormat.of().formatHex(b) : v);
        }
        return sb.append('}').toString();
    }
}
