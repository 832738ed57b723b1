package io.snapdelta.ingest;

/**
 * Canonical strings for short texts that repeat in every record (schema, table, database, connector,
 * binlog file names): looks the parser's char buffer up without allocating, and allocates a String only
 * the first time a text is seen. Direct-mapped, so a collision just replaces the older entry.
 */
final class TextCache {
    private static final int SLOTS = 256;
    private static final int MAX_CACHED_LENGTH = 128;
    private final String[] entries = new String[SLOTS];

    String get(char[] buf, int off, int len) {
        if (len > MAX_CACHED_LENGTH) {
            return new String(buf, off, len);
        }
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + buf[off + i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        String e = entries[slot];
        if (e != null && e.length() == len) {
            boolean same = true;
            for (int i = 0; i < len; i++) {
                if (e.charAt(i) != buf[off + i]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return e;
            }
        }
        String s = new String(buf, off, len);
        entries[slot] = s;
        return s;
    }
}
