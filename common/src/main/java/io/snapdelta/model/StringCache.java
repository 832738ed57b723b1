package io.snapdelta.model;

import java.io.DataInput;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * Canonical strings for encoded byte ranges that repeat from record to record: column names, table and
 * schema names, and short column values such as fixed-width filler or status codes. A hit costs a hash of a
 * few bytes and one vectorised comparison and allocates nothing; a miss allocates the string once.
 * Direct-mapped, so a collision just replaces the older entry. One instance per thread (not synchronized).
 *
 * <p>Besides the allocation, a hit shares one String among every row that holds the value: the shard
 * operator's cache keeps tens of thousands of rows on the heap between checkpoints, and G1 copies each
 * young survivor it holds (an 84-character pgbench filler was a fifth of a cached row's bytes).
 */
public final class StringCache {
    private final int mask;
    private final int maxLength;
    private final Charset charset;
    private final byte[][] keys;
    private final String[] strings;
    private byte[] scratch = new byte[0];
    /**
     * Misses in a row per field ({@link #fieldKey}, direct-mapped: two fields sharing an entry only make each other
     * look repetitive, so a collision costs at most the cache's overhead, never a repeated value's sharing).
     */
    private final int[] fieldMisses = new int[FIELD_SLOTS];
    private int lookups;
    private static final int FIELD_SLOTS = 256;
    /** Misses in a row after which a field's values are taken to be unique (names, e-mails, ids as text). */
    static final int GIVE_UP = 32;
    /**
     * Given-up fields still ask the cache once every this many of their lookups (counted together, {@link #lookups}),
     * so a field whose values start repeating is cached again.
     */
    static final int RETRY_EVERY = 16;

    /**
     * A cache for column values (the parser's, the exchange's and the shard state's): 1,024 slots, texts up to 128
     * bytes (longer ones rarely repeat, and a miss costs a copy of the bytes).
     */
    public static StringCache forValues(Charset charset) {
        return new StringCache(1024, 128, charset);
    }

    /**
     * @param slots a power of two
     * @param maxLength longer ranges are not cached
     * @param charset how the bytes encode the text (ISO-8859-1 for callers that pass only ASCII: the cheapest decode)
     */
    public StringCache(int slots, int maxLength, Charset charset) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.mask = slots - 1;
        this.maxLength = maxLength;
        this.charset = charset;
        this.keys = new byte[slots][];
        this.strings = new String[slots];
    }

    /** Whether the last {@link #get} found its text in the cache. */
    private boolean lastHit;

    public boolean lastHit() {
        return lastHit;
    }

    /** The string of the next {@code len} bytes of {@code in}. */
    public String read(DataInput in, int len) throws IOException {
        if (len > maxLength) {
            lastHit = false;
            return decode(in, len);
        }
        if (scratch.length < len) {
            scratch = new byte[maxLength];
        }
        in.readFully(scratch, 0, len);
        return get(scratch, 0, len);
    }

    /**
     * The entry of field {@code field} of rows of schema {@code schema} in the per-field statistics (for
     * {@link #read(DataInput, int, int)} and {@link #get(byte[], int, int, int)}).
     */
    public static int fieldKey(RowSchema schema, int field) {
        return schema.hashCode() * 31 + field;
    }

    /**
     * {@link #read(DataInput, int)} for a value of the field {@code fieldKey} ({@link #fieldKey}): a field whose last
     * {@value #GIVE_UP} values all missed is read without the cache (a miss costs a hash, a copy of the bytes and two
     * stores: ~30 ns per value over a plain decode), except every {@value #RETRY_EVERY}th lookup.
     */
    public String read(DataInput in, int len, int fieldKey) throws IOException {
        if (worthAsking(fieldKey)) {
            String s = read(in, len);
            noteOutcome(fieldKey);
            return s;
        }
        return decode(in, len);
    }

    private String decode(DataInput in, int len) throws IOException {
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, charset);
    }

    /** {@link #get(byte[], int, int)} for a value of the field {@code fieldKey}, as {@link #read(DataInput, int, int)}. */
    public String get(byte[] b, int off, int len, int fieldKey) {
        if (worthAsking(fieldKey)) {
            String s = get(b, off, len);
            noteOutcome(fieldKey);
            return s;
        }
        return new String(b, off, len, charset);
    }

    private boolean worthAsking(int fieldKey) {
        return fieldMisses[fieldKey & (FIELD_SLOTS - 1)] < GIVE_UP || ++lookups % RETRY_EVERY == 0;
    }

    private void noteOutcome(int fieldKey) {
        int f = fieldKey & (FIELD_SLOTS - 1);
        if (lastHit) {
            fieldMisses[f] = 0;
        } else if (fieldMisses[f] < GIVE_UP) {
            fieldMisses[f]++;
        }
    }

    /** The string of {@code b[off, off + len)}. */
    public String get(byte[] b, int off, int len) {
        if (len > maxLength) {
            lastHit = false;
            return new String(b, off, len, charset);
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
        String s = new String(b, off, len, charset);
        keys[slot] = Arrays.copyOfRange(b, off, off + len);
        strings[slot] = s;
        return s;
    }
}
