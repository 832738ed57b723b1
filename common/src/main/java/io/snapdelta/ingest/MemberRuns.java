package io.snapdelta.ingest;

import java.util.Arrays;

/**
 * The last object of one kind (a source block, a row image of one table, an envelope) as the scanner
 * read it: its bytes from the first member's opening quote to just after the closing brace, where each
 * member began, and what each member with a scalar value did to the record. In a Debezium stream most
 * members repeat from one record to the next (names, connector, db, schema, table, unchanged columns)
 * while a few change (positions, timestamps, changed columns). The scanner compares the next object with
 * this one in a single vectorised mismatch and replays every member whose bytes are the same, up to the
 * first one that differs; only that one is parsed, and the comparison resumes after it.
 *
 * <p>A member's span runs from its name's opening quote to the next member's opening quote (so it holds
 * the name, the colon, the value, the comma and any whitespace) or, for the last one, to just after the
 * closing brace. Equal bytes over a whole span mean the same member, checked the same way, with the same
 * effect; only scalar values are replayed, so nesting depth never matters.
 */
final class MemberRuns {
    static final int MAX_MEMBERS = 64;
    /** Objects longer than this are not remembered. */
    static final int MAX_BYTES = 4096;

    byte[] bytes = new byte[256];
    /** Length of the remembered object; valid only while {@link #count} > 0. */
    int length;
    /** Members remembered; 0 while an object is being read (a record left to Jackson leaves it 0). */
    int count;
    /** Where each member began, relative to the first member's quote; start[count] == length. */
    final int[] start = new int[MAX_MEMBERS + 1];
    /** The member's value was a scalar and its effect is recorded below. */
    final boolean[] scalar = new boolean[MAX_MEMBERS];
    /** The effect: which field it set (scanner member id or column type) and with what. */
    final int[] kind = new int[MAX_MEMBERS];
    final Object[] object = new Object[MAX_MEMBERS];
    final String[] name = new String[MAX_MEMBERS];
    /** Row images: the value of member k is {@code values[index[k]]}, the last object's values array. */
    Object[] values;
    final int[] index = new int[MAX_MEMBERS];
    final long[] first = new long[MAX_MEMBERS];
    final long[] second = new long[MAX_MEMBERS];
    final boolean[] flag = new boolean[MAX_MEMBERS];

    /** Objects begun with these runs (wrapping; only compared for equality). */
    private int objects;
    /** The object in which member k was last parsed although a last object was remembered (its bytes differed). */
    private final int[] parsedIn = new int[MAX_MEMBERS];

    /** Starts reading an object: returns the members remembered from the last one and forgets them until {@link #end}. */
    int begin() {
        objects++;
        int n = count;
        count = 0;
        return n;
    }

    /**
     * Member k of the last object was replayed (or first read), not parsed because its bytes differed.
     * A member that differed last time (a timestamp, a position, a changed column) most likely differs
     * again, so the comparison would stop at once: the reader parses it without trying, which is only
     * a cost decision (a member parsed instead of replayed has the same effect).
     */
    boolean sameLastTime(int k) {
        return parsedIn[k] != objects - 1;
    }

    /** Member k ({@code < MAX_MEMBERS}) of the object being read differs from the last object's. */
    void differs(int k) {
        parsedIn[k] = objects;
    }

    /** How many bytes of {@code in} from {@code at} equal the remembered bytes from {@code from} (at most to {@code limit}). */
    int sameBytes(byte[] in, int at, int limit, int from) {
        int n = Math.min(limit - at, length - from);
        if (n <= 0) {
            return 0;
        }
        int m = Arrays.mismatch(in, at, at + n, bytes, from, from + n);
        return m < 0 ? n : m;
    }

    /** Remembers the object just read, {@code in[objStart, objEnd)}, with {@code members} members. */
    void end(byte[] in, int objStart, int objEnd, int members, boolean unchanged) {
        int len = objEnd - objStart;
        if (members > MAX_MEMBERS || len > MAX_BYTES) {
            return; // count stays 0
        }
        if (!unchanged) {
            if (bytes.length < len) {
                bytes = new byte[Math.max(len, bytes.length * 2)];
            }
            System.arraycopy(in, objStart, bytes, 0, len);
        }
        length = len;
        start[members] = len;
        count = members;
    }
}
