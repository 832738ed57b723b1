package io.snapdelta.config;

/**
 * Limits every change-event parser enforces, so one hostile or broken record cannot exhaust a task's
 * memory. A record over a limit is rejected with error class {@code TOO_LARGE} (and goes to the
 * dead-letter topic); the limits never truncate data silently.
 */
public final class ParserOptions {
    private ParserOptions() {
    }

    public static final ConfigOption<MemorySize> MAX_RECORD_BYTES = ConfigOption.key("parser.max-record-bytes")
            .memoryType().defaultValue(MemorySize.parse("8mb"))
            .validator(Validators.between(MemorySize.parse("1kb"), MemorySize.parse("1gb")))
            .description("Largest accepted change record (key bytes + value bytes). Larger records are "
                    + "dead-lettered as TOO_LARGE. Kafka's default max.message.bytes is about 1 MB; raise both together.");

    public static final ConfigOption<Integer> MAX_STRING_LENGTH = ConfigOption.key("parser.max-string-length")
            .intType().defaultValue(4 * 1024 * 1024)
            .validator(Validators.between(16, Integer.MAX_VALUE - 64))
            .description("Longest accepted string (column value or decoded base64 text), in characters. "
                    + "Longer strings make the record TOO_LARGE.");

    public static final ConfigOption<Integer> MAX_FIELDS = ConfigOption.key("parser.max-fields")
            .intType().defaultValue(4096)
            .validator(Validators.between(1, 1_000_000))
            .description("Most columns accepted in one row image (key, before or after). More make the record TOO_LARGE.");

    public static final ConfigOption<Integer> MAX_NESTING_DEPTH = ConfigOption.key("parser.max-nesting-depth")
            .intType().defaultValue(64)
            .validator(Validators.between(8, 1000))
            .description("Deepest accepted JSON nesting (objects and arrays, also inside skipped fields). "
                    + "Deeper input makes the record TOO_LARGE.");
}
