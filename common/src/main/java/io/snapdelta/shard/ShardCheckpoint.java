package io.snapdelta.shard;

import io.snapdelta.digest.DigestVersion;
import io.snapdelta.digest.StateDigest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything of one shard a checkpoint holds besides its rows: the delta state's
 * {@link ShardDeltaState.Progress}, the store's counts, the schema ids the shard's batch stream has
 * defined, the flush policy's rate estimates, the open batch with the time it opened (so a checkpoint
 * does not have to seal it), and the encoder's probe state (which body and layout the last probes chose,
 * so a restored stream seals the bytes an uninterrupted one would), and the shard's state digest version. In every
 * savepoint, so versioned and only extended: this build writes v4 and reads v1 (written between batches: no open
 * batch) to v4; a v1 or v2 checkpoint restores the probe state of a new stream (what builds before v3 did), and a
 * v1-v3 checkpoint (written before state digest v2 existed) restores a shard on state digest v1, which keeps writing
 * delta batch format v3.
 *
 * <pre>
 * v1: u8 1 | i64 next sequence | 32 bytes digest | i64 max source micros | i64 last purge micros
 *     | u16 n + n x i64 counters | i64 live | i64 tombstones | u32 m + m x i64 schema ids (ascending)
 *     | f64 changes per ms | f64 bytes per change
 * v2: u8 2 | the v1 fields after the version byte | i64 open batch opened-at millis (-1: no open batch)
 *     | [u32 length + open batch ({@link OpenBatchCodec} v1)]   if a batch is open
 * v3: u8 3 | the v2 fields after the version byte | u8 probe flags (bit 0: the last body probe chose the
 *     stream-ordered body; bit 1: the writer uses the plain v2 layout; other bits 0)
 *     | i64 batches with differing bodies sealed | i64 batches the writer sealed
 * v4: u8 4 | the v3 fields after the version byte | u8 state digest version (1 or 2: the digest above, the
 *     open batch's digest before and the entry hashes stored with the shard's rows are of this version)
 * </pre>
 *
 * @param openedAtMillis when the open batch opened, on the pipeline's clock; -1 if none is open
 * @param openBatch the open batch, or null (exactly when {@code openedAtMillis} is -1)
 * @param probe the shard's {@link ShardBatchEncoder.ProbeState}
 */
