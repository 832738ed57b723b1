package io.snapdelta.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.FieldType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.HashMap;

/**
 * Debezium change events in JSON (Kafka Connect {@code JsonConverter}). The common schemaless shapes are
 * read by {@link DebeziumJsonScanner} straight from the UTF-8 bytes; everything else, and every record
 * that is not accepted there, is read with Jackson's streaming parser in one pass: no tree model, no second parse of the same bytes, and the fields the product never
 * needs ({@code source.version}, {@code transaction}, {@code ts_ns}, ...) skipped without being
 * materialised. Accepted layouts, all specified in {@code schemas/change-event-formats.md}:
 * <ul>
 *   <li>Debezium's topic layout: key bytes = the key struct, value bytes = the envelope;</li>
 *   <li>the capture line form: no key bytes, value = {@code {"key":K,"value":V}};</li>
 *   <li>either of them with {@code {"schema":...,"payload":...}} wrapping of key and/or value, in which
 *       case the Connect schema types the columns (decimals, dates, timestamps, bytes).</li>
 * </ul>
 * Not thread-safe: one instance per thread.
 */
public final class DebeziumJsonParser extends DebeziumRecordState implements ChangeEventParser {
    private final ParserLimits limits;
    private final JsonFactory factory;
    private final TextCache texts = new TextCache();
    /** The fast path, or null when every record goes through Jackson (the reference behaviour). */
    private final DebeziumJsonScanner scanner;
    private long scannedRecords;

    // Jackson reader state per record, reset by reset(); the record itself is in DebeziumRecordState.
    private JsonParser current;
    private String currentPrefix;
    private ConnectSchema keySchema;
    private ConnectSchema valueSchema;

    public DebeziumJsonParser() {
        this(ParserLimits.DEFAULTS);
    }

    public DebeziumJsonParser(ParserLimits limits) {
        this(limits, true);
    }

