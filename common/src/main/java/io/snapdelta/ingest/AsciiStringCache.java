package io.snapdelta.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Canonical strings for ASCII byte ranges that repeat from record to record: column names, table and
 * schema names, and short column values such as fixed-width filler. A hit costs a hash of a few bytes and
 * one vectorised comparison and allocates nothing; a miss allocates the string once. Direct-mapped, so a
 * collision just replaces the older entry. Callers pass only ASCII bytes (the string is Latin-1-decoded).
 */
final class AsciiStringCache {
    private final int mask;
    private final int maxLength;
    private final byte[][] keys;
    private final String[] strings;

    /**
     * @param slots a power of two
     * @param maxLength longer ranges are not cached
     */
    AsciiStringCache(int slots, int maxLength) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.mask = slots - 1;
        this.maxLength = maxLength;
        this.keys = new byte[slots][];
        this.strings = new String[slots];
    }

    /** Whether the last {@link #get} found its text in the cache. */
    private boolean lastHit;

    boolean lastHit() {
        return lastHit;
    }

    String get(byte[] b, int off, int len) {
        if (len > maxLength) {
            lastHit = false;
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        int h = len;
        if (len <= 16) {
            for (int i = off, end = off + len; i < end; i++) {
                h = 31 * h + b[i];
            }
        } else { // the ends and the middle tell most repeated texts apart; equality is checked in full anyway
            for (int i = 0; i < 6; i++) {
                h = 31 * h + b[off + i];
                h = 31 * h + b[off + len - 1 - i];
            }
            h = 31 * h + b[off + (len >>> 1)];
        }
        int slot = (h ^ (h >>> 15)) & mask;
        byte[] k = keys[slot];
        if (k != null && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
            lastHit = true;
            return strings[slot];
        }
        lastHit = false;
        String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
        keys[slot] = Arrays.copyOfRange(b, off, off + len);
        strings[slot] = s;
        return s;
    }
}
