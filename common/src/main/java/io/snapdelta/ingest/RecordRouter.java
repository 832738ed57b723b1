package io.snapdelta.ingest;

import io.snapdelta.ingest.DeadLetter.SourcePosition;
import io.snapdelta.model.ChangeEvent;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest step of the job without Flink: parses one record of one input topic and routes it to exactly
 * one of three places: a valid {@link ChangeEvent}, a {@link DeadLetter} (original bytes plus why), or the
 * tombstone count (a {@code null} value that carries no change by design). Counts every outcome in
 * {@link IngestCounts}. One instance per parser, i.e. per Flink subtask; not thread-safe.
 */
public final class RecordRouter {
    private static final Logger LOG = LoggerFactory.getLogger(RecordRouter.class);
    /** Dead letters logged in full per router before it goes quiet (the topic has all of them). */
    static final int LOGGED_DEAD_LETTERS = 10;

    /** Where routed records go. */
    public interface Routes {
        void valid(ChangeEvent event);

        void deadLetter(DeadLetter deadLetter);
    }

    private final String topic;
    private final InputFormat format;
    private final ChangeEventParser parser;
    private final IngestCounts counts = new IngestCounts();

    public RecordRouter(String topic, InputFormat format, ChangeEventParser parser) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.format = Objects.requireNonNull(format, "format");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    public void route(int partition, long offset, byte[] key, byte[] value, Routes routes) {
        ChangeEvent event;
        try {
            event = parser.parse(key, value);
        } catch (ParseException e) {
            deadLetter(DeadLetter.rejected(new SourcePosition(topic, partition, offset), format, key, value, e), routes);
            return;
        } catch (RuntimeException e) {
            // A parser bug, not bad input: keep the record and the stack trace, keep the job running.
            LOG.error("Parser for {} threw unexpectedly on {}-{}@{}; dead-lettering the record as {}",
                    format.id(), topic, partition, offset, DeadLetter.PARSER_FAILURE_CLASS, e);
            deadLetter(DeadLetter.parserFailure(new SourcePosition(topic, partition, offset), format, key, value, e), routes);
            return;
        }
        if (event == null) {
            counts.countTombstone();
            return;
        }
        counts.countValid();
        routes.valid(event);
    }

    private void deadLetter(DeadLetter dl, Routes routes) {
        counts.countDeadLetter();
        long n = counts.deadLetters();
        if (n <= LOGGED_DEAD_LETTERS) {
            var h = DeadLetter.readHeaders(dl.headers());
            LOG.warn("Dead letter from {}-{}@{}: {} at '{}': {}{}", topic, h.get(DeadLetter.PARTITION), h.get(DeadLetter.OFFSET),
                    dl.errorClass(), h.get(DeadLetter.FIELD_PATH), h.get(DeadLetter.REASON),
                    n == LOGGED_DEAD_LETTERS ? " (further dead letters of this subtask are counted, not logged)" : "");
        }
        routes.deadLetter(dl);
    }

    public IngestCounts counts() {
        return counts;
    }

    public String topic() {
        return topic;
    }

    public InputFormat format() {
        return format;
    }
}
