package io.snapdelta.ingest;

import io.snapdelta.model.ChangeEvent;
import java.util.Objects;

/**
 * What a parser made of one record: an event, a tombstone (null event) or an error with its kind, path
 * and reason. Equal when the events are equal, or the error kinds and paths are: the wording of an error
 * Jackson reports itself can depend on its recycled buffers' history, so reasons are shown, not compared.
 */
record ParserOutcome(ChangeEvent event, ParseErrorKind errorKind, String errorPath, String errorReason) {
    static ParserOutcome of(ChangeEventParser parser, byte[] key, byte[] value) {
        try {
            return new ParserOutcome(parser.parse(key, value), null, null, null);
        } catch (ParseException e) {
            return new ParserOutcome(null, e.kind(), e.fieldPath(), e.reason());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParserOutcome other && Objects.equals(event, other.event) && errorKind == other.errorKind
                && Objects.equals(errorPath, other.errorPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, errorKind, errorPath);
    }

    boolean failed() {
        return errorKind != null;
    }

    @Override
    public String toString() {
        return failed() ? errorKind + " at '" + errorPath + "': " + errorReason : String.valueOf(Objects.requireNonNullElse(event, "tombstone"));
    }
}
