package io.snapdelta.model;

/**
 * A per-source version, totally ordered in the source's commit order: compare {@link #major()} first,
 * then {@link #minor()}, both as unsigned 64-bit integers.
 *
 * <p>How each source maps onto the pair is specified in {@code schemas/change-event-formats.md}; for
 * PostgreSQL (Debezium) it is (lsn of the previous commit, lsn of this change), because the change lsn
 * alone is not monotonic across transactions.
 */
public record Version(long major, long minor) implements Comparable<Version> {
    public static final Version ZERO = new Version(0, 0);

    @Override
    public int compareTo(Version o) {
        int c = Long.compareUnsigned(major, o.major);
        return c != 0 ? c : Long.compareUnsigned(minor, o.minor);
    }

    public boolean isAfter(Version o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(major) + ":" + Long.toUnsignedString(minor);
    }
}
