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
 * Everything of one shard a checkpoint holds besides its rows, taken between batches: the delta state's
 * {@link ShardDeltaState.Progress}, the store's counts, the schema ids the shard's batch stream has
 * defined, and the flush policy's rate estimates. In every savepoint, so versioned and only extended.
 *
 * <pre>
 * v1: u8 1 | i64 next sequence | 32 bytes digest | i64 max source micros | i64 last purge micros
 *     | u16 n + n x i64 counters | i64 live | i64 tombstones | u32 m + m x i64 schema ids (ascending)
 *     | f64 changes per ms | f64 bytes per change
 * </pre>
 */
public record ShardCheckpoint(ShardDeltaState.Progress progress, long[] storeCounts, Set<Long> emittedSchemaIds,
                              double changesPerMilli, double bytesPerChange) {
    private static final int VERSION = 1;

    public ShardCheckpoint {
        storeCounts = storeCounts.clone();
        emittedSchemaIds = Set.copyOf(emittedSchemaIds);
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ShardCheckpoint decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int v = in.readUnsignedByte();
            if (v != VERSION) {
                throw new IllegalStateException("unknown shard checkpoint version " + v + " (this build reads " + VERSION + ")");
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
            return new ShardCheckpoint(new ShardDeltaState.Progress(next, digest, maxSource, lastPurge, counters),
                    storeCounts, ids, in.readDouble(), in.readDouble());
        } catch (IOException e) {
            throw new IllegalStateException("corrupt shard checkpoint (" + encoded.length + " bytes)", e);
        }
    }
}
