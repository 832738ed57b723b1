package io.snapdelta.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The one binary layout of a row's values for a known {@link RowSchema}, shared by the shard state entries
 * ({@code io.snapdelta.shard.StateEntryCodec}), the open-batch checkpoint ({@code OpenBatchCodec}) and events
 * in flight ({@link ChangeEventCodec}), so the three can never drift apart. Per field in schema order:
 * nothing for a field of type NULL; else a presence byte (0 null, 1 present) and, when present, BOOLEAN one
 * byte, INT64 / TIMESTAMP_MICROS / DATE and FLOAT64 (raw bits) eight bytes big-endian, DECIMAL an int32
 * scale and the unscaled value's two's-complement bytes, STRING its UTF-8 bytes, BYTES the bytes; byte
 * strings as int32 length + bytes.
 */
public final class RowValuesCodec {
    private RowValuesCodec() {
    }

    public static void writeValues(DataOutput out, Row row) throws IOException {
        RowSchema s = row.schema();
        for (int i = 0; i < s.size(); i++) {
            FieldType t = s.type(i);
            if (t == FieldType.NULL) {
                continue;
            }
            Object v = row.get(i);
            if (v == null) {
                out.writeByte(0);
                continue;
            }
            out.writeByte(1);
            switch (t) {
                case BOOLEAN -> out.writeByte((Boolean) v ? 1 : 0);
                case INT64, TIMESTAMP_MICROS, DATE -> out.writeLong((Long) v);
                case FLOAT64 -> out.writeLong(Double.doubleToRawLongBits((Double) v));
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    out.writeInt(d.scale());
                    writeBytes(out, d.unscaledValue().toByteArray());
                }
                case STRING -> writeBytes(out, ((String) v).getBytes(StandardCharsets.UTF_8));
                case BYTES -> writeBytes(out, (byte[]) v);
                default -> throw new IllegalStateException("unhandled field type " + t);
            }
        }
    }

    /** Reads values written by {@link #writeValues} for the schema they were written with. */
    public static Row readValues(DataInput in, RowSchema s) throws IOException {
        return readValues(in, s, null);
    }

    /**
     * {@link #readValues(DataInput, RowSchema)}, with strings taken from {@code strings} (UTF-8), so a value that
     * repeats from row to row is one String (per field, while the field's values repeat); null: a new String per value.
     */
    public static Row readValues(DataInput in, RowSchema s, StringCache strings) throws IOException {
        Object[] values = new Object[s.size()];
        for (int i = 0; i < values.length; i++) {
            FieldType t = s.type(i);
            if (t == FieldType.NULL || in.readUnsignedByte() == 0) {
                continue;
            }
            values[i] = switch (t) {
                case BOOLEAN -> in.readUnsignedByte() != 0;
                case INT64, TIMESTAMP_MICROS, DATE -> in.readLong();
                case FLOAT64 -> Double.longBitsToDouble(in.readLong());
                case DECIMAL -> {
                    int scale = in.readInt();
                    yield new BigDecimal(new BigInteger(readBytes(in, s.name(i))), scale);
                }
                case STRING -> strings == null ? new String(readBytes(in, s.name(i)), StandardCharsets.UTF_8)
                        : strings.read(in, readLength(in, s.name(i)), StringCache.fieldKey(s, i));
                case BYTES -> readBytes(in, s.name(i));
                default -> throw new IllegalStateException("unhandled field type " + t);
            };
        }
        return Row.wrapTrusted(s, values);
    }

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Reads values written by {@link #writeValues} that fill {@code b[at, end)} exactly, for the schema they
     * were written with: the same rows as {@link #readValues(DataInput, RowSchema)} over those bytes, read
     * straight from the array (the shard state's entries are arrays; no stream per entry, no copy of a
     * string's bytes before the String is made).
     */
    public static Row readValues(byte[] b, int at, int end, RowSchema s) throws IOException {
        return readValues(b, at, end, s, null);
    }

    /** {@link #readValues(byte[], int, int, RowSchema)}, strings from {@code strings} (UTF-8) unless null. */
    public static Row readValues(byte[] b, int at, int end, RowSchema s, StringCache strings) throws IOException {
        Object[] values = new Object[s.size()];
        for (int i = 0; i < values.length; i++) {
            FieldType t = s.type(i);
            if (t == FieldType.NULL) {
                continue;
            }
            need(at, 1, end, s, i);
            if (b[at++] == 0) {
                continue;
            }
            switch (t) {
                case BOOLEAN -> {
                    need(at, 1, end, s, i);
                    values[i] = b[at++] != 0;
                }
                case INT64, TIMESTAMP_MICROS, DATE -> {
                    need(at, 8, end, s, i);
                    values[i] = (long) LONG.get(b, at);
                    at += 8;
                }
                case FLOAT64 -> {
                    need(at, 8, end, s, i);
                    values[i] = Double.longBitsToDouble((long) LONG.get(b, at));
                    at += 8;
                }
                case DECIMAL -> {
                    need(at, 4, end, s, i);
                    int scale = (int) INT.get(b, at);
                    int n = length(b, at + 4, end, s, i);
                    values[i] = new BigDecimal(new BigInteger(b, at + 8, n), scale);
                    at += 8 + n;
                }
                case STRING -> {
                    int n = length(b, at, end, s, i);
                    values[i] = strings == null ? new String(b, at + 4, n, StandardCharsets.UTF_8) : strings.get(b, at + 4, n, StringCache.fieldKey(s, i));
                    at += 4 + n;
                }
                case BYTES -> {
                    int n = length(b, at, end, s, i);
                    values[i] = java.util.Arrays.copyOfRange(b, at + 4, at + 4 + n);
                    at += 4 + n;
                }
                default -> throw new IllegalStateException("unhandled field type " + t);
            }
        }
        if (at != end) {
            throw new IOException((end - at) + " bytes left after the last field");
        }
        return Row.wrapTrusted(s, values);
    }

    private static void need(int at, int n, int end, RowSchema s, int field) throws IOException {
        if (n > end - at) {
            throw new IOException("field '" + s.name(field) + "': needs " + n + " bytes, " + (end - at) + " left");
        }
    }

    /** The int32 length at {@code at}, checked against the bytes that follow it. */
    private static int length(byte[] b, int at, int end, RowSchema s, int field) throws IOException {
        need(at, 4, end, s, field);
        int n = (int) INT.get(b, at);
        if (n < 0) {
            throw new IOException("field '" + s.name(field) + "': negative value length " + n);
        }
        if (n > end - at - 4) {
            throw new IOException("field '" + s.name(field) + "': value length " + n + " exceeds the " + (end - at - 4) + " bytes left");
        }
        return n;
    }

    private static void writeBytes(DataOutput out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInput in, String field) throws IOException {
        byte[] b = new byte[readLength(in, field)];
        in.readFully(b);
        return b;
    }

    /** A length is checked before anything is allocated: against what is left when the input can tell. */
    private static int readLength(DataInput in, String field) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("field '" + field + "': negative value length " + n);
        }
        if (in instanceof InputStream stream && n > stream.available()) {
            throw new IOException("field '" + field + "': value length " + n + " exceeds the " + stream.available() + " bytes left");
        }
        return n;
    }
}
