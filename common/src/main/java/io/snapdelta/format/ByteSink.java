package io.snapdelta.format;

import java.util.Arrays;

/**
 * A growable byte buffer with the primitive writes of the v1 format: big-endian fixed-width integers,
 * unsigned LEB128 varints and zigzag varints. Reused across batches ({@link #reset()}) so the encoder
 * does not allocate per value.
 */
final class ByteSink {
    private byte[] buf;
    private int pos;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void reset() {
        pos = 0;
    }

    int position() {
        return pos;
    }

    byte[] array() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    void writeIntBE(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void writeLongBE(long v) {
        writeIntBE((int) (v >>> 32));
        writeIntBE((int) v);
    }

    /** Unsigned LEB128: 7 bits per byte, least significant group first, high bit = more bytes follow. */
    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeVarInt(int v) {
        writeVarLong(v & 0xFFFFFFFFL);
    }

    void writeZigZag(long v) {
        writeVarLong(zigZag(v));
    }

    /** Writes {@code len} bytes at {@code at} (already written region) as a big-endian int. */
    void putIntBE(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static int varLongSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
