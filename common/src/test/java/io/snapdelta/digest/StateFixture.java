package io.snapdelta.digest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads the state description format that {@code schemas/tools/state_digest.py} reads. */
final class StateFixture {
    record Entry(TableId table, Row key, Row row) {
    }

    private StateFixture() {
    }

    static List<Entry> load(String resource) throws IOException {
        try (InputStream in = StateFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            return read(in);
        }
    }

    static List<Entry> read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        List<Entry> out = new ArrayList<>();
        for (JsonNode e : root.get("entries")) {
            TableId table = TableId.of(e.path("namespace").asText(""), e.get("table").asText());
            out.add(new Entry(table, row(e.get("key")), row(e.get("row"))));
        }
        return out;
    }

    private static Row row(JsonNode fields) {
        int n = fields.size();
        String[] names = new String[n];
        FieldType[] types = new FieldType[n];
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            JsonNode f = fields.get(i);
            names[i] = f.get("name").asText();
            types[i] = FieldType.valueOf(f.get("type").asText());
            JsonNode v = f.get("value");
            values[i] = v == null || v.isNull() ? null : switch (types[i]) {
                case BOOLEAN -> v.asBoolean();
                case INT64, TIMESTAMP_MICROS, DATE -> v.asLong();
                case FLOAT64 -> Double.parseDouble(v.asText());
                case DECIMAL -> new BigDecimal(v.asText());
                case STRING -> v.asText();
                case BYTES -> HexFormat.of().parseHex(v.asText());
                case NULL -> throw new IllegalArgumentException("NULL-typed field with a value");
            };
        }
        return Row.of(RowSchema.of(names, types), values);
    }
}
