package io.snapdelta.ingest;

/**
 * A record that cannot be parsed or validated. Carries what the dead-letter headers need: the error
 * class ({@link ParseErrorKind}), the JSON-pointer-like path of the offending field ({@code "" } for the
 * whole record, e.g. {@code /value/after/aid}) and a human-readable reason that names the value.
 */
public final class ParseException extends Exception {
    private final ParseErrorKind kind;
    private final String fieldPath;
    private final String reason;

    public ParseException(ParseErrorKind kind, String fieldPath, String reason) {
        this(kind, fieldPath, reason, null);
    }

    public ParseException(ParseErrorKind kind, String fieldPath, String reason, Throwable cause) {
        super(kind + " at '" + fieldPath + "': " + reason, cause, false, cause != null);
        this.kind = kind;
        this.fieldPath = fieldPath == null ? "" : fieldPath;
        this.reason = reason;
    }

    public ParseErrorKind kind() {
        return kind;
    }

    public String fieldPath() {
        return fieldPath;
    }

    public String reason() {
        return reason;
    }
}
