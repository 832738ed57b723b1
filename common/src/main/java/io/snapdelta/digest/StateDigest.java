package io.snapdelta.digest;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The order-independent, incrementally updatable digest of a shard's whole keyed state, as specified in
 * {@code schemas/state-digest-v1.md} and {@code -v2.md}: {@value #LANES} lanes, each the sum modulo 2^64 of the
 * corresponding 64-bit word of the entry hash (v1 SHA-256, v2 two XXH3-128; {@link DigestVersion}) over every
 * (table, key, row) entry held. Adding a row adds its hash, removing subtracts it, replacing does both, so maintenance costs
 * O(changes); sums (unlike XOR) do not let two equal entries cancel, and the lanes are independent so a
 * collision needs all 256 bits to line up.
 *
 * <p>Serialised as {@value #BYTES} bytes: lane 0 first, each lane big-endian (both versions). The empty state's
 * digest is all zeros. The version only says how {@link #add}/{@link #remove} hash an entry: equality compares
 * the lanes (a batch's digest is compared with a state's of the version the batch names). Not thread-safe (it
 * owns a reusable {@link RowHasher}).
 */
public final class StateDigest {
    public static final int LANES = 4;
    /** Serialised width; the delta batch header carries digests at exactly this width. */
    public static final int BYTES = LANES * 8;

    private final long[] lanes = new long[LANES];
    private final long[] scratch = new long[LANES];
    private final DigestVersion version;
    private RowHasher hasher;

    /** The v1 digest of the empty state. */
    public StateDigest() {
        this(DigestVersion.V1);
    }

    /** The digest of the empty state in {@code version}. */
    public StateDigest(DigestVersion version) {
        this.version = version;
    }

    public DigestVersion version() {
        return version;
    }

    /** Reads a serialised digest ({@value #BYTES} bytes at {@code offset}) as v1. */
    public static StateDigest fromBytes(byte[] bytes, int offset) {
        return fromBytes(bytes, offset, DigestVersion.V1);
    }

    /** Reads a serialised digest ({@value #BYTES} bytes at {@code offset}) of {@code version}. */
    public static StateDigest fromBytes(byte[] bytes, int offset, DigestVersion version) {
        if (offset < 0 || bytes.length - offset < BYTES) {
            throw new IllegalArgumentException("a state digest needs " + BYTES + " bytes at offset " + offset
                    + " but only " + Math.max(0, bytes.length - offset) + " remain");
        }
        StateDigest d = new StateDigest(version);
        for (int i = 0; i < LANES; i++) {
            d.lanes[i] = RowHasher.readLongBE(bytes, offset + 8 * i);
        }
        return d;
    }

    public static StateDigest fromHex(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        if (b.length != BYTES) {
            throw new IllegalArgumentException("a state digest is " + (2 * BYTES) + " hex digits, got " + hex.length());
        }
        return fromBytes(b, 0);
    }

    /** Adds an entry that the state now holds. */
    public void add(TableId table, Row key, Row row) {
        hasher().hashEntry(table, key, row, scratch);
        for (int i = 0; i < LANES; i++) {
            lanes[i] += scratch[i];
        }
    }

    /** Removes an entry the state held. */
    public void remove(TableId table, Row key, Row row) {
        hasher().hashEntry(table, key, row, scratch);
        for (int i = 0; i < LANES; i++) {
            lanes[i] -= scratch[i];
        }
    }

    /** Replaces the row held under a key: removes {@code before}, adds {@code after}. */
    public void replace(TableId table, Row key, Row before, Row after) {
        remove(table, key, before);
        add(table, key, after);
    }

    /** Adds precomputed entry lanes (from {@link RowHasher#hashEntry}). */
    public void addLanes(long[] entryLanes) {
        for (int i = 0; i < LANES; i++) {
            lanes[i] += entryLanes[i];
        }
    }

    /** Subtracts precomputed entry lanes. */
    public void subtractLanes(long[] entryLanes) {
        for (int i = 0; i < LANES; i++) {
            lanes[i] -= entryLanes[i];
        }
    }

    /** Adds precomputed entry lanes, given one by one (no array to allocate or follow). */
    public void addLanes(long l0, long l1, long l2, long l3) {
        lanes[0] += l0;
        lanes[1] += l1;
        lanes[2] += l2;
        lanes[3] += l3;
    }

    /** Subtracts precomputed entry lanes, given one by one. */
    public void subtractLanes(long l0, long l1, long l2, long l3) {
        lanes[0] -= l0;
        lanes[1] -= l1;
        lanes[2] -= l2;
        lanes[3] -= l3;
    }

    public long lane(int i) {
        return lanes[i];
    }

    public boolean isEmptyStateDigest() {
        for (long l : lanes) {
            if (l != 0) {
                return false;
            }
        }
        return true;
    }

    /** An independent copy of the current value. */
    public StateDigest copy() {
        StateDigest d = new StateDigest(version);
        System.arraycopy(lanes, 0, d.lanes, 0, LANES);
        return d;
    }

    /** Overwrites this digest's value with {@code other}'s. */
    public void setTo(StateDigest other) {
        System.arraycopy(other.lanes, 0, lanes, 0, LANES);
    }

    public void writeTo(byte[] dst, int offset) {
        for (int i = 0; i < LANES; i++) {
            long v = lanes[i];
            for (int b = 0; b < 8; b++) {
                dst[offset + 8 * i + b] = (byte) (v >>> (56 - 8 * b));
            }
        }
    }

    public byte[] toBytes() {
        byte[] b = new byte[BYTES];
        writeTo(b, 0);
        return b;
    }

    public String toHex() {
        return HexFormat.of().formatHex(toBytes());
    }

    private RowHasher hasher() {
        if (hasher == null) {
            hasher = new RowHasher(version);
        }
        return hasher;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateDigest other && Arrays.equals(lanes, other.lanes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lanes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
