package io.snapdelta.ingest;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * snapdelta Avro v1: single-object encoding (C3 01, schema fingerprint, Avro binary body) of
 * {@code schemas/change-event.avsc}. Decodes the binary body directly (no generic records), checking
 * every length against the remaining bytes and the limits, every string for valid UTF-8, every enum
 * index and union branch; a record with an unknown fingerprint (another schema version) is
 * UNSUPPORTED. The record key is not read. Not thread-safe.
 */
public final class SnapdeltaAvroParser implements ChangeEventParser {
    private static final ChangeOp[] OPS = ChangeOp.values();
    private static final FieldType[] TYPES = FieldType.values();

    private final ParserLimits limits;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final TextCache names = new TextCache();
    private final RowBuffer buf = new RowBuffer();
    private final RowSchema[] recent = new RowSchema[16];
    private byte[] in;
    private int pos;
    private String path;

    public SnapdeltaAvroParser() {
        this(ParserLimits.DEFAULTS);
    }

    public SnapdeltaAvroParser(ParserLimits limits) {
        this.limits = limits;
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
        if (value.length < SnapdeltaAvroSchema.HEADER_LENGTH || value[0] != SnapdeltaAvroSchema.MAGIC_0 || value[1] != SnapdeltaAvroSchema.MAGIC_1) {
            throw new ParseException(ParseErrorKind.MALFORMED, "", "not Avro single-object encoding (expected C3 01 and an 8-byte "
                    + "schema fingerprint, got " + value.length + " bytes starting " + hexStart(value) + ")");
        }
        long fingerprint = SnapdeltaAvroSchema.readFingerprint(value);
        if (fingerprint != SnapdeltaAvroSchema.V1_FINGERPRINT) {
            throw new ParseException(ParseErrorKind.UNSUPPORTED, "", "unknown schema fingerprint " + Long.toHexString(fingerprint)
                    + " (this reader knows snapdelta Avro v1, " + Long.toHexString(SnapdeltaAvroSchema.V1_FINGERPRINT) + ")");
        }
        in = value;
        pos = SnapdeltaAvroSchema.HEADER_LENGTH;
        try {
            path = "/namespace";
            String namespace = string();
            path = "/table";
            String table = string();
            if (table.isEmpty()) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "table name is empty");
            }
            path = "/op";
            int opIndex = readInt();
            if (opIndex < 0 || opIndex >= OPS.length) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "op enum index " + opIndex + " out of range");
            }
            ChangeOp op = OPS[opIndex];
            path = "/versionMajor";
            long major = readLong();
            path = "/versionMinor";
            long minor = readLong();
            path = "/sourceTimestampMicros";
            long ts = readLong();
            Row keyRow = fields("/key");
            if (keyRow.size() == 0) {
                throw new ParseException(ParseErrorKind.MISSING_FIELD, "/key", "key has no fields");
            }
            Row before = optionalRow("/before");
            Row after = optionalRow("/after");
            if (pos != in.length) {
                throw new ParseException(ParseErrorKind.MALFORMED, "", (in.length - pos) + " trailing bytes after the record");
            }
            if (op.hasAfter() && after == null) {
                throw new ParseException(ParseErrorKind.MISSING_FIELD, "/after", "op " + op + " needs the row after the change");
            }
            if (!op.hasAfter() && after != null) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, "/after", "a delete must have after = null");
            }
            return new ChangeEvent(new TableId(namespace, table), keyRow, op, new Version(major, minor), before, after, ts);
        } finally {
            in = null;
        }
    }

    private Row optionalRow(String at) throws ParseException {
        path = at;
        long branch = readLong();
        if (branch == 0) {
            return null;
        }
        if (branch != 1) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, at, "union branch " + branch + " (expected 0 null or 1 array)");
        }
        return fields(at);
    }

    private Row fields(String at) throws ParseException {
        buf.reset();
        int index = 0;
        while (true) {
            path = at;
            long count = readLong();
            if (count == 0) {
                break;
            }
            if (count < 0) { // block with byte size: Avro allows it, the size follows
                count = -count;
                readLong();
            }
            if (count > limits.maxFields() - buf.size) {
                throw new ParseException(ParseErrorKind.TOO_LARGE, at, "more than " + limits.maxFields() + " fields (parser.max-fields)");
            }
            for (long i = 0; i < count; i++, index++) {
                String fp = at + "/" + index;
                path = fp + "/name";
                String name = name();
                path = fp + "/type";
                int t = readInt();
                if (t < 0 || t >= TYPES.length) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "field type enum index " + t + " out of range");
                }
                FieldType type = TYPES[t];
                path = fp + "/value";
                buf.add(name, type, value(type, name));
            }
        }
        try {
            return Row.wrapTrusted(schema(), buf.takeValues());
        } catch (IllegalArgumentException e) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, at, e.getMessage());
        }
    }

    private Object value(FieldType type, String name) throws ParseException {
        long branch = readLong();
        if (branch == SnapdeltaAvroSchema.BRANCH_NULL) {
            return null;
        }
        int expected = switch (type) {
            case NULL -> SnapdeltaAvroSchema.BRANCH_NULL;
            case BOOLEAN -> SnapdeltaAvroSchema.BRANCH_BOOLEAN;
            case INT64, TIMESTAMP_MICROS, DATE -> SnapdeltaAvroSchema.BRANCH_LONG;
            case FLOAT64 -> SnapdeltaAvroSchema.BRANCH_DOUBLE;
            case DECIMAL -> SnapdeltaAvroSchema.BRANCH_DECIMAL;
            case STRING -> SnapdeltaAvroSchema.BRANCH_STRING;
            case BYTES -> SnapdeltaAvroSchema.BRANCH_BYTES;
        };
        if (branch != expected) {
            throw new ParseException(branch < 0 || branch > SnapdeltaAvroSchema.BRANCH_BYTES ? ParseErrorKind.INVALID_VALUE : ParseErrorKind.WRONG_TYPE,
                    path, "field '" + name + "' of type " + type + " holds union branch " + branch + " (expected " + expected + ")");
        }
        return switch (type) {
            case BOOLEAN -> {
                need(1);
                int b = in[pos++];
                if (b != 0 && b != 1) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "boolean byte " + b);
                }
                yield b == 1;
            }
            case INT64, TIMESTAMP_MICROS, DATE -> readLong();
            case FLOAT64 -> {
                need(8);
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits |= (in[pos + i] & 0xFFL) << (8 * i);
                }
                pos += 8;
                yield Double.longBitsToDouble(bits);
            }
            case DECIMAL -> {
                byte[] unscaled = bytes(limits.maxStringLength());
                if (unscaled.length == 0) {
                    throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "decimal has an empty unscaled value");
                }
                yield new BigDecimal(new BigInteger(unscaled), readInt());
            }
            case STRING -> string();
            case BYTES -> bytes(limits.maxStringLength());
            case NULL -> null;
        };
    }

    private RowSchema schema() {
        int n = buf.size;
        for (RowSchema c : recent) {
            if (c == null) {
                break;
            }
            if (c.size() == n) {
                boolean same = true;
                for (int i = 0; i < n && same; i++) {
                    same = c.type(i) == buf.types[i] && c.name(i).equals(buf.names[i]);
                }
                if (same) {
                    return c;
                }
            }
        }
        RowSchema s = RowSchema.of(Arrays.copyOf(buf.names, n), Arrays.copyOf(buf.types, n));
        System.arraycopy(recent, 0, recent, 1, recent.length - 1);
        recent[0] = s;
        return s;
    }

    // ---------------------------------------------------------------- Avro binary primitives

    private long readLong() throws ParseException {
        long raw = 0;
        int shift = 0;
        while (true) {
            need(1);
            int b = in[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new ParseException(ParseErrorKind.MALFORMED, path, "variable-length integer longer than 10 bytes");
            }
        }
        return (raw >>> 1) ^ -(raw & 1); // zig-zag
    }

    private int readInt() throws ParseException {
        long v = readLong();
        if (v != (int) v) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, path, "int " + v + " out of the 32-bit range");
        }
        return (int) v;
    }

    private byte[] bytes(int limit) throws ParseException {
        int len = length(limit);
        byte[] b = Arrays.copyOfRange(in, pos, pos + len);
        pos += len;
        return b;
    }

    private int length(int limit) throws ParseException {
        long len = readLong();
        if (len < 0) {
            throw new ParseException(ParseErrorKind.MALFORMED, path, "negative length " + len);
        }
        if (len > limit) {
            throw new ParseException(ParseErrorKind.TOO_LARGE, path, "length " + len + " is over the limit of " + limit + " (parser.max-string-length)");
        }
        need((int) len);
        return (int) len;
    }

    private String string() throws ParseException {
        int len = length(limits.maxStringLength());
        String s = decode(pos, len);
        pos += len;
        return s;
    }

    /** Field names repeat in every record: canonical strings without allocating after the first time. */
    private String name() throws ParseException {
        int len = length(limits.maxStringLength());
        boolean ascii = len <= 128;
        for (int i = 0; i < len && ascii; i++) {
            ascii = in[pos + i] >= 0;
        }
        String s;
        if (ascii) {
            char[] chars = new char[len];
            for (int i = 0; i < len; i++) {
                chars[i] = (char) in[pos + i];
            }
            s = names.get(chars, 0, len);
        } else {
            s = decode(pos, len);
        }
        pos += len;
        return s;
    }

    private String decode(int from, int len) throws ParseException {
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(in, from, len));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ParseException(ParseErrorKind.INVALID_UTF8, path, "string bytes are not valid UTF-8: " + e);
        }
    }

    private void need(int n) throws ParseException {
        if (n > in.length - pos) {
            throw new ParseException(ParseErrorKind.MALFORMED, path, "truncated: needs " + n + " more bytes at offset " + pos
                    + " but the record has " + (in.length - pos));
        }
    }

    private static String hexStart(byte[] b) {
        return java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, 4));
    }
}
