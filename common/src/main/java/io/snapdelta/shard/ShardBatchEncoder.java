package io.snapdelta.shard;

import io.snapdelta.codec.CodecDecision;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.DeltaBatch;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.HeldKeys;
import java.util.List;
import java.util.Set;

/**
 * Encodes, compresses and seals the batches of one shard stream, choosing between a batch's coalesced body
 * and its stream-ordered body. Both decode to the same state (issue 4: on transactional captures the
 * stream-ordered body can compress smaller, because repeated deltas sit next to each other).
 *
 * <p>Which body is smaller is a property of the stream more than of one batch, and encoding both costs a
 * second encode and compression (about a third of the format's time when they differ). So the choice is
 * probed, like the writer's v2 layout: on the stream's first {@value #FIRST_PROBES} batches whose bodies
 * differ and on every {@value #BODY_PROBE_INTERVAL}th after, both bodies are sealed from the same stream
 * state (schemas defined so far, v2 layout probe state), each at its better v2 layout, and the smaller is
 * shipped (ties: coalesced), its layout kept; between probes the last winner is sealed alone. The probe
 * state travels in checkpoints ({@link #probeState}), so a restored stream chooses exactly as an
 * uninterrupted one. Deterministic for a fixed codec; with the adaptive selector the codec, and so the
 * bytes, depend on measured CPU time.
 */
public final class ShardBatchEncoder implements AutoCloseable {
    /** Which body a shipped batch carries. */
    public enum Body { COALESCED, STREAM_ORDERED }

    /**
     * A sealed batch and what it is.
     *
     * @param bodiesDiffered whether the batch's coalesced and stream-ordered bodies differed (if not, one
     *     body was sealed and {@code alternativeBytes} is the shipped size)
     * @param alternativeBytes the other body's sealed size on a probe, -1 between probes
     */
    public record Encoded(int shard, long sequence, byte[] bytes, Body body, int ops, long sourceChanges,
                          CodecDecision codec, boolean bodiesDiffered, int alternativeBytes) {
    }

    /**
     * What the body choice has learnt so far: the last probe's winner and how many batches with differing
     * bodies were sealed; with the writer's layout state ({@link DeltaBatchWriter.LayoutState}).
     */
    public record ProbeState(Body lastWinner, long differingBatches, DeltaBatchWriter.LayoutState layout) {
        /** A new stream's state. */
        public static final ProbeState INITIAL = new ProbeState(Body.COALESCED, 0, DeltaBatchWriter.LayoutState.INITIAL);
    }

    /** Both bodies are sealed on the first this many batches whose bodies differ. */
    static final int FIRST_PROBES = 2;
    /** Then on every this many batches whose bodies differ. */
    static final int BODY_PROBE_INTERVAL = 16;

    private final DeltaBatchWriter writer;
    /** The receiver's keys before the batch being encoded (set for the duration of {@link #encode}). */
    private HeldKeys held = HeldKeys.NONE;
    private Body lastWinner = Body.COALESCED;
    private long differingBatches;

    public ShardBatchEncoder(DeltaBatchWriter writer) {
        this.writer = writer;
    }

    /**
     * Seals {@code b}. {@link Encoded#alternativeBytes} is the other body's sealed size on a probe (or the
     * shipped size when the bodies are equal) and -1 between probes, where the other body is not sealed.
     */
    public Encoded encode(ShardBatch b) {
        return encode(b, HeldKeys.NONE);
    }

    /**
     * Seals {@code b}; {@code held} is the receiver's keys before it (format v3 codes the keys of updates and
     * deletes as ranks among them; {@link HeldKeys#NONE} codes every key as a value).
     */
    public Encoded encode(ShardBatch b, HeldKeys held) {
        this.held = held;
        try {
            return encodeBodies(b);
        } finally {
            this.held = HeldKeys.NONE;
        }
    }

