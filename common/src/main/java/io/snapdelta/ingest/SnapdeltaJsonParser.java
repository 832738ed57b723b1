package io.snapdelta.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Base64;

/**
 * snapdelta JSON v1 (specified in {@code schemas/change-event-formats.md}), read in one streaming pass.
 * Everything the event needs is in the record value; the record key is not read. Unknown top-level
 * fields are skipped (additions within v1); a higher format version is rejected as UNSUPPORTED.
 * Not thread-safe.
 */
public final class SnapdeltaJsonParser implements ChangeEventParser {
    private final ParserLimits limits;
    private final JsonFactory factory;
    private final TextCache texts = new TextCache();
    private final RowBuffer keyBuf = new RowBuffer();
    private final RowBuffer beforeBuf = new RowBuffer();
    private final RowBuffer afterBuf = new RowBuffer();
    private RowSchema[] recent = new RowSchema[16];
    private JsonParser current;

    public SnapdeltaJsonParser() {
        this(ParserLimits.DEFAULTS);
    }

    public SnapdeltaJsonParser(ParserLimits limits) {
        this.limits = limits;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth()).maxStringLength(limits.maxStringLength()).build())
                .build();
    }

    @Override
    public ChangeEvent parse(byte[] key, byte[] value) throws ParseException {
        limits.checkRecordSize(key, value);
        if (value == null || value.length == 0) {
            if (key != null && key.length > 0) {
                return null; // tombstone
            }
            throw new ParseException(ParseErrorKind.EMPTY, "", "record has no value and no key (zero bytes)");
        }
        keyBuf.reset();
        beforeBuf.reset();
        afterBuf.reset();
        try (JsonParser p = factory.createParser(value)) {
            current = p;
            return read(p, key != null && key.length > 0);
        } catch (IOException e) {
            throw JsonErrors.translate(e, "", current);
        } finally {
            current = null;
        }
    }

    private ChangeEvent read(JsonParser p, boolean hasKafkaKey) throws IOException, ParseException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new ParseException(ParseErrorKind.EMPTY, "", "record is only whitespace");
        }
        if (t == JsonToken.VALUE_NULL && hasKafkaKey) {
            expectEnd(p);
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, "", "a snapdelta JSON record is an object, got " + DebeziumJsonParser.describe(p, t));
        }
        long formatVersion = -1;
        String ns = null;
        String table = null;
        char op = 0;
        long major = 0;
        long minor = 0;
        boolean versionSeen = false;
        long ts = 0;
        boolean tsSeen = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "snapdelta" -> {
                    formatVersion = integer(p, v);
                    if (formatVersion != SnapdeltaJsonWriter.FORMAT_VERSION) {
                        throw new ParseException(ParseErrorKind.UNSUPPORTED, "/snapdelta", "snapdelta JSON format version "
                                + formatVersion + " is not supported by this reader (supports " + SnapdeltaJsonWriter.FORMAT_VERSION + ")");
                    }
                }
                case "ns" -> ns = string(p, v);
                case "table" -> table = string(p, v);
                case "op" -> {
                    String s = string(p, v);
                    if (s.length() != 1 || "rcud".indexOf(s.charAt(0)) < 0) {
                        throw new ParseException(ParseErrorKind.INVALID_VALUE, "/op", "unknown op " + DebeziumJsonParser.abbreviate(s)
                                + " (expected r, c, u or d)");
                    }
                    op = s.charAt(0);
                }
                case "version" -> {
                    if (v != JsonToken.START_ARRAY) {
                        throw new ParseException(ParseErrorKind.WRONG_TYPE, "/version", "version must be an array of two unsigned decimal strings");
                    }
                    major = unsigned(p, "/version/0");
                    minor = unsigned(p, "/version/1");
                    if (p.nextToken() != JsonToken.END_ARRAY) {
                        throw new ParseException(ParseErrorKind.INVALID_VALUE, "/version", "version has more than two elements");
                    }
                    versionSeen = true;
                }
                case "ts_us" -> {
                    ts = integer(p, v);
                    tsSeen = true;
                }
                case "key" -> readRow(p, v, keyBuf, "/key");
                case "before" -> readRow(p, v, beforeBuf, "/before");
                case "after" -> readRow(p, v, afterBuf, "/after");
                default -> p.skipChildren();
            }
        }
        expectEnd(p);
        if (formatVersion < 0) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, "/snapdelta", "no format version field \"snapdelta\"");
        }
        require(table != null, "/table", "no table");
        if (table.isEmpty()) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, "/table", "table name is empty");
        }
        require(op != 0, "/op", "no op");
        require(versionSeen, "/version", "no version");
        require(tsSeen, "/ts_us", "no source timestamp ts_us");
        require(keyBuf.hasRow(), "/key", "no key");
        ChangeOp changeOp = ChangeOp.fromCode(op);
        if (changeOp.hasAfter()) {
            require(afterBuf.hasRow(), "/after", "op '" + op + "' needs the row after the change");
        } else if (afterBuf.hasRow()) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, "/after", "a delete must have after = null");
        }
        try {
            return new ChangeEvent(new TableId(ns == null ? "" : ns, table), build(keyBuf), changeOp, new Version(major, minor),
                    beforeBuf.hasRow() ? build(beforeBuf) : null, afterBuf.hasRow() ? build(afterBuf) : null, ts);
        } catch (IllegalArgumentException e) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, "", e.getMessage());
        }
    }

    private void readRow(JsonParser p, JsonToken t, RowBuffer buf, String path) throws IOException, ParseException {
        buf.present = true;
        if (t == JsonToken.VALUE_NULL) {
            buf.isNull = true;
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, path, "a row is an array of [name, type, value] fields, got "
                    + DebeziumJsonParser.describe(p, t));
        }
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String fp = path + "/" + i;
            if (t != JsonToken.START_ARRAY) {
                throw new ParseException(ParseErrorKind.WRONG_TYPE, fp, "a field is an array [name, type, value], got "
                        + DebeziumJsonParser.describe(p, t));
            }
            if (buf.size >= limits.maxFields()) {
                throw new ParseException(ParseErrorKind.TOO_LARGE, fp, "more than " + limits.maxFields() + " fields (parser.max-fields)");
            }
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new ParseException(ParseErrorKind.WRONG_TYPE, fp + "/0", "field name must be a string");
            }
            String name = texts.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new ParseException(ParseErrorKind.WRONG_TYPE, fp + "/1", "field type must be a string");
            }
            FieldType type = SnapdeltaTypeNames.fromName(p.getText());
            if (type == null) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, fp + "/1", "unknown field type "
                        + DebeziumJsonParser.abbreviate(p.getText()));
            }
            JsonToken v = p.nextToken();
            buf.add(name, type, value(p, v, type, fp + "/2", name));
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, fp, "a field has exactly three elements");
            }
            i++;
        }
    }

    private Object value(JsonParser p, JsonToken v, FieldType type, String path, String name) throws IOException, ParseException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        switch (type) {
                case NULL:
                    break;
                case BOOLEAN:
                    if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        return v == JsonToken.VALUE_TRUE;
                    }
                    break;
                case INT64:
                case TIMESTAMP_MICROS:
                case DATE:
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        return integer(p, v, path);
                    }
                    break;
                case FLOAT64:
                    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                        double d = p.getDoubleValue();
                        if (Double.isInfinite(d)) {
                            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "number " + p.getText() + " is out of the float64 range");
                        }
                        return d;
                    }
                    if (v == JsonToken.VALUE_STRING) {
                        switch (p.getText()) {
                            case "NaN": return Double.NaN;
                            case "Infinity": return Double.POSITIVE_INFINITY;
                            case "-Infinity": return Double.NEGATIVE_INFINITY;
                            default: break;
                        }
                    }
                    break;
                case DECIMAL:
                    if (v == JsonToken.VALUE_STRING) {
                        try {
                            return new BigDecimal(checkedText(p, path));
                        } catch (NumberFormatException e) {
                            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "'" + DebeziumJsonParser.abbreviate(p.getText())
                                    + "' is not a decimal");
                        }
                    }
                    break;
                case STRING:
                    if (v == JsonToken.VALUE_STRING) {
                        return checkedText(p, path);
                    }
                    break;
                case BYTES:
                    if (v == JsonToken.VALUE_STRING) {
                        try {
                            return Base64.getDecoder().decode(checkedText(p, path));
                        } catch (IllegalArgumentException e) {
                            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "not valid base64: " + e.getMessage());
                        }
                    }
                    break;
                default:
                    break;
        }
        throw new ParseException(ParseErrorKind.WRONG_TYPE, path, "field '" + name + "' of type " + SnapdeltaTypeNames.name(type)
                + " holds " + DebeziumJsonParser.describe(p, v));
    }

    private String checkedText(JsonParser p, String path) throws IOException, ParseException {
        if (p.getTextLength() > limits.maxStringLength()) {
            throw new ParseException(ParseErrorKind.TOO_LARGE, path, "string of " + p.getTextLength()
                    + " characters is over the limit of " + limits.maxStringLength() + " (parser.max-string-length)");
        }
        return p.getText();
    }

    private Row build(RowBuffer buf) {
        int n = buf.size;
        for (int s = 0; s < recent.length && recent[s] != null; s++) {
            RowSchema c = recent[s];
            if (c.size() == n && matches(c, buf)) {
                return Row.wrapTrusted(c, buf.takeValues());
            }
        }
        RowSchema schema = RowSchema.of(Arrays.copyOf(buf.names, n), Arrays.copyOf(buf.types, n));
        System.arraycopy(recent, 0, recent, 1, recent.length - 1);
        recent[0] = schema;
        return Row.wrapTrusted(schema, buf.takeValues());
    }

    private static boolean matches(RowSchema c, RowBuffer buf) {
        for (int i = 0; i < buf.size; i++) {
            if (c.type(i) != buf.types[i] || !c.name(i).equals(buf.names[i])) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean ok, String path, String reason) throws ParseException {
        if (!ok) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, path, reason);
        }
    }

    private static String string(JsonParser p, JsonToken v) throws IOException, ParseException {
        if (v != JsonToken.VALUE_STRING) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path("", p), "expected a string, got " + DebeziumJsonParser.describe(p, v));
        }
        return p.getText();
    }

    private static long integer(JsonParser p, JsonToken v) throws IOException, ParseException {
        return integer(p, v, JsonErrors.path("", p));
    }

    private static long integer(JsonParser p, JsonToken v, String path) throws IOException, ParseException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, path, "expected an integer, got " + DebeziumJsonParser.describe(p, v));
        }
        JsonParser.NumberType nt = p.getNumberType();
        if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "integer " + DebeziumJsonParser.abbreviate(p.getText())
                    + " is out of the 64-bit range");
        }
        return p.getLongValue();
    }

    private static long unsigned(JsonParser p, String path) throws IOException, ParseException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_STRING) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, path, "expected an unsigned decimal string, got " + DebeziumJsonParser.describe(p, t));
        }
        try {
            return DebeziumVersions.parseUnsigned(p.getTextCharacters(), p.getTextOffset(), p.getTextOffset() + p.getTextLength());
        } catch (IllegalArgumentException e) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, e.getMessage());
        }
    }

    private static void expectEnd(JsonParser p) throws IOException, ParseException {
        JsonToken t = p.nextToken();
        if (t != null) {
            throw new ParseException(ParseErrorKind.MALFORMED, "", "trailing data after the JSON value: " + DebeziumJsonParser.describe(p, t));
        }
    }
}
