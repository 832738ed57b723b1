package io.snapdelta.ingest;

/**
 * Why a record could not be turned into a change event. The name is the stable "error class" written in
 * the dead-letter headers and counted in summaries; never rename one.
 */
public enum ParseErrorKind {
    /** Not well-formed JSON / Avro (truncated, garbage, trailing bytes). */
    MALFORMED,
    /** Bytes that are not valid UTF-8 where text is required. */
    INVALID_UTF8,
    /** A required field is absent (no key, no op, no payload, no after-image for an insert, ...). */
    MISSING_FIELD,
    /** A field has the wrong JSON / Avro type (a string where a number is required, ...). */
    WRONG_TYPE,
    /** A value is out of the allowed range or set (unknown op code, negative lsn, ...). */
    INVALID_VALUE,
    /** A record, string or field count exceeds the configured limit. */
    TOO_LARGE,
    /** An empty record (zero bytes or only whitespace). */
    EMPTY,
    /** A well-formed record of a kind the product does not apply (e.g. Debezium truncate {@code t}). */
    UNSUPPORTED
}
