package io.snapdelta.model;

/**
 * The small type system every input format maps onto, and every output format (delta batches, Parquet
 * snapshots, CSV export) maps from. The Java representation of a non-null value is fixed per type so
 * that equality, hashing and encoding never depend on which parser produced a row.
 *
 * <p>Stable ids: {@link #id()} is written into binary formats; never renumber.
 */
public enum FieldType {
    /** Only a null was ever seen for this field (schemaless JSON); no Java value other than {@code null}. */
    NULL(0, Void.class),
    BOOLEAN(1, Boolean.class),
    /** Signed 64-bit integer. All integral source types (int2, int4, int8, ...) map here. */
    INT64(2, Long.class),
    /** IEEE 754 double. */
    FLOAT64(3, Double.class),
    /** Arbitrary precision decimal, {@link java.math.BigDecimal} with its scale as received. */
    DECIMAL(4, java.math.BigDecimal.class),
    /** Unicode text, {@link String}; char(n) padding is part of the value as received. */
    STRING(5, String.class),
    /** Opaque bytes, {@code byte[]} (compared by content). */
    BYTES(6, byte[].class),
    /** Microseconds since 1970-01-01T00:00:00 (UTC or local, as the source meant it), {@link Long}. */
    TIMESTAMP_MICROS(7, Long.class),
    /** Days since 1970-01-01, {@link Long}. */
    DATE(8, Long.class);

    private final int id;
    private final Class<?> javaType;

    FieldType(int id, Class<?> javaType) {
        this.id = id;
        this.javaType = javaType;
    }

    public int id() {
        return id;
    }

    public Class<?> javaType() {
        return javaType;
    }

    private static final FieldType[] BY_ID = new FieldType[values().length];

    static {
        for (FieldType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    public static FieldType fromId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("Unknown field type id " + id + " (known: 0.." + (BY_ID.length - 1) + ")");
        }
        return BY_ID[id];
    }

    /** True if {@code value} is a legal Java value of this type ({@code null} is legal for every type). */
    public boolean accepts(Object value) {
        return value == null || (this != NULL && javaType.isInstance(value));
    }
}