    private Encoded encodeBodies(ShardBatch b) {
        if (b.bodiesEqual()) {
            byte[] coalesced = seal(b, b.coalescedOps());
            return new Encoded(b.shard(), b.sequence(), coalesced, Body.COALESCED, b.coalescedOps().size(),
                    b.sourceChanges(), writer.selector().lastDecision(), false, coalesced.length);
        }
        long n = differingBatches++;
        if (n >= FIRST_PROBES && n % BODY_PROBE_INTERVAL != 0) {
            List<DeltaOp> ops = lastWinner == Body.COALESCED ? b.coalescedOps() : b.streamOrderedOps();
            byte[] bytes = seal(b, ops);
            return new Encoded(b.shard(), b.sequence(), bytes, lastWinner, ops.size(), b.sourceChanges(),
                    writer.selector().lastDecision(), true, -1);
        }
        // Both bodies start from the same stream state, and each is sealed at its best v2 layout: which
        // layout suits a body depends on the body (whole transactions in stream order favour the plain
        // layout), so comparing both bodies at the layout the last winner settled on would keep the other
        // body from ever winning (one shard: 2.52 instead of 2.14 B/change at zstd -3).
        Set<Long> start = writer.emittedSchemaIds();
        DeltaBatchWriter.LayoutState layoutStart = writer.layoutState();
        byte[] coalesced;
        byte[] stream;
        CodecDecision coalescedCodec;
        Set<Long> afterCoalesced;
        DeltaBatchWriter.LayoutState layoutAfterCoalesced;
        // A key the batch changed once is one op object in both bodies: the sections made only of such ops are
        // equal in both bodies at a sorted layout, and the second body copies their bytes.
        writer.shareSectionWrites(true);
        try {
            coalesced = seal(b, b.coalescedOps(), true);
            coalescedCodec = writer.selector().lastDecision();
            afterCoalesced = writer.emittedSchemaIds();
            layoutAfterCoalesced = writer.layoutState();
            writer.restoreEmittedSchemaIds(start);
            writer.restoreLayoutState(layoutStart);
            stream = seal(b, b.streamOrderedOps(), true);
        } finally {
            writer.shareSectionWrites(false);
        }
        if (stream.length < coalesced.length) {
            lastWinner = Body.STREAM_ORDERED;
            return new Encoded(b.shard(), b.sequence(), stream, Body.STREAM_ORDERED, b.streamOrderedOps().size(),
                    b.sourceChanges(), writer.selector().lastDecision(), true, coalesced.length);
        }
        writer.restoreEmittedSchemaIds(afterCoalesced);
        writer.restoreLayoutState(layoutAfterCoalesced);
        lastWinner = Body.COALESCED;
        return new Encoded(b.shard(), b.sequence(), coalesced, Body.COALESCED, b.coalescedOps().size(),
                b.sourceChanges(), coalescedCodec, true, stream.length);
    }

    private byte[] seal(ShardBatch b, List<DeltaOp> ops) {
        return seal(b, ops, false);
    }

    private byte[] seal(ShardBatch b, List<DeltaOp> ops, boolean probeLayout) {
        return writer.write(new DeltaBatch(b.shard(), b.sequence(), b.firstVersion(), b.lastVersion(), ops,
                b.digestBefore().toBytes(), b.digestAfter().toBytes()), probeLayout, held);
    }

    /** What a checkpoint keeps so that a restored stream chooses bodies and layouts as this one would. */
    public ProbeState probeState() {
        return new ProbeState(lastWinner, differingBatches, writer.layoutState());
    }

    public void restoreProbeState(ProbeState state) {
        lastWinner = state.lastWinner();
        differingBatches = state.differingBatches();
        writer.restoreLayoutState(state.layout());
    }

    public Set<Long> emittedSchemaIds() {
        return writer.emittedSchemaIds();
    }

    public void restoreEmittedSchemaIds(Set<Long> ids) {
        writer.restoreEmittedSchemaIds(ids);
    }

    /**
     * Makes the writer write the newest format that carries {@code version} (a shard's digest version is fixed
     * for its life: v1 writes format v3, v2 format v4), if it does not already write a format of that version.
     */
    public void useDigestVersion(io.snapdelta.digest.DigestVersion version) {
        if (writer.digestVersion() != version) {
            writer.setFormatVersion(io.snapdelta.format.BatchLayout.newestFormatVersionFor(version));
        }
    }

    public DeltaBatchWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        writer.close();
    }
}
