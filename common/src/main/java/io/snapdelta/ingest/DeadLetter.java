package io.snapdelta.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A record that could not be turned into a change event, as it goes to the dead-letter topic: the
 * ORIGINAL key and value bytes, untouched (same array contents, {@code null} stays {@code null}), and
 * headers that say where it came from and why it was rejected.
 *
 * <p>The headers follow Kafka Connect's {@code __connect.errors.*} style (a fixed prefix, one header per
 * fact, every value UTF-8 text, numbers in decimal) so that the tools people already point at a Connect
 * dead-letter queue can read ours:
 *
 * <table>
 *   <caption>dead-letter headers</caption>
 *   <tr><th>header</th><th>value</th></tr>
 *   <tr><td>{@value #TOPIC}</td><td>source topic</td></tr>
 *   <tr><td>{@value #PARTITION}</td><td>source partition, decimal</td></tr>
 *   <tr><td>{@value #OFFSET}</td><td>source offset, decimal</td></tr>
 *   <tr><td>{@value #FORMAT}</td><td>input format id the topic is configured with ({@link InputFormat#id()})</td></tr>
 *   <tr><td>{@value #CLASS}</td><td>error class: a {@link ParseErrorKind} name, or {@value #PARSER_FAILURE_CLASS}</td></tr>
 *   <tr><td>{@value #FIELD_PATH}</td><td>path of the offending field, {@code ""} for the whole record</td></tr>
 *   <tr><td>{@value #REASON}</td><td>human-readable reason, at most {@value #MAX_REASON_CHARS} characters</td></tr>
 *   <tr><td>{@value #EXCEPTION_CLASS}</td><td>only for {@value #PARSER_FAILURE_CLASS}: the Java exception class</td></tr>
 * </table>
 *
 * <p>{@value #PARSER_FAILURE_CLASS} is for a parser that threw something other than a
 * {@link ParseException}: a bug in the parser, not in the input. Routing it to the dead letters (with the
 * exception named) keeps the job alive instead of restart-looping on one record, and the record is kept
 * for replay once the parser is fixed.
 */
public final class DeadLetter {
    public static final String HEADER_PREFIX = "__snapdelta.errors.";
    public static final String TOPIC = HEADER_PREFIX + "topic";
    public static final String PARTITION = HEADER_PREFIX + "partition";
    public static final String OFFSET = HEADER_PREFIX + "offset";
    public static final String FORMAT = HEADER_PREFIX + "format";
    public static final String CLASS = HEADER_PREFIX + "class";
    public static final String FIELD_PATH = HEADER_PREFIX + "field.path";
    public static final String REASON = HEADER_PREFIX + "reason";
    public static final String EXCEPTION_CLASS = HEADER_PREFIX + "exception.class";

    /** Error class of a record whose parser failed with an unexpected exception (see class doc). */
    public static final String PARSER_FAILURE_CLASS = "PARSER_FAILURE";
    /** Reasons are capped so one pathological record cannot produce a huge header. */
    public static final int MAX_REASON_CHARS = 2000;

    /** One header: a name and its UTF-8 value. */
    public record Header(String name, byte[] value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        public String valueAsString() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private final byte[] key;
    private final byte[] value;
    private final String errorClass;
    private final List<Header> headers;

    private DeadLetter(byte[] key, byte[] value, String errorClass, List<Header> headers) {
        this.key = key;
        this.value = value;
        this.errorClass = errorClass;
        this.headers = List.copyOf(headers);
    }

    /** A record the parser rejected with a reason. */
    public static DeadLetter rejected(SourcePosition source, InputFormat format, byte[] key, byte[] value, ParseException e) {
        Objects.requireNonNull(e, "exception");
        List<Header> headers = origin(source, format);
        headers.add(text(CLASS, e.kind().name()));
        headers.add(text(FIELD_PATH, e.fieldPath()));
        headers.add(text(REASON, cap(e.reason() == null ? e.getMessage() : e.reason())));
        return new DeadLetter(key, value, e.kind().name(), headers);
    }

    /** A record on which the parser failed unexpectedly (a parser bug); see the class doc. */
    public static DeadLetter parserFailure(SourcePosition source, InputFormat format, byte[] key, byte[] value, RuntimeException e) {
        Objects.requireNonNull(e, "exception");
        List<Header> headers = origin(source, format);
        headers.add(text(CLASS, PARSER_FAILURE_CLASS));
        headers.add(text(FIELD_PATH, ""));
        headers.add(text(REASON, cap("parser failed unexpectedly: " + e)));
        headers.add(text(EXCEPTION_CLASS, e.getClass().getName()));
        return new DeadLetter(key, value, PARSER_FAILURE_CLASS, headers);
    }

    /** The original key bytes, untouched; {@code null} when the source record had no key. */
    public byte[] key() {
        return key;
    }

    /** The original value bytes, untouched; {@code null} for a source tombstone. */
    public byte[] value() {
        return value;
    }

    /** The value of {@link #CLASS}. */
    public String errorClass() {
        return errorClass;
    }

    /** The headers, in a fixed order: origin first, then the error. */
    public List<Header> headers() {
        return headers;
    }

    /**
     * Reads our headers back (e.g. from a consumed dead letter) into name -> text, ignoring headers that
     * are not ours. The last value wins if a name repeats.
     */
    public static Map<String, String> readHeaders(Iterable<Header> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : headers) {
            if (h.name().startsWith(HEADER_PREFIX)) {
                out.put(h.name(), h.valueAsString());
            }
        }
        return out;
    }

    /** Where a record was read: topic, partition, offset. */
    public record SourcePosition(String topic, int partition, long offset) {
        public SourcePosition {
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private static List<Header> origin(SourcePosition source, InputFormat format) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        List<Header> headers = new ArrayList<>(8);
        headers.add(text(TOPIC, source.topic()));
        headers.add(text(PARTITION, Integer.toString(source.partition())));
        headers.add(text(OFFSET, Long.toString(source.offset())));
        headers.add(text(FORMAT, format.id()));
        return headers;
    }

    private static Header text(String name, String value) {
        return new Header(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    static String cap(String reason) {
        if (reason == null) {
            return "";
        }
        if (reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int keep = MAX_REASON_CHARS - 40;
        // Never cut a surrogate pair in half: the header must stay valid UTF-8.
        if (Character.isHighSurrogate(reason.charAt(keep - 1))) {
            keep--;
        }
        return reason.substring(0, keep) + "... (" + (reason.length() - keep) + " more chars)";
    }
}
