package io.snapdelta.ingest;

import io.snapdelta.model.FieldType;

/** The type names snapdelta JSON writes ({@code int64}, {@code timestamp-micros}, ...); stable, never rename. */
public final class SnapdeltaTypeNames {
    private SnapdeltaTypeNames() {
    }

    public static String name(FieldType t) {
        return switch (t) {
            case NULL -> "null";
            case BOOLEAN -> "boolean";
            case INT64 -> "int64";
            case FLOAT64 -> "float64";
            case DECIMAL -> "decimal";
            case STRING -> "string";
            case BYTES -> "bytes";
            case TIMESTAMP_MICROS -> "timestamp-micros";
            case DATE -> "date";
        };
    }

    /** The type with this name, or null. */
    public static FieldType fromName(String name) {
        return switch (name) {
            case "null" -> FieldType.NULL;
            case "boolean" -> FieldType.BOOLEAN;
            case "int64" -> FieldType.INT64;
            case "float64" -> FieldType.FLOAT64;
            case "decimal" -> FieldType.DECIMAL;
            case "string" -> FieldType.STRING;
            case "bytes" -> FieldType.BYTES;
            case "timestamp-micros" -> FieldType.TIMESTAMP_MICROS;
            case "date" -> FieldType.DATE;
            default -> null;
        };
    }
}
