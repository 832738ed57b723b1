package io.snapdelta.job;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record as the sources hand it to the parse operator: the bytes untouched plus where they were
 * read. A Flink POJO (public fields, no-arg constructor) so it travels with Flink's POJO serializer, not Kryo.
 */
public final class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    /** Kafka's record timestamp (ms since the epoch), or -1 when the record has none. */
    public long timestamp;
    /** The record key, or {@code null}. */
    public byte[] key;
    /** The record value, or {@code null} (a tombstone). */
    public byte[] value;

    public RawRecord() {
    }

    public RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord r && partition == r.partition && offset == r.offset && timestamp == r.timestamp
                && Objects.equals(topic, r.topic) && Arrays.equals(key, r.key) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
