package io.snapdelta.format;

/**
 * Every offset of a sealed delta batch, v1. This class and {@code schemas/delta-batch-v1.md} say the
 * same thing; each offset is built from the one before it, as in Kafka's {@code DefaultRecordBatch}.
 * All fixed-width integers are big-endian.
 *
 * <pre>
 * SealedBatch v1 =&gt;
 *   Magic              4 bytes  "SDLT" (0x53 0x44 0x4C 0x54)
 *   FormatVersion      uint8    1
 *   Flags              uint8    0 in v1 (any other bit: the batch needs a newer reader)
 *   CodecId            uint8    {@link io.snapdelta.codec.CodecId}
 *   CodecLevel         int8     zstd level the writer used (informational; decoding does not need it)
 *   Shard              uint32
 *   BatchSequence      int64    per shard, gap-free, &gt;= 0
 *   FirstVersionMajor  uint64   first source version covered ({@link io.snapdelta.model.Version})
 *   FirstVersionMinor  uint64
 *   LastVersionMajor   uint64   last source version covered
 *   LastVersionMinor   uint64
 *   InsertCount        uint32   logical inserts in the batch
 *   UpdateCount        uint32   logical updates
 *   DeleteCount        uint32   logical deletes
 *   DictionaryId       uint32   0 = none
 *   UncompressedLength uint32   body length after decompression
 *   BodyLength         uint32   stored (compressed) body length
 *   DigestBefore       32 bytes shard state digest before the batch
 *   DigestAfter        32 bytes shard state digest after the batch
 *   Body               BodyLength bytes
 *   Crc                uint32   CRC32C (Castagnoli) of every byte before it
 * </pre>
 */
public final class BatchLayout {
    private BatchLayout() {
    }

    /** "SDLT". */
    public static final byte[] MAGIC = {0x53, 0x44, 0x4C, 0x54};
    public static final byte FORMAT_VERSION_1 = 1;
    /** v2 (spec: schemas/delta-batch-v2.md): varint header, sorted sections, bit-packed integer columns. */
    public static final byte FORMAT_VERSION_2 = 2;
    /**
     * v3 (spec: schemas/delta-batch-v3.md): v2 without DigestBefore; sorted sections may code the keys of
     * updates and deletes as ranks among the receiver's held keys.
     */
    public static final byte FORMAT_VERSION_3 = 3;
    /**
     * v4 (spec: schemas/delta-batch-v4.md): v3 byte for byte but for FormatVersion, and its DigestAfter is a
     * state digest v2 (XXH3-128 entry hashes) where v1-v3 carry state digest v1 (SHA-256).
     */
    public static final byte FORMAT_VERSION_4 = 4;
    public static final byte CURRENT_FORMAT_VERSION = FORMAT_VERSION_4;
    /** The newest format version a reader reads. */
    public static final byte NEWEST_FORMAT_VERSION = FORMAT_VERSION_4;
    /**
     * v2 header: Magic, FormatVersion, Flags, CodecId, CodecLevel at the v1 offsets, then from
     * {@link #V2_VARINTS_OFFSET} the varints Shard, BatchSequence, FirstVersionMajor, FirstVersionMinor,
     * LastVersionMajor - FirstVersionMajor, LastVersionMinor, InsertCount, UpdateCount, DeleteCount,
     * UncompressedLength, then DictionaryId (uint32) only when CodecId = 2, then DigestBefore and
     * DigestAfter (32 bytes each), then the body up to the CRC32C trailer.
     */
    public static final int V2_VARINTS_OFFSET = 8;
    /** Smallest v2 batch: 8 fixed bytes, 10 one-byte varints, two digests, empty body, CRC. */
    public static final int V2_MIN_SEALED_LENGTH = V2_VARINTS_OFFSET + 10 + 2 * 32 + 4;
    /** Smallest v3 batch: as v2 with one digest (the smallest batch of any version). */
    public static final int V3_MIN_SEALED_LENGTH = V2_VARINTS_OFFSET + 10 + 32 + 4;
    /** Width of each state digest field; the digest is opaque to the format. */
    public static final int DIGEST_LENGTH = 32;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 4;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int VERSION_LENGTH = 1;
    public static final int FLAGS_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int FLAGS_LENGTH = 1;
    public static final int CODEC_OFFSET = FLAGS_OFFSET + FLAGS_LENGTH;
    public static final int CODEC_LENGTH = 1;
    public static final int CODEC_LEVEL_OFFSET = CODEC_OFFSET + CODEC_LENGTH;
    public static final int CODEC_LEVEL_LENGTH = 1;
    public static final int SHARD_OFFSET = CODEC_LEVEL_OFFSET + CODEC_LEVEL_LENGTH;
    public static final int SHARD_LENGTH = 4;
    public static final int SEQUENCE_OFFSET = SHARD_OFFSET + SHARD_LENGTH;
    public static final int SEQUENCE_LENGTH = 8;
    public static final int FIRST_VERSION_MAJOR_OFFSET = SEQUENCE_OFFSET + SEQUENCE_LENGTH;
    public static final int FIRST_VERSION_MINOR_OFFSET = FIRST_VERSION_MAJOR_OFFSET + 8;
    public static final int LAST_VERSION_MAJOR_OFFSET = FIRST_VERSION_MINOR_OFFSET + 8;
    public static final int LAST_VERSION_MINOR_OFFSET = LAST_VERSION_MAJOR_OFFSET + 8;
    public static final int INSERT_COUNT_OFFSET = LAST_VERSION_MINOR_OFFSET + 8;
    public static final int UPDATE_COUNT_OFFSET = INSERT_COUNT_OFFSET + 4;
    public static final int DELETE_COUNT_OFFSET = UPDATE_COUNT_OFFSET + 4;
    public static final int DICTIONARY_ID_OFFSET = DELETE_COUNT_OFFSET + 4;
    public static final int UNCOMPRESSED_LENGTH_OFFSET = DICTIONARY_ID_OFFSET + 4;
    public static final int BODY_LENGTH_OFFSET = UNCOMPRESSED_LENGTH_OFFSET + 4;
    public static final int DIGEST_BEFORE_OFFSET = BODY_LENGTH_OFFSET + 4;
    public static final int DIGEST_AFTER_OFFSET = DIGEST_BEFORE_OFFSET + DIGEST_LENGTH;
    /** 140: the body starts here. */
    public static final int HEADER_LENGTH = DIGEST_AFTER_OFFSET + DIGEST_LENGTH;
    public static final int BODY_OFFSET = HEADER_LENGTH;
    public static final int CRC_LENGTH = 4;
    /** Smallest possible sealed batch: a header, an empty body and the CRC. */
    public static final int MIN_SEALED_LENGTH = HEADER_LENGTH + CRC_LENGTH;

