package io.snapdelta.format;

/**
 * The one exception a {@link DeltaBatchReader} raises for a batch it cannot accept: damaged bytes, a
 * format version it does not know, a limit exceeded, a schema or dictionary it cannot find, or a batch
 * that does not fit the receiver's state. It names the batch (shard and sequence when the header was
 * readable) and the byte offset where decoding stopped, so an operator can find the bad bytes.
 */
public final class CorruptBatchException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the batch was rejected; stable names, usable as a metric tag. */
    public enum Kind {
        /** Shorter than a header plus checksum, or body length disagrees with the batch length. */
        TRUNCATED,
        /** The first four bytes are not the batch magic. */
        BAD_MAGIC,
        /** A format version this reader does not implement. */
        UNSUPPORTED_VERSION,
        /** The stored CRC32C does not match the bytes. */
        CHECKSUM_MISMATCH,
        /** A count or length exceeds a configured limit ({@code DeltaFormatOptions}). */
        LIMIT_EXCEEDED,
        /** Bytes that pass the checksum but break a rule of the format (bad varint, unknown id, ...). */
        MALFORMED,
        /** A body that does not decompress to exactly the stated length. */
        BAD_COMPRESSION,
        /** A schema id the batch uses that neither the batch nor the registry defines. */
        UNKNOWN_SCHEMA,
        /** A dictionary id the dictionary store cannot supply. */
        UNKNOWN_DICTIONARY,
        /** An update or delete of a key the receiver does not hold (the receiver has diverged). */
        STATE_MISMATCH
    }

    private final Kind kind;
    private final long shard;
    private final long sequence;
    private final long offset;

    /**
     * @param shard the batch's shard, or -1 when the header could not be read
     * @param sequence the batch's sequence number, or -1 when unknown
     * @param offset the byte offset in the sealed batch (or, for body errors, in the decompressed body as
     *     the message says) where the problem was found
     */
    public CorruptBatchException(Kind kind, long shard, long sequence, long offset, String reason) {
        super(format(kind, shard, sequence, offset, reason));
        this.kind = kind;
        this.shard = shard;
        this.sequence = sequence;
        this.offset = offset;
    }

    public CorruptBatchException(Kind kind, long shard, long sequence, long offset, String reason, Throwable cause) {
        this(kind, shard, sequence, offset, reason);
        initCause(cause);
    }

    private static String format(Kind kind, long shard, long sequence, long offset, String reason) {
        String batch = shard < 0 ? "unknown batch" : "shard " + shard + " seq " + sequence;
        return "Corrupt delta batch (" + batch + ") at byte " + offset + ": " + reason + " [" + kind + "]";
    }

    public Kind kind() {
        return kind;
    }

    public long shard() {
        return shard;
    }

    public long sequence() {
        return sequence;
    }

    public long offset() {
        return offset;
    }
}
