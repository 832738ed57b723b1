package io.snapdelta.ingest;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes a {@link ChangeEvent} as snapdelta Avro v1: Avro single-object encoding of
 * {@code schemas/change-event.avsc}. Deterministic (Avro binary has one encoding per value). Not thread-safe.
 */
public final class SnapdeltaAvroWriter {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;

    public byte[] write(ChangeEvent e) {
        buffer.reset();
        byte[] header = new byte[SnapdeltaAvroSchema.HEADER_LENGTH];
        SnapdeltaAvroSchema.writeHeader(header, SnapdeltaAvroSchema.V1_FINGERPRINT);
        buffer.writeBytes(header);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            encoder.writeString(e.table().namespace());
            encoder.writeString(e.table().name());
            encoder.writeEnum(e.op().ordinal());
            encoder.writeLong(e.version().major());
            encoder.writeLong(e.version().minor());
            encoder.writeLong(e.sourceTimestampMicros());
            writeFields(e.key());
            writeOptionalRow(e.before());
            writeOptionalRow(e.after());
            encoder.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return buffer.toByteArray();
    }

    private void writeOptionalRow(Row row) throws IOException {
        if (row == null) {
            encoder.writeIndex(0);
        } else {
            encoder.writeIndex(1);
            writeFields(row);
        }
    }

    private void writeFields(Row row) throws IOException {
        encoder.writeArrayStart();
        encoder.setItemCount(row.size());
        for (int i = 0; i < row.size(); i++) {
            encoder.startItem();
            encoder.writeString(row.schema().name(i));
            encoder.writeEnum(row.schema().type(i).ordinal());
            Object v = row.get(i);
            if (v == null) {
                encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_NULL);
                continue;
            }
            switch (row.schema().type(i)) {
                case NULL -> encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_NULL);
                case BOOLEAN -> {
                    encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_BOOLEAN);
                    encoder.writeBoolean((Boolean) v);
                }
                case INT64, TIMESTAMP_MICROS, DATE -> {
                    encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_LONG);
                    encoder.writeLong((Long) v);
                }
                case FLOAT64 -> {
                    encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_DOUBLE);
                    encoder.writeDouble((Double) v);
                }
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_DECIMAL);
                    encoder.writeBytes(d.unscaledValue().toByteArray());
                    encoder.writeInt(d.scale());
                }
                case STRING -> {
                    encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_STRING);
                    encoder.writeBytes(((String) v).getBytes(StandardCharsets.UTF_8));
                }
                case BYTES -> {
                    encoder.writeIndex(SnapdeltaAvroSchema.BRANCH_BYTES);
                    encoder.writeBytes((byte[]) v);
                }
            }
        }
        encoder.writeArrayEnd();
    }
}
