package io.snapdelta.ingest;

import io.snapdelta.model.ChangeEvent;

/**
 * Turns one Kafka record (key bytes, value bytes) of a change-event topic into a {@link ChangeEvent}.
 * One implementation per input format ({@link InputFormat}); implementations are not thread-safe
 * (they reuse buffers) and are cheap to create, so use one per thread / Flink subtask.
 */
public interface ChangeEventParser {

    /**
     * @param key the record key, or {@code null}
     * @param value the record value, or {@code null} (a Kafka tombstone)
     * @return the event, or {@code null} when the record carries no change by design (a tombstone that
     *     follows a delete); such records are counted by the caller, never silently lost
     * @throws ParseException naming the error class, the field path and a human-readable reason
     */
    ChangeEvent parse(byte[] key, byte[] value) throws ParseException;
}