public record ShardCheckpoint(ShardDeltaState.Progress progress, long[] storeCounts, Set<Long> emittedSchemaIds,
                              double changesPerMilli, double bytesPerChange, long openedAtMillis,
                              ShardDeltaState.OpenBatch openBatch, ShardBatchEncoder.ProbeState probe) {
    private static final int VERSION = 4;
    private static final int VERSION_WITHOUT_OPEN_BATCH = 1;
    private static final int FLAG_STREAM_ORDERED = 1;
    private static final int FLAG_PLAIN_LAYOUT = 2;

    public ShardCheckpoint {
        storeCounts = storeCounts.clone();
        emittedSchemaIds = Set.copyOf(emittedSchemaIds);
        if ((openBatch == null) != (openedAtMillis < 0)) {
            throw new IllegalArgumentException("an open batch comes with the time it opened (>= 0), no open batch with -1; got "
                    + openedAtMillis + (openBatch == null ? " without" : " with") + " an open batch");
        }
        java.util.Objects.requireNonNull(probe, "probe");
    }

    /** A checkpoint of a stream whose encoder has probed nothing yet. */
    public ShardCheckpoint(ShardDeltaState.Progress progress, long[] storeCounts, Set<Long> emittedSchemaIds,
                           double changesPerMilli, double bytesPerChange, long openedAtMillis,
                           ShardDeltaState.OpenBatch openBatch) {
        this(progress, storeCounts, emittedSchemaIds, changesPerMilli, bytesPerChange, openedAtMillis, openBatch,
                ShardBatchEncoder.ProbeState.INITIAL);
    }

    /** A checkpoint taken between batches. */
    public ShardCheckpoint(ShardDeltaState.Progress progress, long[] storeCounts, Set<Long> emittedSchemaIds,
                           double changesPerMilli, double bytesPerChange) {
        this(progress, storeCounts, emittedSchemaIds, changesPerMilli, bytesPerChange, -1, null,
                ShardBatchEncoder.ProbeState.INITIAL);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(progress.nextSequence());
            out.write(progress.digest().toBytes());
            out.writeLong(progress.maxSourceMicros());
            out.writeLong(progress.lastPurgeMicros());
            long[] c = progress.counters();
            out.writeShort(c.length);
            for (long v : c) {
                out.writeLong(v);
            }
            out.writeLong(storeCounts[0]);
            out.writeLong(storeCounts[1]);
            out.writeInt(emittedSchemaIds.size());
            for (long id : new TreeSet<>(emittedSchemaIds)) {
                out.writeLong(id);
            }
            out.writeDouble(changesPerMilli);
            out.writeDouble(bytesPerChange);
            out.writeLong(openedAtMillis);
            if (openBatch != null) {
                byte[] open = OpenBatchCodec.encode(openBatch);
                out.writeInt(open.length);
                out.write(open);
            }
            out.writeByte((probe.lastWinner() == ShardBatchEncoder.Body.STREAM_ORDERED ? FLAG_STREAM_ORDERED : 0)
                    | (probe.layout().compact() ? 0 : FLAG_PLAIN_LAYOUT));
            out.writeLong(probe.differingBatches());
            out.writeLong(probe.layout().batches());
            out.writeByte(progress.digest().version().id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ShardCheckpoint decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int v = in.readUnsignedByte();
            if (v < VERSION_WITHOUT_OPEN_BATCH || v > VERSION) {
                throw new IllegalStateException("unknown shard checkpoint version " + v + " (this build reads "
                        + VERSION_WITHOUT_OPEN_BATCH + " to " + VERSION + ")");
            }
            long next = in.readLong();
            byte[] digestBytes = in.readNBytes(StateDigest.BYTES);
            long maxSource = in.readLong();
            long lastPurge = in.readLong();
            long[] counters = new long[in.readUnsignedShort()];
            for (int i = 0; i < counters.length; i++) {
                counters[i] = in.readLong();
            }
            long[] storeCounts = {in.readLong(), in.readLong()};
            int m = in.readInt();
            Set<Long> ids = new TreeSet<>();
            for (int i = 0; i < m; i++) {
                ids.add(in.readLong());
            }
            double changesPerMilli = in.readDouble();
            double bytesPerChange = in.readDouble();
            long openedAt = -1;
            ShardDeltaState.OpenBatch open = null;
            if (v >= 2) {
                openedAt = in.readLong();
                if (openedAt >= 0) {
                    int n = in.readInt();
                    if (n < 0 || n > in.available()) {
                        throw new IOException("open batch length " + n + " exceeds the " + in.available() + " bytes left");
                    }
                    open = OpenBatchCodec.decode(in.readNBytes(n));
                }
            }
            ShardBatchEncoder.ProbeState probe = ShardBatchEncoder.ProbeState.INITIAL;
            if (v >= 3) {
                int flags = in.readUnsignedByte();
                if ((flags & ~(FLAG_STREAM_ORDERED | FLAG_PLAIN_LAYOUT)) != 0) {
                    throw new IOException("unknown probe flags 0x" + Integer.toHexString(flags));
                }
                long differing = in.readLong();
                long written = in.readLong();
                if (differing < 0 || written < 0) {
                    throw new IOException("negative probe batch counts " + differing + ", " + written);
                }
                probe = new ShardBatchEncoder.ProbeState(
                        (flags & FLAG_STREAM_ORDERED) != 0 ? ShardBatchEncoder.Body.STREAM_ORDERED : ShardBatchEncoder.Body.COALESCED,
                        differing, new io.snapdelta.format.DeltaBatchWriter.LayoutState((flags & FLAG_PLAIN_LAYOUT) == 0, written));
            }
            // Before v4 every shard was on state digest v1.
            DigestVersion digestVersion = v >= 4 ? DigestVersion.of(in.readUnsignedByte()) : DigestVersion.V1;
            ShardDeltaState.Progress progress = new ShardDeltaState.Progress(next,
                    StateDigest.fromBytes(digestBytes, 0, digestVersion), maxSource, lastPurge, counters);
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes after the end of the checkpoint");
            }
            return new ShardCheckpoint(progress, storeCounts, ids, changesPerMilli, bytesPerChange, openedAt, open, probe);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt shard checkpoint (" + encoded.length + " bytes)", e);
        }
    }
}