    /**
     * @param fastPath whether the byte-level {@link DebeziumJsonScanner} reads the records it can before
     *     Jackson is asked; false makes Jackson read every record (the reference the scanner is tested against)
     */
    DebeziumJsonParser(ParserLimits limits, boolean fastPath) {
        super(new HashMap<>());
        this.limits = limits;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .build())
                .build();
        this.scanner = fastPath ? new DebeziumJsonScanner(limits, tables) : null;
    }

    /**
     * The scanner reads the common schemaless shapes straight from the bytes. Whatever it does not handle,
     * and every record that fails in any way, is read again by Jackson's streaming parser below, whose
     * event or error is authoritative: the fast path never decides that a record is bad.
     */
    @Override
    public ChangeEvent parse(byte[] key, byte[] value) throws ParseException {
        limits.checkRecordSize(key, value);
        if (scanner != null && scanner.read(key, value)) {
            try {
                ChangeEvent event = scanner.finish();
                scannedRecords++;
                return event;
            } catch (ParseException e) {
                // fall through: the Jackson reader reports it with its authoritative kind, path and reason
            }
        }
        return parseWithJackson(key, value);
    }

    /** How many records the fast path returned (the rest were read by Jackson); for tests. */
    long recordsReadByScanner() {
        return scannedRecords;
    }

    private ChangeEvent parseWithJackson(byte[] key, byte[] value) throws ParseException {
        reset();
        try {
            if (key != null && key.length > 0) {
                readKeyBytes(key);
            }
            if (value == null || value.length == 0) {
                if (keyBuf.hasRow()) {
                    return null; // Kafka tombstone: compaction marker after a delete, carries no change
                }
                throw new ParseException(ParseErrorKind.EMPTY, "", "record has no value and no key (zero bytes)");
            }
            readValueBytes(value, key == null || key.length == 0);
        } catch (IOException e) {
            throw JsonErrors.translate(e, currentPrefix, current);
        } finally {
            current = null;
        }
        return finish();
    }

    private void reset() {
        resetRecord();
        keySchema = null;
        valueSchema = null;
    }

    // ---------------------------------------------------------------- layouts

    private void readKeyBytes(byte[] key) throws IOException, ParseException {
        try (JsonParser p = factory.createParser(key)) {
            current = p;
            currentPrefix = "/key";
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ParseException(ParseErrorKind.EMPTY, "/key", "key is only whitespace");
            }
            readKey(p, t, "/key");
            expectEnd(p);
        }
    }

    private void readValueBytes(byte[] value, boolean noKafkaKey) throws IOException, ParseException {
        try (JsonParser p = factory.createParser(value)) {
            current = p;
            // Without key bytes the value may be a whole capture line: errors before its layout is known
            // concern the whole record.
            currentPrefix = noKafkaKey ? "" : "/value";
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ParseException(ParseErrorKind.EMPTY, "", "record is only whitespace");
            }
            if (t == JsonToken.VALUE_NULL) {
                valueSeen = true;
                valueNull = true;
            } else if (t != JsonToken.START_OBJECT) {
                throw new ParseException(ParseErrorKind.WRONG_TYPE, "/value", "value must be a JSON object, got " + describe(p, t));
            } else if (p.nextToken() == JsonToken.END_OBJECT) {
                throw new ParseException(ParseErrorKind.MISSING_FIELD, "/value/op", "value is an empty object");
            } else {
                String first = p.currentName();
                if ("key".equals(first) || "value".equals(first)) {
                    currentPrefix = "";
                    readLine(p);
                } else {
                    valueSeen = true;
                    currentPrefix = "/value";
                    readValueFields(p, "/value");
                }
            }
            expectEnd(p);
        }
    }

    /** The capture's line form {"key":K,"value":V}; the parser is on the first FIELD_NAME. */
    private void readLine(JsonParser p) throws IOException, ParseException {
        do {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("key".equals(name)) {
                readKey(p, t, "/key");
            } else if ("value".equals(name)) {
                valueSeen = true;
                if (t == JsonToken.VALUE_NULL) {
                    valueNull = true;
                } else if (t != JsonToken.START_OBJECT) {
                    throw new ParseException(ParseErrorKind.WRONG_TYPE, "/value", "value must be a JSON object or null, got " + describe(p, t));
                } else if (p.nextToken() == JsonToken.END_OBJECT) {
                    throw new ParseException(ParseErrorKind.MISSING_FIELD, "/value/op", "value is an empty object");
                } else {
                    readValueFields(p, "/value");
                }
            } else {
                p.skipChildren(); // e.g. offsets or headers a capture tool adds beside key and value
            }
        } while (p.nextToken() == JsonToken.FIELD_NAME);
        if (!valueSeen) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, "/value", "line has no \"value\" field");
        }
    }

    /** A value object: a JsonConverter wrapper or the envelope itself; the parser is on its first FIELD_NAME. */
    private void readValueFields(JsonParser p, String path) throws IOException, ParseException {
        String first = p.currentName();
        if ("schema".equals(first) || "payload".equals(first)) {
            readWrappedValue(p, path);
        } else {
            setValuePath(path);
            readEnvelope(p, path);
        }
    }

    private void readWrappedValue(JsonParser p, String path) throws IOException, ParseException {
        boolean payloadSeen = false;
        do {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("schema".equals(name)) {
                if (payloadSeen) {
                    throw new ParseException(ParseErrorKind.UNSUPPORTED, path + "/schema",
                            "\"schema\" after \"payload\": JsonConverter writes the schema first; a single-pass parser needs it first");
                }
                if (t == JsonToken.START_OBJECT) {
                    valueSchema = ConnectSchema.read(p, currentPrefix);
                } else if (t != JsonToken.VALUE_NULL) {
                    throw new ParseException(ParseErrorKind.WRONG_TYPE, path + "/schema", "schema must be an object or null, got " + describe(p, t));
                }
            } else if ("payload".equals(name)) {
                payloadSeen = true;
                if (t == JsonToken.VALUE_NULL) {
                    valueNull = true;
                } else if (t != JsonToken.START_OBJECT) {
                    throw new ParseException(ParseErrorKind.WRONG_TYPE, path + "/payload", "payload must be an object or null, got " + describe(p, t));
                } else if (p.nextToken() == JsonToken.END_OBJECT) {
                    throw new ParseException(ParseErrorKind.MISSING_FIELD, path + "/payload/op", "payload is an empty object");
                } else {
                    setValuePath(path + "/payload");
                    readEnvelope(p, valuePath);
                }
            } else {
                p.skipChildren();
            }
        } while (p.nextToken() == JsonToken.FIELD_NAME);
        if (!payloadSeen) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, path + "/payload",
                    "JsonConverter envelope {\"schema\",\"payload\"} has no payload");
        }
    }

    /** The Debezium envelope's fields; the parser is on the first FIELD_NAME and ends on END_OBJECT. */
    private void readEnvelope(JsonParser p, String path) throws IOException, ParseException {
        do {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "after" -> readImage(p, t, afterBuf, structField(valueSchema, "after"));
                case "before" -> readImage(p, t, beforeBuf, structField(valueSchema, "before"));
                case "source" -> readSource(p, t);
                case "op" -> readOp(p, t);
                default -> p.skipChildren(); // transaction, ts_ms, ts_us, ts_ns, unknown additions
            }
        } while (p.nextToken() == JsonToken.FIELD_NAME);
    }

    private static ConnectSchema structField(ConnectSchema envelope, String name) {
        if (envelope == null) {
            return null;
        }
        ConnectSchema s = envelope.field(name);
        return s != null && s.isStruct() ? s : null;
    }

    // ---------------------------------------------------------------- parts

    private void readKey(JsonParser p, JsonToken t, String path) throws IOException, ParseException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, path, "key must be a JSON object, got " + describe(p, t));
        }
        keyBuf.present = true;
        JsonToken f = p.nextToken();
        if (f == JsonToken.END_OBJECT) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "key has no fields");
        }
        String first = p.currentName();
        if ("schema".equals(first) || "payload".equals(first)) {
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT || v == JsonToken.VALUE_NULL) {
                readWrappedKey(p, v, path);
                return;
            }
            // A key column that happens to be called "schema" or "payload": a plain key.
            readColumn(p, v, keyBuf, first, null);
            if (p.nextToken() == JsonToken.END_OBJECT) {
                return;
            }
        }
        readColumns(p, keyBuf, null);
    }

    /** {"schema":S,"payload":{...}} as a key; the parser is on the value of the first field. */
    private void readWrappedKey(JsonParser p, JsonToken t, String path) throws IOException, ParseException {
        boolean payloadSeen = false;
        String name = p.currentName();
        while (true) {
            if ("schema".equals(name)) {
                if (t == JsonToken.START_OBJECT) {
                    keySchema = ConnectSchema.read(p, currentPrefix);
                } else if (t != JsonToken.VALUE_NULL) {
                    throw new ParseException(ParseErrorKind.WRONG_TYPE, path + "/schema", "schema must be an object or null");
                }
            } else if ("payload".equals(name)) {
                payloadSeen = true;
                if (t == JsonToken.VALUE_NULL) {
                    keyBuf.present = false;
                } else if (t != JsonToken.START_OBJECT) {
                    throw new ParseException(ParseErrorKind.WRONG_TYPE, path + "/payload", "key payload must be an object, got " + describe(p, t));
                } else if (p.nextToken() == JsonToken.END_OBJECT) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, path + "/payload", "key has no fields");
                } else {
                    readColumns(p, keyBuf, keySchema != null && keySchema.isStruct() ? keySchema : null);
                }
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != JsonToken.FIELD_NAME) {
                break;
            }
            name = p.currentName();
            t = p.nextToken();
        }
        if (!payloadSeen) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, path + "/payload", "JsonConverter key {\"schema\",\"payload\"} has no payload");
        }
    }

    private void readImage(JsonParser p, JsonToken t, RowBuffer buf, ConnectSchema struct) throws IOException, ParseException {
        buf.present = true;
        if (t == JsonToken.VALUE_NULL) {
            buf.isNull = true;
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                    "row image must be a JSON object or null, got " + describe(p, t));
        }
        if (p.nextToken() == JsonToken.FIELD_NAME) {
            readColumns(p, buf, struct);
        }
    }

    /** Reads columns from the current FIELD_NAME to the END_OBJECT. */
    private void readColumns(JsonParser p, RowBuffer buf, ConnectSchema struct) throws IOException, ParseException {
        do {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            ConnectSchema column = null;
            if (struct != null) {
                column = struct.field(name);
                if (column == null) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                            "column '" + name + "' is not in the record's Connect schema");
                }
            }
            readColumn(p, v, buf, name, column);
        } while (p.nextToken() == JsonToken.FIELD_NAME);
    }

    private void readColumn(JsonParser p, JsonToken t, RowBuffer buf, String name, ConnectSchema column)
            throws IOException, ParseException {
        if (buf.size >= limits.maxFields()) {
            throw new ParseException(ParseErrorKind.TOO_LARGE, JsonErrors.path(currentPrefix, p),
                    "more than " + limits.maxFields() + " fields in one row (parser.max-fields)");
        }
        if (column == null) {
            readUntypedColumn(p, t, buf, name);
        } else {
            readTypedColumn(p, t, buf, name, column);
        }
    }

    /** Schemaless JSON: the JSON token decides the type. */
    private void readUntypedColumn(JsonParser p, JsonToken t, RowBuffer buf, String name) throws IOException, ParseException {
        switch (t) {
            case VALUE_NUMBER_INT -> buf.add(name, FieldType.INT64, Long.valueOf(longValue(p)));
            case VALUE_STRING -> buf.add(name, FieldType.STRING, text(p));
            case VALUE_NULL -> buf.add(name, FieldType.NULL, null);
            case VALUE_NUMBER_FLOAT -> buf.add(name, FieldType.FLOAT64, finiteDouble(p));
            case VALUE_TRUE -> buf.add(name, FieldType.BOOLEAN, Boolean.TRUE);
            case VALUE_FALSE -> buf.add(name, FieldType.BOOLEAN, Boolean.FALSE);
            default -> throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                    "column '" + name + "' holds a JSON " + describe(p, t) + "; nested objects and arrays are not in the type system");
        }
    }

    /** With a Connect schema: the schema decides the type, the JSON token must fit it. */
    private void readTypedColumn(JsonParser p, JsonToken t, RowBuffer buf, String name, ConnectSchema c)
            throws IOException, ParseException {
        ConnectSchema.Kind kind = c.kind;
        if (kind == ConnectSchema.Kind.STRUCT || kind == ConnectSchema.Kind.UNSUPPORTED) {
            throw new ParseException(ParseErrorKind.UNSUPPORTED, JsonErrors.path(currentPrefix, p),
                    "column '" + name + "' has Connect type " + c.type + (c.name == null ? "" : " (" + c.name + ")")
                            + ", which is not in the type system");
        }
        if (t == JsonToken.VALUE_NULL) {
            buf.add(name, kind.fieldType, null);
            return;
        }
        Object value = switch (kind) {
            case INT -> {
                expect(p, t, JsonToken.VALUE_NUMBER_INT, name, c);
                long v = longValue(p);
                if (c.bits < 64 && (v < -(1L << (c.bits - 1)) || v >= (1L << (c.bits - 1)))) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                            "column '" + name + "' value " + v + " is out of range for " + c.type);
                }
                yield v;
            }
            case FLOAT -> {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw wrongType(p, t, name, c);
                }
                yield finiteDouble(p);
            }
            case BOOLEAN -> {
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw wrongType(p, t, name, c);
                }
                yield t == JsonToken.VALUE_TRUE;
            }
            case STRING -> {
                expect(p, t, JsonToken.VALUE_STRING, name, c);
                yield text(p);
            }
            case BYTES -> {
                expect(p, t, JsonToken.VALUE_STRING, name, c);
                yield base64(p, name);
            }
            case DECIMAL -> {
                if (t == JsonToken.VALUE_STRING) {
                    yield new BigDecimal(new BigInteger(nonEmpty(base64(p, name), p, name)), c.scale);
                }
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw wrongType(p, t, name, c);
                }
                try { // JsonConverter decimal.format=NUMERIC writes the number itself
                    yield p.getDecimalValue().setScale(c.scale, RoundingMode.UNNECESSARY);
                } catch (ArithmeticException e) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                            "column '" + name + "' value " + p.getText() + " does not fit scale " + c.scale);
                }
            }
            case VARIABLE_SCALE_DECIMAL -> readVariableScaleDecimal(p, t, name, c);
            case DATE_DAYS, TIMESTAMP_MICROS, TIME_MICROS -> {
                expect(p, t, JsonToken.VALUE_NUMBER_INT, name, c);
                yield longValue(p);
            }
            case TIMESTAMP_MILLIS, TIME_MILLIS -> {
                expect(p, t, JsonToken.VALUE_NUMBER_INT, name, c);
                long ms = longValue(p);
                try {
                    yield Math.multiplyExact(ms, 1000L);
                } catch (ArithmeticException e) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                            "column '" + name + "' millisecond value " + ms + " overflows microseconds");
                }
            }
            case TIMESTAMP_NANOS, TIME_NANOS -> {
                expect(p, t, JsonToken.VALUE_NUMBER_INT, name, c);
                yield Math.floorDiv(longValue(p), 1000L);
            }
            default -> throw new IllegalStateException("unhandled kind " + kind);
        };
        buf.add(name, kind.fieldType, value);
    }

    private BigDecimal readVariableScaleDecimal(JsonParser p, JsonToken t, String name, ConnectSchema c)
            throws IOException, ParseException {
        if (t != JsonToken.START_OBJECT) {
            throw wrongType(p, t, name, c);
        }
        Integer scale = null;
        byte[] unscaled = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if ("scale".equals(f) && v == JsonToken.VALUE_NUMBER_INT) {
                scale = (int) longValue(p);
            } else if ("value".equals(f) && v == JsonToken.VALUE_STRING) {
                unscaled = base64(p, name);
            } else {
                p.skipChildren();
            }
        }
        if (scale == null || unscaled == null || unscaled.length == 0) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, JsonErrors.path(currentPrefix, p),
                    "column '" + name + "' VariableScaleDecimal needs an integer scale and a base64 value");
        }
        return new BigDecimal(new BigInteger(unscaled), scale);
    }

    private void readSource(JsonParser p, JsonToken t) throws IOException, ParseException {
        if (t != JsonToken.START_OBJECT) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                    "source must be a JSON object, got " + describe(p, t));
        }
        sourceSeen = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "table" -> setTable(cachedText(p, v));
                case "schema" -> setSchema(cachedText(p, v));
                case "db" -> setDb(cachedText(p, v));
                case "connector" -> setConnector(connectorOf(cachedText(p, v)));
                case "sequence" -> readSequence(p, v);
                case "lsn" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        lsn = nonNegativeLong(p, v, "lsn");
                        lsnSeen = true;
                    }
                }
                case "ts_us" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        tsUs = nonNegativeLong(p, v, "ts_us");
                        tsUsSeen = true;
                    }
                }
                case "ts_ms" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        tsMs = nonNegativeLong(p, v, "ts_ms");
                        tsMsSeen = true;
                    }
                }
                case "file" -> setBinlogFile(cachedText(p, v));
                case "pos" -> binlogPos = v == JsonToken.VALUE_NULL ? -1 : nonNegativeLong(p, v, "pos");
                case "row" -> binlogRow = v == JsonToken.VALUE_NULL ? 0 : nonNegativeLong(p, v, "row");
                default -> p.skipChildren(); // version, name, snapshot, txId, xmin, origin, ...
            }
        }
    }

    private void readSequence(JsonParser p, JsonToken v) throws IOException, ParseException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                    "source.sequence must be a string holding a JSON array, got " + describe(p, v));
        }
        char[] buf = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        try {
            sequenceSeen = DebeziumVersions.parseSequence(buf, off, len, sequence);
        } catch (IllegalArgumentException e) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "source.sequence " + abbreviate(new String(buf, off, len)) + " is not a PostgreSQL sequence: " + e.getMessage());
        }
    }

    private void readOp(JsonParser p, JsonToken t) throws IOException, ParseException {
        if (t != JsonToken.VALUE_STRING) {
            if (t == JsonToken.VALUE_NULL) {
                return; // reported as missing below
            }
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                    "op must be a one-letter string, got " + describe(p, t));
        }
        if (p.getTextLength() != 1) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "unknown op " + abbreviate(p.getText()) + " (expected r, c, u or d)");
        }
        op = p.getTextCharacters()[p.getTextOffset()];
    }

    // ---------------------------------------------------------------- scalar helpers

    private String text(JsonParser p) throws IOException, ParseException {
        if (p.getTextLength() > limits.maxStringLength()) {
            throw new ParseException(ParseErrorKind.TOO_LARGE, JsonErrors.path(currentPrefix, p),
                    "string of " + p.getTextLength() + " characters is over the limit of " + limits.maxStringLength()
                            + " (parser.max-string-length)");
        }
        return p.getText();
    }

    private String cachedText(JsonParser p, JsonToken v) throws IOException, ParseException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p), "expected a string, got " + describe(p, v));
        }
        return texts.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    private long longValue(JsonParser p) throws IOException, ParseException {
        JsonParser.NumberType nt = p.getNumberType();
        if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "integer " + abbreviate(p.getText()) + " is out of the 64-bit range");
        }
        return p.getLongValue();
    }

    private long nonNegativeLong(JsonParser p, JsonToken v, String field) throws IOException, ParseException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                    "source." + field + " must be an integer, got " + describe(p, v));
        }
        long n = longValue(p);
        if (n < 0) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "source." + field + " must not be negative: " + n);
        }
        return n;
    }

    private Double finiteDouble(JsonParser p) throws IOException, ParseException {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "number " + abbreviate(p.getText()) + " is out of the float64 range");
        }
        return d;
    }

    private byte[] base64(JsonParser p, String name) throws IOException, ParseException {
        if (p.getTextLength() > limits.maxStringLength()) {
            throw new ParseException(ParseErrorKind.TOO_LARGE, JsonErrors.path(currentPrefix, p),
                    "base64 text of " + p.getTextLength() + " characters is over the limit of " + limits.maxStringLength());
        }
        try {
            return p.getBinaryValue();
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "column '" + name + "' is not valid base64: " + e.getOriginalMessage());
        }
    }

    private byte[] nonEmpty(byte[] b, JsonParser p, String name) throws ParseException {
        if (b.length == 0) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, JsonErrors.path(currentPrefix, p),
                    "column '" + name + "' decimal has an empty unscaled value");
        }
        return b;
    }

    private void expect(JsonParser p, JsonToken t, JsonToken expected, String name, ConnectSchema c) throws IOException, ParseException {
        if (t != expected) {
            throw wrongType(p, t, name, c);
        }
    }

    private ParseException wrongType(JsonParser p, JsonToken t, String name, ConnectSchema c) throws IOException {
        return new ParseException(ParseErrorKind.WRONG_TYPE, JsonErrors.path(currentPrefix, p),
                "column '" + name + "' of Connect type " + c.type + (c.name == null ? "" : " (" + c.name + ")")
                        + " holds " + describe(p, t));
    }

    private static void expectEnd(JsonParser p) throws IOException, ParseException {
        JsonToken t = p.nextToken();
        if (t != null) {
            throw new ParseException(ParseErrorKind.MALFORMED, "", "trailing data after the JSON value: " + describe(p, t));
        }
    }

    /** A short description of the current token with its value, for error messages. */
    static String describe(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + abbreviate('"' + p.getText() + '"');
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + abbreviate(p.getText());
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> String.valueOf(t);
        };
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...(" + s.length() + " chars)";
    }
}
