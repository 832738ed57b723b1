package io.snapdelta.ingest;

/**
 * What one ingest stage did with its records. Every record read lands in exactly one of valid, dead
 * letters or tombstones, so {@code in == valid + deadLetters + tombstones} always holds: nothing is
 * silently dropped. Mutable and not thread-safe (one per parser / subtask); {@link #toArray()} and
 * {@link #add(long[])} let the Flink operator keep the counts in checkpointed state so totals survive a
 * restore exactly.
 */
public final class IngestCounts {
    private long in;
    private long valid;
    private long deadLetters;
    private long tombstones;

    public long in() {
        return in;
    }

    public long valid() {
        return valid;
    }

    public long deadLetters() {
        return deadLetters;
    }

    public long tombstones() {
        return tombstones;
    }

    void countValid() {
        in++;
        valid++;
    }

    void countDeadLetter() {
        in++;
        deadLetters++;
    }

    void countTombstone() {
        in++;
        tombstones++;
    }

    /** {in, valid, deadLetters, tombstones}. */
    public long[] toArray() {
        return new long[] {in, valid, deadLetters, tombstones};
    }

    /** Adds counts saved by {@link #toArray()} (e.g. restored from a checkpoint). */
    public void add(long[] saved) {
        if (saved.length != 4) {
            throw new IllegalArgumentException("expected 4 counts {in, valid, deadLetters, tombstones}, got " + saved.length);
        }
        in += saved[0];
        valid += saved[1];
        deadLetters += saved[2];
        tombstones += saved[3];
    }

    @Override
    public String toString() {
        return "in=" + in + " valid=" + valid + " deadLetters=" + deadLetters + " tombstones=" + tombstones;
    }
}
