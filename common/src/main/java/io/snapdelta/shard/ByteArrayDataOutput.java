package io.snapdelta.shard;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/**
 * A {@link DataOutput} into a growable byte array, reusable with {@link #reset()}: the bytes
 * {@link java.io.DataOutputStream} over a {@link java.io.ByteArrayOutputStream} would write (big-endian,
 * modified UTF-8 for {@link #writeUTF}), without their per-byte synchronization and without allocating a
 * stream pair per encoded value. Not thread-safe; the shard codecs keep one per codec instance, and one
 * shard is driven by one thread.
 */
final class ByteArrayDataOutput implements DataOutput {
    private byte[] buf;
    private int size;

    ByteArrayDataOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets what was written; keeps the buffer. */
    ByteArrayDataOutput reset() {
        size = 0;
        return this;
    }

    int size() {
        return size;
    }

    /** A copy of the bytes written since the last {@link #reset()}. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        int need = size + more;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        int n = s.length();
        ensure(2 * n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            buf[size++] = (byte) (c >>> 8);
            buf[size++] = (byte) c;
        }
    }

    /** Modified UTF-8 with a u16 length, as {@link java.io.DataOutputStream#writeUTF} writes it. */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        int n = s.length();
        int utf = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                utf += c >= 0x800 ? 2 : 1;
            }
        }
        if (utf > 65535) {
            throw new UTFDataFormatException("encoded string too long: " + utf + " bytes");
        }
        ensure(2 + utf);
        buf[size++] = (byte) (utf >>> 8);
        buf[size++] = (byte) utf;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                buf[size++] = (byte) c;
            } else if (c >= 0x800) {
                buf[size++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[size++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[size++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                buf[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
