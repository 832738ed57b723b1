package io.snapdelta.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
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
                case STRING -> new String(readBytes(in, s.name(i)), StandardCharsets.UTF_8);
                case BYTES -> readBytes(in, s.name(i));
                default -> throw new IllegalStateException("unhandled field type " + t);
            };
        }
        return Row.wrapTrusted(s, values);
    }

    private static void writeBytes(DataOutput out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** A length is checked before anything is allocated: against what is left when the input can tell. */
    private static byte[] readBytes(DataInput in, String field) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("field '" + field + "': negative value length " + n);
        }
        if (in instanceof InputStream stream && n > stream.available()) {
            throw new IOException("field '" + field + "': value length " + n + " exceeds the " + stream.available() + " bytes left");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
