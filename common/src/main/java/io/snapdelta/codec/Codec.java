package io.snapdelta.codec;

/**
 * One body codec. Instances hold native compression contexts and are not thread-safe: give each writer
 * or reader its own (zstd-jni advises one context per thread). Output is deterministic for a given codec,
 * level and dictionary: the same input gives the same bytes on every machine running the same zstd.
 */
public interface Codec extends AutoCloseable {
    CodecId id();

    /** Compression level (0 for {@link CodecId#NONE}); stored in the header for information only. */
    int level();

    /** The dictionary id, or 0 when the codec uses none. */
    int dictionaryId();

    byte[] compress(byte[] src, int off, int len);

    /**
     * Decompresses {@code src[off, off+len)} into all of {@code dst}; fails unless the output is exactly
     * {@code dst.length} bytes. Never writes past {@code dst}, whatever {@code src} holds.
     */
    void decompress(byte[] src, int off, int len, byte[] dst) throws CodecException;

    @Override
    void close();
}
