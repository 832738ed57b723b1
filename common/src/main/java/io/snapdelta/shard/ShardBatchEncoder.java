package io.snapdelta.shard;

import io.snapdelta.codec.CodecDecision;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.DeltaBatch;
import io.snapdelta.format.DeltaBatchWriter;
import java.util.List;
import java.util.Set;

/**
 * Encodes, compresses and seals the batches of one shard stream: each {@link ShardBatch} is sealed with
 * its coalesced body and with its stream-ordered body, from the same stream state (schemas defined so far),
 * and the smaller is shipped. Both decode to the same state (issue 4: on transactional captures the
 * stream-ordered body can compress smaller, because repeated deltas sit next to each other). Ties go to the
 * coalesced body. Deterministic for a fixed codec; with the adaptive selector the codec, and so the bytes,
 * depend on measured CPU time.
 */
public final class ShardBatchEncoder implements AutoCloseable {
    /** Which body a shipped batch carries. */
    public enum Body { COALESCED, STREAM_ORDERED }

    /** A sealed batch and what it is. */
    public record Encoded(int shard, long sequence, byte[] bytes, Body body, int ops, long sourceChanges,
                          CodecDecision codec, int alternativeBytes) {
    }

    private final DeltaBatchWriter writer;

    public ShardBatchEncoder(DeltaBatchWriter writer) {
        this.writer = writer;
    }

    public Encoded encode(ShardBatch b) {
        Set<Long> start = writer.emittedSchemaIds();
        byte[] coalesced = seal(b, b.coalescedOps());
        CodecDecision coalescedCodec = writer.selector().lastDecision();
        if (b.bodiesEqual()) {
            return new Encoded(b.shard(), b.sequence(), coalesced, Body.COALESCED, b.coalescedOps().size(),
                    b.sourceChanges(), coalescedCodec, coalesced.length);
        }
        Set<Long> afterCoalesced = writer.emittedSchemaIds();
        writer.restoreEmittedSchemaIds(start);
        byte[] stream = seal(b, b.streamOrderedOps());
        if (stream.length < coalesced.length) {
            return new Encoded(b.shard(), b.sequence(), stream, Body.STREAM_ORDERED, b.streamOrderedOps().size(),
                    b.sourceChanges(), writer.selector().lastDecision(), coalesced.length);
        }
        writer.restoreEmittedSchemaIds(afterCoalesced);
        return new Encoded(b.shard(), b.sequence(), coalesced, Body.COALESCED, b.coalescedOps().size(),
                b.sourceChanges(), coalescedCodec, stream.length);
    }

    private byte[] seal(ShardBatch b, List<DeltaOp> ops) {
        return writer.write(new DeltaBatch(b.shard(), b.sequence(), b.firstVersion(), b.lastVersion(), ops,
                b.digestBefore().toBytes(), b.digestAfter().toBytes()));
    }

    public Set<Long> emittedSchemaIds() {
        return writer.emittedSchemaIds();
    }

    public void restoreEmittedSchemaIds(Set<Long> ids) {
        writer.restoreEmittedSchemaIds(ids);
    }

    public DeltaBatchWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        writer.close();
    }
}
