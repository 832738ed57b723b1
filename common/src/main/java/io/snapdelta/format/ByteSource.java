package io.snapdelta.format;

import io.snapdelta.format.CorruptBatchException.Kind;

/**
 * A bounds-checked reader over a region of a byte array. Every read checks what remains first and
 * throws {@link CorruptBatchException} naming the batch and the offset, so a decoder built on it cannot
 * read past its input whatever the bytes claim.
 */
final class ByteSource {
    private final byte[] buf;
    private final int start;
    private final int limit;
    private final String region;
    private final long shard;
    private final long sequence;
    private int pos;

    /**
     * @param region how offsets are reported: "" for the sealed batch, "body " for the decompressed body
     */
    ByteSource(byte[] buf, int offset, int length, String region, long shard, long sequence) {
        this.buf = buf;
        this.start = offset;
        this.pos = offset;
        this.limit = offset + length;
        this.region = region;
        this.shard = shard;
        this.sequence = sequence;
    }

    int position() {
        return pos - start;
    }

    int remaining() {
        return limit - pos;
    }

    CorruptBatchException error(Kind kind, String reason) {
        return new CorruptBatchException(kind, shard, sequence, pos - start,
                region.isEmpty() ? reason : reason + " (offset counted in the decompressed " + region.trim() + ")");
    }

    CorruptBatchException malformed(String reason) {
        return error(Kind.MALFORMED, reason);
    }

    private void need(int n, String what) throws CorruptBatchException {
        if (n < 0 || limit - pos < n) {
            throw error(Kind.MALFORMED, what + " needs " + n + " bytes but only " + (limit - pos) + " remain");
        }
    }

    int readUnsignedByte(String what) throws CorruptBatchException {
        need(1, what);
        return buf[pos++] & 0xFF;
    }

    long readLongBE(String what) throws CorruptBatchException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    /** Copies {@code n} bytes out; {@code n} is checked against what remains before allocating. */
    byte[] readBytes(int n, String what) throws CorruptBatchException {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Advances over {@code n} bytes and returns the array offset where they start (for zero-copy reads). */
    int skip(int n, String what) throws CorruptBatchException {
        need(n, what);
        int at = pos;
        pos += n;
        return at;
    }

    byte[] array() {
        return buf;
    }

    /** Unsigned LEB128, at most 10 bytes; a 10th byte may carry only the top bit of a 64-bit value. */
    long readVarLong(String what) throws CorruptBatchException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw error(Kind.MALFORMED, "varint " + what + " runs past the end");
            }
            int b = buf[pos++] & 0xFF;
            if (shift == 63 && b > 1) {
                throw error(Kind.MALFORMED, "varint " + what + " overflows 64 bits");
            }
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw error(Kind.MALFORMED, "varint " + what + " longer than 10 bytes");
    }

    long readZigZag(String what) throws CorruptBatchException {
        long v = readVarLong(what);
        return (v >>> 1) ^ -(v & 1);
    }

    /** A non-negative count or length no greater than {@code max}, checked before the caller allocates. */
    int readCount(String what, long max) throws CorruptBatchException {
        int at = pos;
        long v = readVarLong(what);
        if (v < 0 || v > max) {
            pos = at;
            throw error(Kind.LIMIT_EXCEEDED, what + " = " + Long.toUnsignedString(v) + " exceeds the limit " + max);
        }
        return (int) v;
    }
}