    /**
     * The state digest a batch of {@code formatVersion} carries: the format version names it (v1-v3 state digest
     * v1, v4 state digest v2), so a batch needs no field for it.
     */
    public static io.snapdelta.digest.DigestVersion digestVersion(int formatVersion) {
        if (formatVersion < FORMAT_VERSION_1 || formatVersion > NEWEST_FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown delta batch format version " + formatVersion);
        }
        return formatVersion >= FORMAT_VERSION_4 ? io.snapdelta.digest.DigestVersion.V2 : io.snapdelta.digest.DigestVersion.V1;
    }

    /**
     * The newest format version that carries {@code digest}: a shard whose digest is v1 (restored from a
     * checkpoint written before digest v2) keeps writing v3; a shard on digest v2 writes v4.
     */
    public static int newestFormatVersionFor(io.snapdelta.digest.DigestVersion digest) {
        return digest == io.snapdelta.digest.DigestVersion.V1 ? FORMAT_VERSION_3 : FORMAT_VERSION_4;
    }

    /** Digests in the header of a batch of this version: 2 up to v2 (before and after), 1 from v3 (after). */
    public static int digestCount(int formatVersion) {
        return formatVersion >= FORMAT_VERSION_3 ? 1 : 2;
    }

    /** Where the digest after starts in a sealed batch of any version (valid batches only; does not verify). */
    public static int digestAfterOffset(byte[] sealed) {
        return sealed[VERSION_OFFSET] == FORMAT_VERSION_1 ? DIGEST_AFTER_OFFSET : bodyOffset(sealed) - DIGEST_LENGTH;
    }

    /**
     * Where the body of a sealed batch written by this project starts (140 in v1; after the varints and
     * digests from v2). For accounting (benchmarks, metrics) on batches already known valid; it does not verify.
     */
    public static int bodyOffset(byte[] sealed) {
        if (sealed[VERSION_OFFSET] == FORMAT_VERSION_1) {
            return HEADER_LENGTH;
        }
        int at = V2_VARINTS_OFFSET;
        for (int field = 0; field < 10; field++) {
            while ((sealed[at++] & 0x80) != 0) {
                // continuation byte
            }
        }
        if (sealed[CODEC_OFFSET] == 2) {
            at += 4;
        }
        return at + digestCount(sealed[VERSION_OFFSET]) * DIGEST_LENGTH;
    }
}
