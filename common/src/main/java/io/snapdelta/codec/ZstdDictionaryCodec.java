package io.snapdelta.codec;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

/** zstd with a trained dictionary ({@link CompressionDictionary}); pays off on small batches. */
public final class ZstdDictionaryCodec extends ZstdCodec {
    private final CompressionDictionary dictionary;

    public ZstdDictionaryCodec(int level, CompressionDictionary dictionary) {
        super(level);
        this.dictionary = dictionary;
    }

    @Override
    public CodecId id() {
        return CodecId.ZSTD_DICT;
    }

    @Override
    public int dictionaryId() {
        return dictionary.id();
    }

    @Override
    protected void configure(ZstdCompressCtx ctx) {
        ctx.loadDict(dictionary.bytes());
    }

    @Override
    protected void configure(ZstdDecompressCtx ctx) {
        ctx.loadDict(dictionary.bytes());
    }

    @Override
    public String toString() {
        return "zstd-dict(" + level() + ", " + Integer.toHexString(dictionary.id()) + ")";
    }
}
