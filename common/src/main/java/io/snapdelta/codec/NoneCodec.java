package io.snapdelta.codec;

import java.util.Arrays;

/** Stores the body as is: the cheapest codec, the fallback under CPU pressure. */
public final class NoneCodec implements Codec {
    @Override
    public CodecId id() {
        return CodecId.NONE;
    }

    @Override
    public int level() {
        return 0;
    }

    @Override
    public int dictionaryId() {
        return 0;
    }

    @Override
    public byte[] compress(byte[] src, int off, int len) {
        return Arrays.copyOfRange(src, off, off + len);
    }

    @Override
    public void decompress(byte[] src, int off, int len, byte[] dst) throws CodecException {
        if (len != dst.length) {
            throw new CodecException("uncompressed body is " + len + " bytes but the header says " + dst.length);
        }
        System.arraycopy(src, off, dst, 0, len);
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "none";
    }
}
