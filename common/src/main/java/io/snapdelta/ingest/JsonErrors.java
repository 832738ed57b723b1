package io.snapdelta.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.CharConversionException;
import java.io.IOException;

/** Maps what Jackson reports onto {@link ParseErrorKind}s with the JSON-pointer path where it happened. */
final class JsonErrors {
    private JsonErrors() {
    }

    /** The JSON pointer of the parser's current position, under {@code prefix}. */
    static String path(String prefix, JsonParser p) {
        if (p == null) {
            return prefix;
        }
        String pointer = p.getParsingContext().pathAsPointer().toString();
        return prefix + pointer;
    }

    static ParseException translate(IOException e, String prefix, JsonParser p) {
        String path = path(prefix, p);
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        if (e instanceof StreamConstraintsException) {
            return new ParseException(ParseErrorKind.TOO_LARGE, path, message, e);
        }
        if (e instanceof CharConversionException || message.contains("UTF-8") || message.contains("UTF8")) {
            return new ParseException(ParseErrorKind.INVALID_UTF8, path, "bytes are not valid UTF-8: " + message, e);
        }
        if (e instanceof InputCoercionException) {
            return new ParseException(ParseErrorKind.INVALID_VALUE, path, message, e);
        }
        if (e instanceof JsonEOFException || message.contains("end-of-input")) {
            return new ParseException(ParseErrorKind.MALFORMED, path, "truncated JSON: " + message, e);
        }
        return new ParseException(ParseErrorKind.MALFORMED, path, "not well-formed JSON: " + message, e);
    }
}
