package io.snapdelta.model;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ordered field names and types of a row, in the source's field order. Instances are immutable and
 * interned ({@link #of}), so parsers producing millions of rows of one table share one schema object
 * and rows compare schemas by reference first.
 */
public final class RowSchema {
    private static final ConcurrentHashMap<RowSchema, RowSchema> INTERNED = new ConcurrentHashMap<>();

    private final String[] names;
    private final FieldType[] types;
    private final int hash;

    private RowSchema(String[] names, FieldType[] types) {
        if (names.length != types.length) {
            throw new IllegalArgumentException("names and types differ in length: " + names.length + " vs " + types.length);
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || types[i] == null) {
                throw new IllegalArgumentException("field " + i + " has a null name or type");
            }
            for (int j = 0; j < i; j++) {
                if (names[j].equals(names[i])) {
                    throw new IllegalArgumentException("duplicate field name '" + names[i] + "'");
                }
            }
        }
        this.names = names;
        this.types = types;
        this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(types);
    }

    /** The interned schema with these fields (arrays are copied). */
    public static RowSchema of(String[] names, FieldType[] types) {
        RowSchema candidate = new RowSchema(names.clone(), types.clone());
        RowSchema existing = INTERNED.putIfAbsent(candidate, candidate);
        return existing != null ? existing : candidate;
    }

    public static RowSchema of(List<String> names, List<FieldType> types) {
        return of(names.toArray(new String[0]), types.toArray(new FieldType[0]));
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public FieldType type(int i) {
        return types[i];
    }

    /** Index of the field, or -1. Linear: rows are narrow and this is not on a hot path. */
    public int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public List<String> names() {
        return List.of(names);
    }

    public List<FieldType> types() {
        return List.of(types);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RowSchema other) || other.hash != hash) {
            return false;
        }
        return Arrays.equals(names, other.names) && Arrays.equals(types, other.types);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append(' ').append(types[i]);
        }
        return sb.append(')').toString();
    }
}
