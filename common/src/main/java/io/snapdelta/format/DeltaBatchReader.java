package io.snapdelta.format;

import static io.snapdelta.format.BatchLayout.*;

import io.snapdelta.codec.Codec;
import io.snapdelta.codec.CodecException;
import io.snapdelta.codec.CodecId;
import io.snapdelta.codec.CompressionDictionary;
import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.codec.ZstdDictionaryCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.format.CorruptBatchException.Kind;
import io.snapdelta.model.Version;
import java.io.IOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Verifies and decodes sealed v1-v4 batches; {@link BatchHeader#digestVersion()} says which state digest a batch
 * carries (v1-v3 digest v1, v4 digest v2). Order of checks: length, magic, format version, CRC32C over
 * every byte before the trailer (so no field is trusted before it is known intact), then header rules
 * and limits ({@link DeltaFormatOptions}), then decompression into a buffer of the checked length, then
 * the body. Any failure is a {@link CorruptBatchException} naming the batch and the byte offset; no
 * input makes it run out of memory, loop, or index out of bounds. Not thread-safe (codec contexts).
 */
public final class DeltaBatchReader implements AutoCloseable {
    private final TableSchemaRegistry registry;
    private final DictionaryStore dictionaries;
    private final int maxOps;
    private final int maxUncompressed;
    private final BodyDecoder bodyDecoder;
    private final NoneCodec none = new NoneCodec();
    private ZstdCodec zstd;
    private final Map<Integer, ZstdDictionaryCodec> dictionaryCodecs = new HashMap<>();
    private final CRC32C crc = new CRC32C();

    public DeltaBatchReader(DeltaFormatOptions options, TableSchemaRegistry registry, DictionaryStore dictionaries) {
        this.registry = registry;
        this.dictionaries = dictionaries;
        this.maxOps = options.maxOps();
        this.maxUncompressed = options.maxUncompressedSize();
        this.bodyDecoder = new BodyDecoder(registry, options.maxStringLength(), options.maxValues(), maxUncompressed);
    }

    public TableSchemaRegistry registry() {
        return registry;
    }

    /** Verifies the batch's integrity and header rules without decoding the body. */
    public BatchHeader readHeader(byte[] sealed) throws CorruptBatchException {
        if (sealed.length < V3_MIN_SEALED_LENGTH) {
            throw new CorruptBatchException(Kind.TRUNCATED, -1, -1, sealed.length, "a sealed batch has at least "
                    + V3_MIN_SEALED_LENGTH + " bytes, this one " + sealed.length);
        }
        for (int i = 0; i < MAGIC_LENGTH; i++) {
            if (sealed[MAGIC_OFFSET + i] != MAGIC[i]) {
                throw new CorruptBatchException(Kind.BAD_MAGIC, -1, -1, MAGIC_OFFSET + i, "magic is 0x"
                        + HexFormat.of().formatHex(sealed, MAGIC_OFFSET, MAGIC_LENGTH) + ", expected 0x"
                        + HexFormat.of().formatHex(MAGIC) + " (\"SDLT\")");
            }
        }
        int version = sealed[VERSION_OFFSET] & 0xFF;
        if (version < FORMAT_VERSION_1 || version > NEWEST_FORMAT_VERSION) {
            throw new CorruptBatchException(Kind.UNSUPPORTED_VERSION, -1, -1, VERSION_OFFSET, "format version " + version
                    + " is not supported; this reader reads versions " + FORMAT_VERSION_1 + " to " + NEWEST_FORMAT_VERSION
                    + " (upgrade the reader)");
        }
        int minLength = version == FORMAT_VERSION_1 ? MIN_SEALED_LENGTH : version == FORMAT_VERSION_2 ? V2_MIN_SEALED_LENGTH
                : V3_MIN_SEALED_LENGTH;
        if (sealed.length < minLength) {
            throw new CorruptBatchException(Kind.TRUNCATED, -1, -1, sealed.length, "a sealed v" + version + " batch has at least "
                    + minLength + " bytes, this one " + sealed.length);
        }
        ByteSource in = new ByteSource(sealed, 0, sealed.length, "", -1, -1);
        long shard = version == FORMAT_VERSION_1 ? Integer.toUnsignedLong(intAt(sealed, SHARD_OFFSET)) : -1;
        long seq = version == FORMAT_VERSION_1 ? longAt(sealed, SEQUENCE_OFFSET) : -1;
        int crcOffset = sealed.length - CRC_LENGTH;
        int stored = intAt(sealed, crcOffset);
        crc.reset();
        crc.update(sealed, 0, crcOffset);
        int computed = (int) crc.getValue();
        if (stored != computed) {
            throw new CorruptBatchException(Kind.CHECKSUM_MISMATCH, shard, seq, crcOffset, String.format(
                    "stored crc = 0x%08x, computed crc = 0x%08x over bytes [0, %d) (shard and seq as stored, unverified)",
                    stored, computed, crcOffset));
        }
        if (version != FORMAT_VERSION_1) {
            return readHeaderV2(sealed, version, stored);
        }
        int flags = sealed[FLAGS_OFFSET] & 0xFF;
        if (flags != 0) {
            throw err(Kind.UNSUPPORTED_VERSION, shard, seq, FLAGS_OFFSET, "flags 0x" + Integer.toHexString(flags)
                    + " are not defined in format version 1 (the batch needs a newer reader)");
        }
        CodecId codec = CodecId.fromId(sealed[CODEC_OFFSET] & 0xFF);
        if (codec == null) {
            throw err(Kind.MALFORMED, shard, seq, CODEC_OFFSET, "unknown codec id " + (sealed[CODEC_OFFSET] & 0xFF));
        }
        int level = sealed[CODEC_LEVEL_OFFSET];
        if (seq < 0) {
            throw err(Kind.MALFORMED, shard, seq, SEQUENCE_OFFSET, "negative batch sequence " + seq);
        }
        Version first = new Version(longAt(sealed, FIRST_VERSION_MAJOR_OFFSET), longAt(sealed, FIRST_VERSION_MINOR_OFFSET));
        Version last = new Version(longAt(sealed, LAST_VERSION_MAJOR_OFFSET), longAt(sealed, LAST_VERSION_MINOR_OFFSET));
        if (first.compareTo(last) > 0) {
            throw err(Kind.MALFORMED, shard, seq, FIRST_VERSION_MAJOR_OFFSET, "first version " + first + " is after last version " + last);
        }
        long inserts = Integer.toUnsignedLong(intAt(sealed, INSERT_COUNT_OFFSET));
        long updates = Integer.toUnsignedLong(intAt(sealed, UPDATE_COUNT_OFFSET));
        long deletes = Integer.toUnsignedLong(intAt(sealed, DELETE_COUNT_OFFSET));
        if (inserts + updates + deletes > maxOps) {
            throw err(Kind.LIMIT_EXCEEDED, shard, seq, INSERT_COUNT_OFFSET, "the batch counts " + (inserts + updates + deletes)
                    + " ops; delta.format.max-ops is " + maxOps);
        }
        int dictionaryId = intAt(sealed, DICTIONARY_ID_OFFSET);
        if ((codec == CodecId.ZSTD_DICT) != (dictionaryId != 0)) {
            throw err(Kind.MALFORMED, shard, seq, DICTIONARY_ID_OFFSET, "dictionary id 0x" + Integer.toHexString(dictionaryId)
                    + " does not fit codec " + codec);
        }
        long uncompressed = Integer.toUnsignedLong(intAt(sealed, UNCOMPRESSED_LENGTH_OFFSET));
        if (uncompressed > maxUncompressed) {
            throw err(Kind.LIMIT_EXCEEDED, shard, seq, UNCOMPRESSED_LENGTH_OFFSET, "uncompressed body length " + uncompressed
                    + " exceeds delta.format.max-uncompressed-size " + maxUncompressed);
        }
        long bodyLength = Integer.toUnsignedLong(intAt(sealed, BODY_LENGTH_OFFSET));
        if (bodyLength != sealed.length - MIN_SEALED_LENGTH) {
            throw err(Kind.TRUNCATED, shard, seq, BODY_LENGTH_OFFSET, "body length " + bodyLength + " but the batch has "
                    + (sealed.length - MIN_SEALED_LENGTH) + " bytes between header and checksum");
        }
        if (codec == CodecId.NONE && bodyLength != uncompressed) {
            throw err(Kind.MALFORMED, shard, seq, UNCOMPRESSED_LENGTH_OFFSET, "an uncompressed body of " + bodyLength
                    + " bytes with uncompressed length " + uncompressed);
        }
        byte[] before = java.util.Arrays.copyOfRange(sealed, DIGEST_BEFORE_OFFSET, DIGEST_BEFORE_OFFSET + DIGEST_LENGTH);
        byte[] after = java.util.Arrays.copyOfRange(sealed, DIGEST_AFTER_OFFSET, DIGEST_AFTER_OFFSET + DIGEST_LENGTH);
        in.skip(0, "header");
        return new BatchHeader(version, (int) shard, seq, first, last, (int) inserts, (int) updates, (int) deletes, codec, level,
                dictionaryId, (int) uncompressed, (int) bodyLength, before, after, stored);
    }

    /** The v2, v3 or v4 header (spec v2 §2, v3 §2; v4 is v3's), after magic, version and CRC were verified. */
    private BatchHeader readHeaderV2(byte[] sealed, int version, int storedCrc) throws CorruptBatchException {
        int crcOffset = sealed.length - CRC_LENGTH;
        ByteSource in = new ByteSource(sealed, V2_VARINTS_OFFSET, crcOffset - V2_VARINTS_OFFSET, "", -1, -1);
        long shardValue = in.readVarLong("shard");
        if (shardValue < 0 || shardValue > 0xFFFFFFFFL) {
            throw err(Kind.MALFORMED, -1, -1, V2_VARINTS_OFFSET, "shard " + Long.toUnsignedString(shardValue) + " does not fit 32 bits");
        }
        int seqAt = V2_VARINTS_OFFSET + in.position();
        long seq = in.readVarLong("batch sequence");
        long shard = shardValue;
        int flags = sealed[FLAGS_OFFSET] & 0xFF;
        if (flags != 0) {
            throw err(Kind.UNSUPPORTED_VERSION, shard, seq, FLAGS_OFFSET, "flags 0x" + Integer.toHexString(flags)
                    + " are not defined in format version " + version + " (the batch needs a newer reader)");
        }
        CodecId codec = CodecId.fromId(sealed[CODEC_OFFSET] & 0xFF);
        if (codec == null) {
            throw err(Kind.MALFORMED, shard, seq, CODEC_OFFSET, "unknown codec id " + (sealed[CODEC_OFFSET] & 0xFF));
        }
        int level = sealed[CODEC_LEVEL_OFFSET];
        if (seq < 0) {
            throw err(Kind.MALFORMED, shard, seq, seqAt, "negative batch sequence " + seq);
        }
        int versionsAt = V2_VARINTS_OFFSET + in.position();
        long firstMajor = in.readVarLong("first version major");
        long firstMinor = in.readVarLong("first version minor");
        long lastMajor = firstMajor + in.readVarLong("last version major - first version major");
        long lastMinor = in.readVarLong("last version minor");
        Version first = new Version(firstMajor, firstMinor);
        Version last = new Version(lastMajor, lastMinor);
        if (first.compareTo(last) > 0) {
            throw err(Kind.MALFORMED, shard, seq, versionsAt, "first version " + first + " is after last version " + last);
        }
        int countsAt = V2_VARINTS_OFFSET + in.position();
        long inserts = in.readVarLong("insert count");
        long updates = in.readVarLong("update count");
        long deletes = in.readVarLong("delete count");
        if (inserts < 0 || updates < 0 || deletes < 0 || inserts > maxOps || updates > maxOps || deletes > maxOps
                || inserts + updates + deletes > maxOps) {
            throw err(Kind.LIMIT_EXCEEDED, shard, seq, countsAt, "the batch counts " + Long.toUnsignedString(inserts) + "/"
                    + Long.toUnsignedString(updates) + "/" + Long.toUnsignedString(deletes)
                    + " inserts/updates/deletes; delta.format.max-ops is " + maxOps);
        }
        int uncompressedAt = V2_VARINTS_OFFSET + in.position();
        long uncompressed = in.readVarLong("uncompressed length");
        if (uncompressed < 0 || uncompressed > maxUncompressed) {
            throw err(Kind.LIMIT_EXCEEDED, shard, seq, uncompressedAt, "uncompressed body length "
                    + Long.toUnsignedString(uncompressed) + " exceeds delta.format.max-uncompressed-size " + maxUncompressed);
        }
        int dictionaryId = 0;
        if (codec == CodecId.ZSTD_DICT) {
            int dictAt = V2_VARINTS_OFFSET + in.position();
            if (in.remaining() < 4) {
                throw err(Kind.TRUNCATED, shard, seq, dictAt, "the dictionary id needs 4 bytes but " + in.remaining() + " remain");
            }
            int at = in.skip(4, "dictionary id");
            dictionaryId = intAt(sealed, at);
            if (dictionaryId == 0) {
                throw err(Kind.MALFORMED, shard, seq, dictAt, "dictionary id 0 with codec " + codec);
            }
        }
        int digestsAt = V2_VARINTS_OFFSET + in.position();
        int digestBytes = digestCount(version) * DIGEST_LENGTH;
        if (in.remaining() < digestBytes) {
            throw err(Kind.TRUNCATED, shard, seq, digestsAt, "the digests need " + digestBytes + " bytes but "
                    + in.remaining() + " remain before the checksum");
        }
        int bodyAt = digestsAt + digestBytes;
        int bodyLength = crcOffset - bodyAt;
        if (codec == CodecId.NONE && bodyLength != uncompressed) {
            throw err(Kind.MALFORMED, shard, seq, uncompressedAt, "an uncompressed body of " + bodyLength
                    + " bytes with uncompressed length " + uncompressed);
        }
        byte[] before = version == FORMAT_VERSION_2 ? java.util.Arrays.copyOfRange(sealed, digestsAt, digestsAt + DIGEST_LENGTH) : null;
        byte[] after = java.util.Arrays.copyOfRange(sealed, bodyAt - DIGEST_LENGTH, bodyAt);
        return new BatchHeader(version, (int) shard, seq, first, last, (int) inserts, (int) updates, (int) deletes,
                codec, level, dictionaryId, (int) uncompressed, bodyLength, before, after, storedCrc, bodyAt);
    }

    /** Verifies and decodes; {@code lookup} supplies the receiver's rows as they were before this batch. */
    public SealedBatch read(byte[] sealed, RowLookup lookup) throws CorruptBatchException {
        BatchHeader h = readHeader(sealed);
        long shard = Integer.toUnsignedLong(h.shard());
        Codec codec = codecFor(h);
        byte[] body = new byte[h.uncompressedLength()];
        try {
            codec.decompress(sealed, h.headerLength(), h.bodyLength(), body);
        } catch (CodecException e) {
            throw new CorruptBatchException(Kind.BAD_COMPRESSION, shard, h.sequence(), h.headerLength(), e.getMessage(), e);
        }
        BodyDecoder.Result r = bodyDecoder.decode(body, body.length, h, lookup);
        return new SealedBatch(h, r.ops(), r.defined());
    }

    private Codec codecFor(BatchHeader h) throws CorruptBatchException {
        switch (h.codec()) {
            case NONE:
                return none;
            case ZSTD:
                if (zstd == null) {
                    zstd = new ZstdCodec(ZstdCodec.MIN_LEVEL);
                }
                return zstd;
            default:
                ZstdDictionaryCodec c = dictionaryCodecs.get(h.dictionaryId());
                if (c == null) {
                    String id = CompressionDictionary.idHex(h.dictionaryId());
                    Optional<CompressionDictionary> d;
                    try {
                        d = dictionaries == null ? Optional.empty() : dictionaries.fetch(h.dictionaryId());
                    } catch (IOException e) {
                        throw new CorruptBatchException(Kind.UNKNOWN_DICTIONARY, Integer.toUnsignedLong(h.shard()), h.sequence(),
                                DICTIONARY_ID_OFFSET, "could not fetch dictionary " + id + ": " + e.getMessage(), e);
                    }
                    if (d.isEmpty()) {
                        throw new CorruptBatchException(Kind.UNKNOWN_DICTIONARY, Integer.toUnsignedLong(h.shard()), h.sequence(),
                                DICTIONARY_ID_OFFSET, "dictionary " + id + " is not in the dictionary store");
                    }
                    c = new ZstdDictionaryCodec(ZstdCodec.MIN_LEVEL, d.get());
                    dictionaryCodecs.put(h.dictionaryId(), c);
                }
                return c;
        }
    }

    private static CorruptBatchException err(Kind kind, long shard, long seq, int offset, String reason) {
        return new CorruptBatchException(kind, shard, seq, offset, reason);
    }

    static int intAt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static long longAt(byte[] b, int at) {
        return ((long) intAt(b, at) << 32) | (intAt(b, at + 4) & 0xFFFFFFFFL);
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
        }
        dictionaryCodecs.values().forEach(ZstdCodec::close);
    }
}
