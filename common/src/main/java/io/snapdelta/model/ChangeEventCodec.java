package io.snapdelta.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Binary form of a {@link ChangeEvent} for records in flight between operators (the Flink job's
 * {@code keyBy(shard)} exchange). Self-contained per record (no state across records, so any reader can
 * decode any record), deterministic (equal events encode to equal bytes), versioned by its first byte.
 * Specified in {@code schemas/change-event-binary-v1.md}:
 *
 * <pre>
 * event, v1: u8 1 | str namespace | str name | u8 op code (ASCII r/c/u/d) | i64 version major | i64 version minor
 *            | i64 source timestamp micros | row key | u8 images (1 = before present, 2 = after present)
 *            | [row before] | [row after]
 * row:       u16 n | n x (str field name, u8 field type id) | values
 * values:    per field, in schema order: type NULL -> nothing; else u8 0 (null) or 1 then the value:
 *            BOOLEAN u8; INT64, TIMESTAMP_MICROS, DATE i64; FLOAT64 IEEE bits i64;
 *            DECIMAL i32 scale + u32 length + unscaled two's-complement bytes; STRING (UTF-8), BYTES u32 length + bytes
 * str:       u16 length + modified UTF-8 (DataOutput.writeUTF)
 * </pre>
 * Integers are big-endian. The values layout is that of the shard state ({@code io.snapdelta.shard.StateEntryCodec}).
 * Works on {@link DataOutput}/{@link DataInput}, so a Flink serializer hands its views straight in.
 */
public final class ChangeEventCodec {
    public static final int VERSION = 1;
    private static final int HAS_BEFORE = 1;
    private static final int HAS_AFTER = 2;

    private ChangeEventCodec() {
    }

    /**
     * How the table and the rows of an event are written and read. {@link #PLAIN} spells them out; a
     * reader or writer that sees many events of few tables and schemas can memoize their bytes (the Flink
     * serializer does) as long as it writes and reads exactly these bytes.
     */
    public interface Parts {
        /** {@code str namespace | str name}. */
        void writeTable(TableId table, DataOutput out) throws IOException;

        /** {@code row}: schema, then values. */
        void writeRow(Row row, DataOutput out) throws IOException;

        TableId readTable(DataInput in) throws IOException;

        Row readRow(DataInput in) throws IOException;
    }

    /** Tables and rows written and read in full, with no state across records. */
    public static final Parts PLAIN = new Parts() {
        @Override
        public void writeTable(TableId table, DataOutput out) throws IOException {
            out.writeUTF(table.namespace());
            out.writeUTF(table.name());
        }

        @Override
        public void writeRow(Row row, DataOutput out) throws IOException {
            ChangeEventCodec.writeRow(row, out);
        }

        @Override
        public TableId readTable(DataInput in) throws IOException {
            return new TableId(in.readUTF(), in.readUTF());
        }

        @Override
        public Row readRow(DataInput in) throws IOException {
            return ChangeEventCodec.readRow(in);
        }
    };

    public static void write(ChangeEvent e, DataOutput out) throws IOException {
        write(e, out, PLAIN);
    }

    public static void write(ChangeEvent e, DataOutput out, Parts parts) throws IOException {
        out.writeByte(VERSION);
        parts.writeTable(e.table(), out);
        out.writeByte(e.op().code());
        out.writeLong(e.version().major());
        out.writeLong(e.version().minor());
        out.writeLong(e.sourceTimestampMicros());
        parts.writeRow(e.key(), out);
        out.writeByte((e.before() != null ? HAS_BEFORE : 0) | (e.after() != null ? HAS_AFTER : 0));
        if (e.before() != null) {
            parts.writeRow(e.before(), out);
        }
        if (e.after() != null) {
            parts.writeRow(e.after(), out);
        }
    }

    public static ChangeEvent read(DataInput in) throws IOException {
        return read(in, PLAIN);
    }

    public static ChangeEvent read(DataInput in, Parts parts) throws IOException {
        int v = in.readUnsignedByte();
        if (v != VERSION) {
            throw new IOException("unknown change event encoding version " + v + " (this build reads " + VERSION + ")");
        }
        return readAfterVersion(in, parts);
    }

    /**
     * Reads an event whose version byte ({@link #VERSION}) the caller has already read, e.g. to tell it from
     * another record kind sharing the stream (the job's sharded keyBy records, schemas/change-event-binary-v1.md).
     */
    public static ChangeEvent readAfterVersion(DataInput in, Parts parts) throws IOException {
        TableId table = parts.readTable(in);
        int code = in.readUnsignedByte();
        ChangeOp op;
        try {
            op = ChangeOp.fromCode((char) code);
        } catch (IllegalArgumentException ex) {
            throw new IOException("change event of " + table + ": " + ex.getMessage(), ex);
        }
        Version version = new Version(in.readLong(), in.readLong());
        long ts = in.readLong();
        Row key = parts.readRow(in);
        int images = in.readUnsignedByte();
        Row before = (images & HAS_BEFORE) != 0 ? parts.readRow(in) : null;
        Row after = (images & HAS_AFTER) != 0 ? parts.readRow(in) : null;
        return new ChangeEvent(table, key, op, version, before, after, ts);
    }

    /** Copies one encoded event from {@code in} to {@code out} (decoding is the only way to find its end). */
    public static void copy(DataInput in, DataOutput out) throws IOException {
        write(read(in), out);
    }

    static void writeRow(Row row, DataOutput out) throws IOException {
        RowSchema s = row.schema();
        out.writeShort(s.size());
        for (int i = 0; i < s.size(); i++) {
            out.writeUTF(s.name(i));
            out.writeByte(s.type(i).id());
        }
        RowValuesCodec.writeValues(out, row);
    }

    static Row readRow(DataInput in) throws IOException {
        RowSchema s = readSchemaFields(in, in.readUnsignedShort());
        return RowValuesCodec.readValues(in, s);
    }

    /** The {@code n x (str field name, u8 field type id)} of a row's schema, after its u16 count. */
    public static RowSchema readSchemaFields(DataInput in, int n) throws IOException {
        String[] names = new String[n];
        FieldType[] types = new FieldType[n];
        for (int i = 0; i < n; i++) {
            names[i] = in.readUTF();
            int id = in.readUnsignedByte();
            try {
                types[i] = FieldType.fromId(id);
            } catch (IllegalArgumentException ex) {
                throw new IOException("field '" + names[i] + "': " + ex.getMessage(), ex);
            }
        }
        return RowSchema.of(names, types);
    }

}
