package io.snapdelta.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.List;

/**
 * A cheap estimate, taken before a dictionary training, of what a dictionary could save on a held-out batch
 * body: the body compressed at the selector's level without a dictionary and with a <em>raw-content</em>
 * dictionary made of the most recent training bodies (their last {@code dictionarySize} bytes, newest last, the
 * way zstd reads a prefix). A raw-content dictionary costs one extra compression instead of a training (fastCover
 * tries several parameter sets and compresses every sample with each candidate), and its saving tracks a trained
 * dictionary's: both come from the strings the held-out body shares with the recent bodies.
 *
 * <p>It is a heuristic, not a bound: a trained dictionary picks its content from all samples and adds entropy
 * tables, so it can save more than the raw one, and it can come out smaller than the raw one (the margins in
 * {@link CodecSelector#screenDeclines} are measured for both). zstd loads a dictionary that starts without the zstd dictionary magic as raw
 * content; a window that happens to start with the magic is started one byte later, so the bytes are never
 * parsed as a trained dictionary. Deterministic: the same bodies give the same sizes.
 */
final class DictionaryScreen {
    /** zstd's dictionary magic number (ZSTD_MAGIC_DICTIONARY), as the little-endian first 4 bytes. */
    private static final int DICTIONARY_MAGIC = 0xEC30A437;

    private DictionaryScreen() {
    }

    /** Sizes of the held-out body compressed without and with the raw-content dictionary. */
    record Sizes(int plain, int withRawContent) {
        int saving() {
            return plain - withRawContent;
        }
    }

    /**
     * @param recent training bodies, oldest first (the held-out body not among them)
     * @param heldOut the body to measure on
     * @param level the zstd level the dictionary would be used at
     * @param dictionarySize the raw-content dictionary's size at most (the trained one's target size)
     */
    static Sizes measure(List<byte[]> recent, byte[] heldOut, int level, int dictionarySize) {
        byte[] raw = rawContent(recent, dictionarySize);
        int plain = compressedSize(heldOut, level, null);
        return new Sizes(plain, raw.length == 0 ? plain : compressedSize(heldOut, level, raw));
    }

    /** The last {@code size} bytes of the bodies' concatenation (newest last), never starting with the magic. */
    static byte[] rawContent(List<byte[]> recent, int size) {
        long total = 0;
        for (byte[] b : recent) {
            total += b.length;
        }
        int n = (int) Math.min(size, total);
        byte[] raw = new byte[n];
        int end = n;
        for (int i = recent.size() - 1; i >= 0 && end > 0; i--) {
            byte[] b = recent.get(i);
            int take = Math.min(end, b.length);
            System.arraycopy(b, b.length - take, raw, end - take, take);
            end -= take;
        }
        if (raw.length >= 4 && readIntLE(raw) == DICTIONARY_MAGIC) {
            raw = java.util.Arrays.copyOfRange(raw, 1, raw.length);
        }
        return raw;
    }

    private static int readIntLE(byte[] b) {
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    /** The frame parameters of {@link ZstdCodec}, so the sizes compare with what the codecs ship. */
    private static int compressedSize(byte[] src, int level, byte[] rawDictionary) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(level).setMagicless(true).setChecksum(false).setContentSize(false).setDictID(false);
            if (rawDictionary != null) {
                ctx.loadDict(rawDictionary);
            }
            byte[] dst = new byte[(int) Zstd.compressBound(src.length)];
            return ctx.compressByteArray(dst, 0, dst.length, src, 0, src.length);
        }
    }
}
