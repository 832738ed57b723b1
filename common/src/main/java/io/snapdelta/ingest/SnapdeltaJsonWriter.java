package io.snapdelta.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;

/**
 * Writes a {@link ChangeEvent} as one snapdelta JSON v1 record (specified in
 * {@code schemas/change-event-formats.md}). Deterministic: the same event always gives the same bytes
 * (fixed field order, no whitespace). Not thread-safe.
 */
public final class SnapdeltaJsonWriter {
    public static final int FORMAT_VERSION = 1;

    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);

    public byte[] write(ChangeEvent e) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeNumberField("snapdelta", FORMAT_VERSION);
            g.writeStringField("ns", e.table().namespace());
            g.writeStringField("table", e.table().name());
            g.writeStringField("op", String.valueOf(e.op().code()));
            g.writeArrayFieldStart("version");
            g.writeString(Long.toUnsignedString(e.version().major()));
            g.writeString(Long.toUnsignedString(e.version().minor()));
            g.writeEndArray();
            g.writeNumberField("ts_us", e.sourceTimestampMicros());
            g.writeFieldName("key");
            writeRow(g, e.key());
            if (e.before() != null) {
                g.writeFieldName("before");
                writeRow(g, e.before());
            }
            g.writeFieldName("after");
            if (e.after() == null) {
                g.writeNull();
            } else {
                writeRow(g, e.after());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return buffer.toByteArray();
    }

    private static void writeRow(JsonGenerator g, Row row) throws IOException {
        g.writeStartArray();
        for (int i = 0; i < row.size(); i++) {
            g.writeStartArray();
            g.writeString(row.schema().name(i));
            g.writeString(SnapdeltaTypeNames.name(row.schema().type(i)));
            Object v = row.get(i);
            if (v == null) {
                g.writeNull();
            } else {
                switch (row.schema().type(i)) {
                    case NULL -> g.writeNull();
                    case BOOLEAN -> g.writeBoolean((Boolean) v);
                    case INT64, TIMESTAMP_MICROS, DATE -> g.writeNumber((Long) v);
                    case FLOAT64 -> {
                        double d = (Double) v;
                        if (Double.isNaN(d) || Double.isInfinite(d)) {
                            g.writeString(Double.toString(d)); // "NaN", "Infinity", "-Infinity"
                        } else {
                            g.writeNumber(d);
                        }
                    }
                    case DECIMAL -> {
                        BigDecimal b = (BigDecimal) v;
                        g.writeString(b.scale() >= 0 ? b.toPlainString() : b.toString());
                    }
                    case STRING -> g.writeString((String) v);
                    case BYTES -> g.writeString(Base64.getEncoder().encodeToString((byte[]) v));
                }
            }
            g.writeEndArray();
        }
        g.writeEndArray();
    }
}
