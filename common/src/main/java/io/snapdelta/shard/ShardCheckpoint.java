package io.snapdelta.shard;

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
 * defined, the flush policy's rate estimates, and the open batch with the time it opened (so a checkpoint
 * does not have to seal it). In every savepoint, so versioned and only extended: this build writes v2 and
 * reads v1 (written between batches: no open batch) and v2.
 *
 * <pre>
 * v1: u8 1 | i64 next sequence | 32 bytes digest | i64 max source micros | i64 last purge micros
 *     | u16 n + n x i64 counters | i64 live | i64 tombstones | u32 m + m x i64 schema ids (ascending)
 *     | f64 changes per ms | f64 bytes per change
 * v2: u8 2 | the v1 fields after the version byte | i64 open batch opened-at millis (-1: no open batch)
 *     | [u32 length + open batch ({@link OpenBatchCodec} v1)]   if a batch is open
 * </pre>
 *
 * @param openedAtMillis when the open batch opened, on the pipeline's clock; -1 if none is open
 * @param openBatch the open batch, or null (exactly when {@code openedAtMillis} is -1)
 */
public record ShardCheckpoint(ShardDeltaState.Progress progress, long[] storeCounts, Set<Long> emittedSchemaIds,
                              double changesPerMilli, double bytesPerChange, long openedAtMillis,
                              ShardDeltaState.OpenBatch openBatch) {
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_OPEN_BATCH = 1;

    public ShardCheckpoint {
        storeCounts = storeCounts.clone();
        emittedSchemaIds = Set.copyOf(emittedSchemaIds);
        if ((openBatch == null) != (openedAtMillis < 0)) {
            throw new IllegalArgumentException("an open batch comes with the time it opened (>= 0), no open batch with -1; got "
                    + openedAtMillis + (openBatch == null ? " without" : " with") + " an open batch");
        }
    }

    /** A checkpoint taken between batches. */
    public ShardCheckpoint(ShardDeltaState.Progress progress, long[] storeCounts, Set<Long> emittedSchemaIds,
                           double changesPerMilli, double bytesPerChange) {
        this(progress, storeCounts, emittedSchemaIds, changesPerMilli, bytesPerChange, -1, null);
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ShardCheckpoint decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int v = in.readUnsignedByte();
            if (v != VERSION && v != VERSION_WITHOUT_OPEN_BATCH) {
                throw new IllegalStateException("unknown shard checkpoint version " + v + " (this build reads "
                        + VERSION_WITHOUT_OPEN_BATCH + " and " + VERSION + ")");
            }
            long next = in.readLong();
            StateDigest digest = StateDigest.fromBytes(in.readNBytes(StateDigest.BYTES), 0);
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
            ShardDeltaState.Progress progress = new ShardDeltaState.Progress(next, digest, maxSource, lastPurge, counters);
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
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes after the end of the checkpoint");
            }
            return new ShardCheckpoint(progress, storeCounts, ids, changesPerMilli, bytesPerChange, openedAt, open);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt shard checkpoint (" + encoded.length + " bytes)", e);
        }
    }
}
