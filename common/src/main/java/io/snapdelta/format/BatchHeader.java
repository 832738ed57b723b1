package io.snapdelta.format;

import io.snapdelta.codec.CodecId;
import io.snapdelta.model.Version;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The fixed header of a sealed batch, as read back (see {@link BatchLayout}). Digests are copies.
 *
 * @param digestBefore the shard's digest before the batch as carried up to v2; null from v3, which does not
 *     carry it (it equals the previous batch's digest after: see {@link #hasDigestBefore})
 * @param crc the stored CRC32C of the batch (already verified when a reader returns this)
 * @param headerLength bytes before the body: 140 in v1, variable in v2 (the body starts there)
 */
public record BatchHeader(int formatVersion, int shard, long sequence, Version firstVersion, Version lastVersion,
                          int insertCount, int updateCount, int deleteCount, CodecId codec, int codecLevel,
                          int dictionaryId, int uncompressedLength, int bodyLength, byte[] digestBefore,
                          byte[] digestAfter, int crc, int headerLength) {
    /** A v1 header (fixed 140 bytes). */
    public BatchHeader(int formatVersion, int shard, long sequence, Version firstVersion, Version lastVersion,
                       int insertCount, int updateCount, int deleteCount, CodecId codec, int codecLevel,
                       int dictionaryId, int uncompressedLength, int bodyLength, byte[] digestBefore,
                       byte[] digestAfter, int crc) {
        this(formatVersion, shard, sequence, firstVersion, lastVersion, insertCount, updateCount, deleteCount, codec,
                codecLevel, dictionaryId, uncompressedLength, bodyLength, digestBefore, digestAfter, crc,
                BatchLayout.HEADER_LENGTH);
    }

    /** The state digest version of {@link #digestAfter} (and {@link #digestBefore}): named by the format version. */
    public io.snapdelta.digest.DigestVersion digestVersion() {
        return BatchLayout.digestVersion(formatVersion);
    }

    public int opCount() {
        return insertCount + updateCount + deleteCount;
    }

    public int sealedLength() {
        return headerLength + bodyLength + BatchLayout.CRC_LENGTH;
    }

    /** Whether the batch carries the digest before it (v1, v2; not v3). */
    public boolean hasDigestBefore() {
        return digestBefore != null;
    }

    /** The digest before the batch; only when {@link #hasDigestBefore()}. */
    @Override
    public byte[] digestBefore() {
        if (digestBefore == null) {
            throw new IllegalStateException("a v" + formatVersion + " batch does not carry the digest before it");
        }
        return digestBefore.clone();
    }

    @Override
    public byte[] digestAfter() {
        return digestAfter.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchHeader h && h.formatVersion == formatVersion && h.shard == shard
                && h.sequence == sequence && h.firstVersion.equals(firstVersion) && h.lastVersion.equals(lastVersion)
                && h.insertCount == insertCount && h.updateCount == updateCount && h.deleteCount == deleteCount
                && h.codec == codec && h.codecLevel == codecLevel && h.dictionaryId == dictionaryId
                && h.uncompressedLength == uncompressedLength && h.bodyLength == bodyLength
                && Arrays.equals(h.digestBefore, digestBefore) && Arrays.equals(h.digestAfter, digestAfter) && h.crc == crc
                && h.headerLength == headerLength;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + shard;
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "BatchHeader{v" + formatVersion + " shard=" + Integer.toUnsignedString(shard) + " seq=" + sequence
                + " versions=" + firstVersion + ".." + lastVersion + " ins/upd/del=" + insertCount + "/" + updateCount
                + "/" + deleteCount + " codec=" + codec + "(" + codecLevel + ") dict=" + Integer.toHexString(dictionaryId)
                + " body=" + bodyLength + "/" + uncompressedLength + (digestBefore == null ? "" : " digestBefore=" + hex.formatHex(digestBefore))
                + " digestAfter=" + hex.formatHex(digestAfter) + " crc=" + Integer.toHexString(crc) + "}";
    }
}
