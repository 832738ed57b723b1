package io.snapdelta.ingest;

/**
 * One object of a kind (a source block) as a template with holes: its bytes, in which the values of some
 * members (the holes: those that changed from the object before, such as positions and timestamps) are
 * to be read again in the next object, while everything else (names, punctuation, the other values) is
 * expected byte for byte. An object that matches every piece between the holes has the same members in
 * the same order, and the members outside the holes have the same values, so their effects are those
 * recorded here; only the holes are parsed. The scanner then skips per-member name matching, dispatch
 * and bookkeeping, and copies nothing: the template stays as it is while objects keep matching it.
 *
 * <p>Piece {@code h} (0..{@link #holes}) runs from the end of hole {@code h - 1} (0 for the first) to the
 * start of hole {@code h} ({@link #length} for the last, which ends with the closing brace). Offsets are
 * relative to the first member's opening quote. Only scalar members are holes; a template exists only for
 * objects whose members are all scalars and whose effect kinds are all different, so that the order in
 * which the effects are applied cannot matter.
 */
final class MemberSkeleton {
    static final int MAX_MEMBERS = MemberRuns.MAX_MEMBERS;

    /** The template object's bytes (padded: eight bytes may be read past {@link #length}). */
    byte[] bytes = new byte[256];
    int length;
    /** Holes in the template; -1: no template. */
    int holes = -1;
    final int[] holeStart = new int[MAX_MEMBERS];
    final int[] holeEnd = new int[MAX_MEMBERS];
    /** Member index and scanner member id of each hole. */
    final int[] holeMember = new int[MAX_MEMBERS];
    final int[] holeId = new int[MAX_MEMBERS];
    /** The effects of the members outside the holes (only those that set something), as in {@link MemberRuns}. */
    int effects;
    final int[] effectKind = new int[MAX_MEMBERS];
    final Object[] effectObject = new Object[MAX_MEMBERS];
    final long[] effectFirst = new long[MAX_MEMBERS];
    final long[] effectSecond = new long[MAX_MEMBERS];
    final boolean[] effectFlag = new boolean[MAX_MEMBERS];

    /** Remembers {@code in[objStart, objStart + len)} as the template's bytes; holes and effects are set by the caller. */
    void setBytes(byte[] in, int objStart, int len) {
        if (bytes.length < len + 8) {
            bytes = new byte[Math.max(len + 8, bytes.length * 2)];
        }
        System.arraycopy(in, objStart, bytes, 0, len);
        length = len;
    }
}
