package io.snapdelta.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;

/**
 * zstd with frame fields the batch already carries left out, which matters for small batches: no magic
 * (the batch has its own), no checksum (the batch CRC covers the body), no content size (the header has
 * the uncompressed length), no dictionary id (the header has it). Saves about 9 bytes per batch.
 * The native library loads when the first zstd codec is created, not when the format classes load.
 */
public class ZstdCodec implements Codec {
    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 19;

    private final int level;
    private ZstdCompressCtx cctx;
    private ZstdDecompressCtx dctx;

    public ZstdCodec(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("zstd level " + level + " is outside [" + MIN_LEVEL + ", " + MAX_LEVEL + "]");
        }
        this.level = level;
    }

    @Override
    public CodecId id() {
        return CodecId.ZSTD;
    }

    @Override
    public int level() {
        return level;
    }

    @Override
    public int dictionaryId() {
        return 0;
    }

    /** Hook for the dictionary codec: loads the dictionary into a fresh context. */
    protected void configure(ZstdCompressCtx ctx) {
    }

    protected void configure(ZstdDecompressCtx ctx) {
    }

    @Override
    public byte[] compress(byte[] src, int off, int len) {
        if (cctx == null) {
            cctx = new ZstdCompressCtx();
            cctx.setLevel(level).setMagicless(true).setChecksum(false).setContentSize(false).setDictID(false);
            configure(cctx);
        }
        byte[] dst = new byte[(int) Zstd.compressBound(len)];
        int n = cctx.compressByteArray(dst, 0, dst.length, src, off, len);
        return java.util.Arrays.copyOf(dst, n);
    }

    @Override
    public void decompress(byte[] src, int off, int len, byte[] dst) throws CodecException {
        if (dctx == null) {
            dctx = new ZstdDecompressCtx();
            dctx.setMagicless(true);
            configure(dctx);
        }
        int n;
        try {
            n = dctx.decompressByteArray(dst, 0, dst.length, src, off, len);
        } catch (ZstdException e) {
            dctx.reset();
            dctx.setMagicless(true);
            configure(dctx);
            throw new CodecException("zstd could not decompress the body: " + e.getMessage(), e);
        }
        if (n != dst.length) {
            throw new CodecException("body decompressed to " + n + " bytes but the header says " + dst.length);
        }
    }

    @Override
    public void close() {
        if (cctx != null) {
            cctx.close();
            cctx = null;
        }
        if (dctx != null) {
            dctx.close();
            dctx = null;
        }
    }

    @Override
    public String toString() {
        return "zstd(" + level + ")";
    }
}
