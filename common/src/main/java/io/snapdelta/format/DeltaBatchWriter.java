package io.snapdelta.format;

import static io.snapdelta.format.BatchLayout.*;

import io.snapdelta.codec.Codec;
import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.delta.OpCounts;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Seals logical batches ({@link DeltaBatch}) into v1-v4 bytes (see {@link BatchLayout} and
 * {@code schemas/delta-batch-v1.md} .. {@code -v4.md}). One writer per shard stream: it remembers which table schemas the
 * stream has already defined, so each (table, schema version) travels once; {@link #emittedSchemaIds()}
 * belongs in the producer's checkpoint. Deterministic: the same batch, schema history and codec give
 * the same bytes (no map iteration order, no clock). If the chosen codec does not shrink the body, the
 * body is stored uncompressed. Not thread-safe.
 */
public final class DeltaBatchWriter implements AutoCloseable {
    private final TableSchemaRegistry registry;
    private BodyEncoder encoder;
    private final CodecSelector selector;
    private final NoneCodec none = new NoneCodec();
    private final Set<Long> emitted = new HashSet<>();
    private final CRC32C crc = new CRC32C();
    private int formatVersion;
    /** v2 layout in use: compact (sorted, bit-packed) or plain; see {@link #write}. */
    private boolean compactLayout = true;
    private long layoutBatches;
    /** Every this many batches the writer encodes both v2 layouts and keeps the smaller. */
    static final int LAYOUT_PROBE_INTERVAL = 16;

    /** A writer of the current format version ({@link BatchLayout#CURRENT_FORMAT_VERSION}, 4). */
    public DeltaBatchWriter(TableSchemaRegistry registry, CodecSelector selector) {
        this(registry, selector, CURRENT_FORMAT_VERSION);
    }

    /**
     * A writer of {@code formatVersion} 1 to 4: deployments keep writing the older version until every
     * reader reads the newer one (readers are upgraded first; every reader reads all older versions). The
     * format version names the state digest version the caller's digests must be in
     * ({@link BatchLayout#digestVersion}: v1-v3 digest v1, v4 digest v2); the writer copies them as opaque bytes.
     */
    public DeltaBatchWriter(TableSchemaRegistry registry, CodecSelector selector, int formatVersion) {
        checkWritable(formatVersion);
        this.registry = registry;
        this.formatVersion = formatVersion;
        this.encoder = new BodyEncoder(registry, formatVersion);
        this.selector = selector;
    }

    /** The v2 layout probe's state: the layout in use and how many batches this writer sealed. */
    public record LayoutState(boolean compact, long batches) {
        /** A new writer's state. */
        public static final LayoutState INITIAL = new LayoutState(true, 0);

        public LayoutState {
            if (batches < 0) {
                throw new IllegalArgumentException("negative batch count " + batches);
            }
        }
    }

    public LayoutState layoutState() {
        return new LayoutState(compactLayout, layoutBatches);
    }

    /** Continues the layout probe of a writer whose {@link #layoutState} this was (from a checkpoint). */
    public void restoreLayoutState(LayoutState state) {
        compactLayout = state.compact();
        layoutBatches = state.batches();
    }

    public int formatVersion() {
        return formatVersion;
    }

    /**
     * Continues this stream in {@code formatVersion} (1 to 4), keeping the schemas it has defined and its layout
     * probe state: for a shard restored from a checkpoint whose digest version needs another format than the one
     * the writer was made with (a shard on state digest v1 keeps writing v3). Between batches only.
     */
    public void setFormatVersion(int formatVersion) {
        checkWritable(formatVersion);
        if (formatVersion != this.formatVersion) {
            this.formatVersion = formatVersion;
            this.encoder = new BodyEncoder(registry, formatVersion);
        }
    }

    private static void checkWritable(int formatVersion) {
        if (formatVersion < FORMAT_VERSION_1 || formatVersion > NEWEST_FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + formatVersion + " is not writable; this writer writes 1 to "
                    + NEWEST_FORMAT_VERSION);
        }
    }

    /** The state digest version of the digests this writer's batches carry (named by its format version). */
    public io.snapdelta.digest.DigestVersion digestVersion() {
        return BatchLayout.digestVersion(formatVersion);
    }

    /**
     * Between {@code true} and {@code false}, a section written again with the same ops in the same order, at the
     * same layout, copies the bytes of its earlier write ({@link BodyEncoder#shareWrites}): for sealing two bodies
     * of one batch, against the same receiver keys. {@code false} drops the remembered sections.
     */
    public void shareSectionWrites(boolean share) {
        encoder.shareWrites(share);
    }

    /** Sections copied from an earlier write ({@link #shareSectionWrites}) so far (for tests). */
    long sectionsCopied() {
        return encoder.sectionsCopied;
    }

    /** Seals {@code batch} with every key coded as a value. */
    public byte[] write(DeltaBatch batch) {
        return write(batch, false, HeldKeys.NONE);
    }

    /**
     * Seals {@code batch}; with {@code probeLayout} the v2 layouts are both tried on this batch whatever the
     * layout probe's schedule (a caller comparing two bodies of one batch compares each at its best layout).
     * From v3, {@code held} (the receiver's keys before the batch) lets sorted sections code the keys of
     * updates and deletes as ranks among them; {@link HeldKeys#NONE} codes every key as a value.
     */
    public byte[] write(DeltaBatch batch, boolean probeLayout, HeldKeys held) {
        Set<Long> emittedAfter = new HashSet<>(emitted);
        encoder.prepare(batch.ops());
        try {
            return sealPrepared(batch, probeLayout, held, encoder.preparedCounts(), emittedAfter);
        } finally {
            encoder.release();
        }
    }

    /** Seals the batch the encoder has prepared. */
    private byte[] sealPrepared(DeltaBatch batch, boolean probeLayout, HeldKeys held, OpCounts counts, Set<Long> emittedAfter) {
        ByteSink sink = encoder.write(emittedAfter, compactLayout, held);
        byte[] body = sink.array();
        int bodyLength = sink.position();
        Codec codec = selector.choose();
        long t0 = cpuNanos();
        byte[] stored = codec.compress(body, 0, bodyLength);
        long nanos = cpuNanos() - t0;
        if (formatVersion >= FORMAT_VERSION_2
                && (probeLayout || layoutBatches < 2 || layoutBatches % LAYOUT_PROBE_INTERVAL == 0)) {
            // Layout probe: encode the other v2 layout too and keep the smaller compressed output. Which one
            // wins depends on the stream (one shard holding whole transactions favours the plain layout),
            // so it is measured, and the winner is kept until the next probe. Depends on sizes only.
            body = java.util.Arrays.copyOf(body, bodyLength);
            Set<Long> emittedOther = new HashSet<>(emitted);
            ByteSink other = encoder.write(emittedOther, !compactLayout, held);
            byte[] otherStored = codec.compress(other.array(), 0, other.position());
            if (otherStored.length < stored.length) {
                compactLayout = !compactLayout;
                body = other.array();
                bodyLength = other.position();
                stored = otherStored;
                emittedAfter = emittedOther;
            }
        }
        layoutBatches++;
        selector.record(codec, body, bodyLength, stored.length, nanos, batch.ops().size());
        Codec probe = selector.probe();
        if (probe != null) {
            long p0 = cpuNanos();
            byte[] probed = probe.compress(body, 0, bodyLength);
            selector.record(probe, body, bodyLength, probed.length, cpuNanos() - p0, batch.ops().size());
            if (probed.length < stored.length) {
                selector.probeWon(probe);
                codec = probe;
                stored = probed;
            }
        }
        if (stored.length >= bodyLength && codec != none) {
            codec = none;
            stored = none.compress(body, 0, bodyLength);
        }
        emitted.clear();
        emitted.addAll(emittedAfter);

        ByteSink out = new ByteSink(HEADER_LENGTH + stored.length + CRC_LENGTH);
        out.writeBytes(MAGIC, 0, MAGIC_LENGTH);
        out.writeByte(formatVersion);
        out.writeByte(0);
        out.writeByte(codec.id().id());
        out.writeByte(codec.level());
        if (formatVersion == FORMAT_VERSION_1) {
            out.writeIntBE(batch.shard());
            out.writeLongBE(batch.sequence());
            out.writeLongBE(batch.firstVersion().major());
            out.writeLongBE(batch.firstVersion().minor());
            out.writeLongBE(batch.lastVersion().major());
            out.writeLongBE(batch.lastVersion().minor());
            out.writeIntBE(counts.inserts());
            out.writeIntBE(counts.updates());
            out.writeIntBE(counts.deletes());
            out.writeIntBE(codec.dictionaryId());
            out.writeIntBE(bodyLength);
            out.writeIntBE(stored.length);
        } else {
            out.writeVarInt(batch.shard());
            out.writeVarLong(batch.sequence());
            out.writeVarLong(batch.firstVersion().major());
            out.writeVarLong(batch.firstVersion().minor());
            out.writeVarLong(batch.lastVersion().major() - batch.firstVersion().major());
            out.writeVarLong(batch.lastVersion().minor());
            out.writeVarInt(counts.inserts());
            out.writeVarInt(counts.updates());
            out.writeVarInt(counts.deletes());
            out.writeVarInt(bodyLength);
            if (codec.dictionaryId() != 0) {
                out.writeIntBE(codec.dictionaryId());
            }
        }
        if (formatVersion < FORMAT_VERSION_3) {
            // v3 drops it: it equals the previous batch's DigestAfter, which the receiver already checked.
            out.writeBytes(batch.digestBefore(), 0, DIGEST_LENGTH);
        }
        out.writeBytes(batch.digestAfter(), 0, DIGEST_LENGTH);
        out.writeBytes(stored, 0, stored.length);
        crc.reset();
        crc.update(out.array(), 0, out.position());
        out.writeIntBE((int) crc.getValue());
        return out.toByteArray();
    }

    /**
     * The order in which a reader returns {@code ops} from a v2 batch: when every table's ops share one
     * row schema, the ops grouped by table (tables in order of first appearance), each table's ops sorted
     * by key ({@link KeyOrder}, stable, so the ops of one key keep their order); otherwise {@code ops}
     * unchanged. Both orders apply to the same state: ops on different keys commute.
     */
    public static java.util.List<DeltaOp> wireOrder(java.util.List<DeltaOp> ops) {
        return BodyEncoder.wireOrder(ops);
    }

    /**
     * CPU time of this thread: the codec budget is about CPU, and wall time on a busy machine would
     * charge a codec for the time the thread waited to be scheduled.
     */
    private static long cpuNanos() {
        return THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean THREAD_CPU = THREADS.isCurrentThreadCpuTimeSupported();

    /** Schema ids this stream has defined so far (checkpoint them with the producer's state). */
    public Set<Long> emittedSchemaIds() {
        return Set.copyOf(emitted);
    }

    /** Restores the set after a restart, so schemas are not sent again (or clear it to resend all). */
    public void restoreEmittedSchemaIds(Collection<Long> ids) {
        emitted.clear();
        emitted.addAll(ids);
    }

    /** The next batch defines every schema it uses again (e.g. the first batch after a snapshot). */
    public void resendSchemas() {
        emitted.clear();
    }

    public CodecSelector selector() {
        return selector;
    }

    @Override
    public void close() {
        selector.close();
    }
}
