package io.snapdelta.shard;

import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.Row;
import io.snapdelta.model.Version;
import java.util.Objects;

/**
 * What a shard's state holds for one (table, key): the version of the last applied change and the row,
 * or a tombstone ({@code row == null}) remembering the version of a delete until
 * {@code deletedAtMicros} + retention. Immutable; equal by value.
 *
 * <p>The row's state-digest entry hash ({@link io.snapdelta.digest.RowHasher#hashEntry}) is cached so that
 * replacing or deleting the row does not hash it again; absent for tombstones or when the store does not
 * keep it (then it is recomputed). Its 4 lanes (fixed by {@code schemas/state-digest-v1.md} and {@code -v2.md}, in the shard's digest version) are fields of the entry, not an
 * array beside it: one object per applied change instead of two, and subtracting an old row's hash reads
 * the entry it already loaded instead of following a pointer to a cold array. The version is kept as its two
 * words for the same reason: the dedup check of every change compares it, and on a state larger than the CPU
 * caches a separate {@link Version} object was one more cache miss per change after the entry's own.
 */
public final class StoredEntry {
    private final long versionMajor;
    private final long versionMinor;
    private final Row row;
    private final long deletedAtMicros;
    private final boolean hashed;
    private final long lane0;
    private final long lane1;
    private final long lane2;
    private final long lane3;

    /**
     * @param entryHash the row's entry hash lanes, or {@code null}; copied (the entry never shares it)
     */
    public StoredEntry(Version version, Row row, long deletedAtMicros, long[] entryHash) {
        this(Objects.requireNonNull(version, "version").major(), version.minor(), row, deletedAtMicros, entryHash != null,
                lane(entryHash, 0), lane(entryHash, 1), lane(entryHash, 2), lane(entryHash, 3));
    }

    private StoredEntry(long versionMajor, long versionMinor, Row row, long deletedAtMicros, boolean hashed,
                        long lane0, long lane1, long lane2, long lane3) {
        this.versionMajor = versionMajor;
        this.versionMinor = versionMinor;
        this.row = row;
        this.deletedAtMicros = deletedAtMicros;
        this.hashed = hashed;
        this.lane0 = lane0;
        this.lane1 = lane1;
        this.lane2 = lane2;
        this.lane3 = lane3;
    }

    private static long lane(long[] hash, int i) {
        if (hash == null) {
            return 0;
        }
        if (hash.length != StateDigest.LANES) {
            throw new IllegalArgumentException("an entry hash has " + StateDigest.LANES + " lanes, got " + hash.length);
        }
        return hash[i];
    }

    public static StoredEntry live(Version version, Row row) {
        return new StoredEntry(version, Objects.requireNonNull(row, "row"), 0L, null);
    }

    public static StoredEntry live(Version version, Row row, long[] entryHash) {
        return new StoredEntry(version, Objects.requireNonNull(row, "row"), 0L, entryHash);
    }

    public static StoredEntry tombstone(Version version, long deletedAtMicros) {
        return new StoredEntry(version, null, deletedAtMicros, null);
    }

    /** The same row and cached hash at another version (a change that left the row as it was). */
    public StoredEntry withVersion(Version newVersion) {
        return new StoredEntry(newVersion.major(), newVersion.minor(), row, deletedAtMicros, hashed, lane0, lane1, lane2, lane3);
    }

    /** The same live entry with its row's entry hash cached ({@code entryHash} copied). */
    public StoredEntry withEntryHash(long[] entryHash) {
        if (row == null) {
            throw new IllegalStateException("a tombstone has no entry hash");
        }
        return new StoredEntry(versionMajor, versionMinor, row, deletedAtMicros, true,
                lane(entryHash, 0), lane(entryHash, 1), lane(entryHash, 2), lane(entryHash, 3));
    }

    /**
     * Reads the entry's first and last fields (an entry may span two cache lines) for {@link ShardLookAhead}: the
     * value means nothing.
     */
    long touch() {
        return versionMajor ^ lane3;
    }

    /** Version of the last change applied to this key (a new object on each call). */
    public Version version() {
        return new Version(versionMajor, versionMinor);
    }

    /** {@code v.compareTo(version())} without building the version: below 0 if {@code v} is older, 0 if equal. */
    public int compareVersion(Version v) {
        int c = Long.compareUnsigned(v.major(), versionMajor);
        return c != 0 ? c : Long.compareUnsigned(v.minor(), versionMinor);
    }

    public long versionMajor() {
        return versionMajor;
    }

    public long versionMinor() {
        return versionMinor;
    }

    /** The current full row, or {@code null} for a tombstone. */
    public Row row() {
        return row;
    }

    /** Source timestamp of the delete (tombstones only; 0 for live rows). */
    public long deletedAtMicros() {
        return deletedAtMicros;
    }

    public boolean isTombstone() {
        return row == null;
    }

    /** True if the entry carries its row's entry hash. */
    public boolean hasEntryHash() {
        return hashed;
    }

    /** Lane {@code i} of the cached entry hash; only when {@link #hasEntryHash()}. */
    public long entryHashLane(int i) {
        return switch (i) {
            case 0 -> lane0;
            case 1 -> lane1;
            case 2 -> lane2;
            case 3 -> lane3;
            default -> throw new IndexOutOfBoundsException("lane " + i + " of " + StateDigest.LANES);
        };
    }

    /** True if the entry carries an entry hash and its lanes are {@code lanes}. */
    public boolean entryHashEquals(long[] lanes) {
        return hashed && lane0 == lanes[0] && lane1 == lanes[1] && lane2 == lanes[2] && lane3 == lanes[3];
    }

    /** Adds the cached entry hash to {@code digest}; only when {@link #hasEntryHash()}. */
    public void addHashTo(StateDigest digest) {
        digest.addLanes(lane0, lane1, lane2, lane3);
    }

    /** Subtracts the cached entry hash from {@code digest}; only when {@link #hasEntryHash()}. */
    public void subtractHashFrom(StateDigest digest) {
        digest.subtractLanes(lane0, lane1, lane2, lane3);
    }

    /** The cached entry hash lanes (a new array), or {@code null} if the entry carries none. */
    public long[] entryHash() {
        return hashed ? new long[] {lane0, lane1, lane2, lane3} : null;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof StoredEntry e && versionMajor == e.versionMajor && versionMinor == e.versionMinor
                && Objects.equals(row, e.row)
                && deletedAtMicros == e.deletedAtMicros && hashed == e.hashed && lane0 == e.lane0
                && lane1 == e.lane1 && lane2 == e.lane2 && lane3 == e.lane3;
    }

    @Override
    public int hashCode() {
        return Objects.hash(versionMajor, versionMinor, row, deletedAtMicros, hashed, lane0, lane1, lane2, lane3);
    }

    @Override
    public String toString() {
        return "StoredEntry[version=" + version() + ", row=" + row + ", deletedAtMicros=" + deletedAtMicros
                + ", hashed=" + hashed + "]";
    }
}
