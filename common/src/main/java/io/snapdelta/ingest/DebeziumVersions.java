package io.snapdelta.ingest;

/**
 * Pieces of the Debezium {@code source} block that make a commit-order {@link io.snapdelta.model.Version};
 * the mapping is specified in {@code schemas/change-event-formats.md}.
 */
final class DebeziumVersions {
    private DebeziumVersions() {
    }

    /** Largest binlog position that fits beside a 16-bit row number in 63 bits. */
    static final long MAX_MYSQL_POS = (1L << 47) - 1;
    static final long MAX_MYSQL_ROW = (1L << 16) - 1;

    /**
     * Parses a PostgreSQL {@code source.sequence}: a JSON array of two elements, each null or a string of
     * decimal digits (an unsigned 64-bit LSN), written as a JSON string. Parsed straight from the
     * parser's char buffer; no allocation.
     *
     * @param out receives [0] = previous commit LSN (0 when null), [1] = change LSN
     * @return bit 0 set when element 1 was non-null
     * @throws IllegalArgumentException with a reason when the text is not such an array
     */
    static boolean parseSequence(char[] buf, int off, int len, long[] out) {
        int end = off + len;
        int i = skipWs(buf, off, end);
        if (i >= end || buf[i] != '[') {
            throw new IllegalArgumentException("expected a JSON array of two LSN strings");
        }
        i++;
        boolean secondPresent = false;
        for (int element = 0; element < 2; element++) {
            i = skipWs(buf, i, end);
            if (i + 4 <= end && buf[i] == 'n' && buf[i + 1] == 'u' && buf[i + 2] == 'l' && buf[i + 3] == 'l') {
                out[element] = 0;
                i += 4;
            } else if (i < end && buf[i] == '"') {
                int start = ++i;
                while (i < end && buf[i] != '"') {
                    i++;
                }
                if (i >= end) {
                    throw new IllegalArgumentException("unterminated string in the array");
                }
                out[element] = parseUnsigned(buf, start, i);
                if (element == 1) {
                    secondPresent = true;
                }
                i++;
            } else {
                throw new IllegalArgumentException("element " + element + " is neither null nor a string of digits");
            }
            i = skipWs(buf, i, end);
            char expected = element == 0 ? ',' : ']';
            if (i >= end || buf[i] != expected) {
                throw new IllegalArgumentException("expected '" + expected + "' after element " + element
                        + " (a PostgreSQL sequence has exactly two elements)");
            }
            i++;
        }
        if (skipWs(buf, i, end) != end) {
            throw new IllegalArgumentException("trailing characters after the array");
        }
        return secondPresent;
    }

    /** An unsigned 64-bit decimal; throws IllegalArgumentException when not digits or out of range. */
    static long parseUnsigned(char[] buf, int from, int to) {
        int n = to - from;
        if (n == 0 || n > 20) {
            throw new IllegalArgumentException("'" + new String(buf, from, n) + "' is not an unsigned 64-bit LSN");
        }
        if (n <= 18) {
            long v = 0;
            for (int i = from; i < to; i++) {
                char c = buf[i];
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("'" + new String(buf, from, n) + "' is not an unsigned 64-bit LSN");
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }
        try {
            return Long.parseUnsignedLong(new String(buf, from, n));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + new String(buf, from, n) + "' is not an unsigned 64-bit LSN");
        }
    }

    /** The numeric suffix of a MySQL binlog file name ({@code mysql-bin.000042} -> 42), or -1. */
    static long binlogFileIndex(String file) {
        int dot = file.lastIndexOf('.');
        if (dot < 0 || dot == file.length() - 1 || file.length() - dot - 1 > 18) {
            return -1;
        }
        long v = 0;
        for (int i = dot + 1; i < file.length(); i++) {
            char c = file.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int skipWs(char[] buf, int i, int end) {
        while (i < end && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')) {
            i++;
        }
        return i;
    }
}
