package io.snapdelta.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.snapdelta.model.FieldType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka Connect schema as Kafka's {@code JsonConverter} writes it in the {@code "schema"} half of a
 * {@code {"schema":...,"payload":...}} envelope, reduced to what the parser needs: for a struct its
 * fields by name, for a column how its JSON value maps onto the type system ({@link Kind}).
 */
final class ConnectSchema {
    /** How a column's JSON value is decoded. */
    enum Kind {
        INT(FieldType.INT64),
        FLOAT(FieldType.FLOAT64),
        BOOLEAN(FieldType.BOOLEAN),
        STRING(FieldType.STRING),
        BYTES(FieldType.BYTES),
        /** org.apache.kafka.connect.data.Decimal: base64 big-endian two's complement unscaled value (or a number), scale parameter. */
        DECIMAL(FieldType.DECIMAL),
        /** io.debezium.data.VariableScaleDecimal: struct {scale, value}. */
        VARIABLE_SCALE_DECIMAL(FieldType.DECIMAL),
        /** Days since the epoch (io.debezium.time.Date, org.apache.kafka.connect.data.Date). */
        DATE_DAYS(FieldType.DATE),
        TIMESTAMP_MILLIS(FieldType.TIMESTAMP_MICROS),
        TIMESTAMP_MICROS(FieldType.TIMESTAMP_MICROS),
        TIMESTAMP_NANOS(FieldType.TIMESTAMP_MICROS),
        /** Time of day; the type system has no time type, so it becomes INT64 microseconds since midnight. */
        TIME_MILLIS(FieldType.INT64),
        TIME_MICROS(FieldType.INT64),
        TIME_NANOS(FieldType.INT64),
        STRUCT(null),
        /** array / map / other structs as columns: not in the type system. */
        UNSUPPORTED(null);

        final FieldType fieldType;

        Kind(FieldType fieldType) {
            this.fieldType = fieldType;
        }
    }

    final String type;
    final String name;
    final Kind kind;
    /** For INT: the number of bits of the Connect type (8, 16, 32, 64), for range checks. */
    final int bits;
    /** For DECIMAL: the scale parameter. */
    final int scale;
    /** For STRUCT: fields by name (field names are interned by Jackson, but look-up is by equals). */
    private final Map<String, ConnectSchema> fields;
    /** The "field" attribute: this schema's name inside its parent struct. */
    private String fieldNameInParent;

    private ConnectSchema(String type, String name, int scale, Map<String, ConnectSchema> fields) {
        this.type = type;
        this.name = name;
        this.scale = scale;
        this.fields = fields;
        this.kind = kindOf(type, name);
        this.bits = switch (type == null ? "" : type) {
            case "int8" -> 8;
            case "int16" -> 16;
            case "int32" -> 32;
            default -> 64;
        };
    }

    ConnectSchema field(String fieldName) {
        return fields == null ? null : fields.get(fieldName);
    }

    boolean isStruct() {
        return kind == Kind.STRUCT;
    }

    private static Kind kindOf(String type, String name) {
        if (name != null) {
            switch (name) {
                case "org.apache.kafka.connect.data.Decimal": return Kind.DECIMAL;
                case "io.debezium.data.VariableScaleDecimal": return Kind.VARIABLE_SCALE_DECIMAL;
                case "org.apache.kafka.connect.data.Date", "io.debezium.time.Date": return Kind.DATE_DAYS;
                case "org.apache.kafka.connect.data.Timestamp", "io.debezium.time.Timestamp": return Kind.TIMESTAMP_MILLIS;
                case "io.debezium.time.MicroTimestamp": return Kind.TIMESTAMP_MICROS;
                case "io.debezium.time.NanoTimestamp": return Kind.TIMESTAMP_NANOS;
                case "org.apache.kafka.connect.data.Time", "io.debezium.time.Time": return Kind.TIME_MILLIS;
                case "io.debezium.time.MicroTime": return Kind.TIME_MICROS;
                case "io.debezium.time.NanoTime": return Kind.TIME_NANOS;
                default: break; // other logical names (ZonedTimestamp, Json, Uuid, ...) decode as their base type
            }
        }
        if (type == null) {
            return Kind.UNSUPPORTED;
        }
        return switch (type) {
            case "int8", "int16", "int32", "int64" -> Kind.INT;
            case "float", "float32", "float64", "double" -> Kind.FLOAT;
            case "boolean" -> Kind.BOOLEAN;
            case "string" -> Kind.STRING;
            case "bytes" -> Kind.BYTES;
            case "struct" -> Kind.STRUCT;
            default -> Kind.UNSUPPORTED;
        };
    }

    /**
     * Reads a schema object; the parser is on its START_OBJECT and is left on the matching END_OBJECT.
     *
     * @param pathPrefix for error messages
     */
    static ConnectSchema read(JsonParser p, String pathPrefix) throws IOException, ParseException {
        String type = null;
        String name = null;
        int scale = 0;
        Map<String, ConnectSchema> fields = null;
        String fieldName = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "type" -> type = text(p, t, pathPrefix);
                case "name" -> name = t == JsonToken.VALUE_NULL ? null : text(p, t, pathPrefix);
                case "field" -> fieldName = text(p, t, pathPrefix);
                case "parameters" -> scale = readScale(p, t, pathPrefix);
                case "fields" -> {
                    if (t != JsonToken.START_ARRAY) {
                        throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(pathPrefix, p),
                                "a Connect schema's fields must be an array, got " + t);
                    }
                    fields = new HashMap<>();
                    List<ConnectSchema> list = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        list.add(readField(p, pathPrefix, fields));
                    }
                    if (p.currentToken() != JsonToken.END_ARRAY) {
                        throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(pathPrefix, p),
                                "a Connect schema's fields must be objects, got " + p.currentToken());
                    }
                }
                default -> p.skipChildren();
            }
        }
        ConnectSchema s = new ConnectSchema(type, name, scale, fields);
        s.fieldNameInParent = fieldName;
        return s;
    }

    private static ConnectSchema readField(JsonParser p, String pathPrefix, Map<String, ConnectSchema> into)
            throws IOException, ParseException {
        ConnectSchema f = read(p, pathPrefix);
        if (f.fieldNameInParent == null) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, JsonErrors.path(pathPrefix, p) + "/field",
                    "a struct field's schema has no \"field\" name");
        }
        into.put(f.fieldNameInParent, f);
        return f;
    }

    private static String text(JsonParser p, JsonToken t, String pathPrefix) throws IOException, ParseException {
        if (t != JsonToken.VALUE_STRING) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(pathPrefix, p),
                    "expected a string in the Connect schema, got " + t);
        }
        return p.getText();
    }

    private static int readScale(JsonParser p, JsonToken t, String pathPrefix) throws IOException, ParseException {
        int scale = 0;
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return 0;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if ("scale".equals(key)) {
                String s = v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
                try {
                    scale = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(pathPrefix, p),
                            "decimal scale parameter is not an integer: " + s);
                }
            } else {
                p.skipChildren();
            }
        }
        return scale;
    }
}
