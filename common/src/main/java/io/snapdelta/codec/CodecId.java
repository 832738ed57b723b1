package io.snapdelta.codec;

/**
 * Stable byte ids of the body codecs, written at {@code BatchLayout.CODEC_OFFSET}. Never renumber; a new
 * codec takes a new id, and a reader that meets an id it does not know rejects the batch by name.
 */
public enum CodecId {
    /** The body is stored as is. */
    NONE((byte) 0, "none"),
    /** A magicless zstd frame without checksum, content size or dictionary id fields. */
    ZSTD((byte) 1, "zstd"),
    /** As {@link #ZSTD}, compressed with the dictionary named by the header's dictionary id. */
    ZSTD_DICT((byte) 2, "zstd-dict");

    private final byte id;
    private final String configName;

    CodecId(byte id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    public byte id() {
        return id;
    }

    /** The name used in configuration and metrics. */
    public String configName() {
        return configName;
    }

    /** The codec with this byte id, or {@code null} if this build does not know it. */
    public static CodecId fromId(int id) {
        for (CodecId c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }
}
