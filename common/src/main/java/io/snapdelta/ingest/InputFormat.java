package io.snapdelta.ingest;

/** The input formats a change-event topic can carry; the config / CLI name is {@link #id()}. */
public enum InputFormat {
    DEBEZIUM_JSON("debezium-json"),
    SNAPDELTA_JSON("snapdelta-json"),
    SNAPDELTA_AVRO("snapdelta-avro");

    private final String id;

    InputFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * A new parser for this format: the one the job and {@code bench parse} use (one per thread).
     * Debezium JSON gets {@link DebeziumJsonParser} with its byte-level fast path.
     */
    public ChangeEventParser newParser(ParserLimits limits) {
        return switch (this) {
            case DEBEZIUM_JSON -> new DebeziumJsonParser(limits);
            case SNAPDELTA_JSON -> new SnapdeltaJsonParser(limits);
            case SNAPDELTA_AVRO -> new SnapdeltaAvroParser(limits);
        };
    }

    public static InputFormat fromId(String id) {
        for (InputFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown input format '" + id + "' (expected one of debezium-json, snapdelta-json, snapdelta-avro)");
    }
}
