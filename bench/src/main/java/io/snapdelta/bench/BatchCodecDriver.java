package io.snapdelta.bench;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.format.RowLookup;
import io.snapdelta.shard.ShardBatch;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's view of the delta batch format: encode + compress + seal one shard batch with a given
 * body, and decode a sealed batch against the receiver's state. One driver per (run, codec setting) holds
 * both sides and whatever the format keeps across batches (schemas sent, dictionaries, selector history);
 * the sending and receiving sides share nothing but the published dictionaries.
 */
interface BatchCodecDriver extends AutoCloseable {
    /** A sealed batch's bytes and where they went (section name -> bytes; sums to the length). */
    record Encoded(byte[] bytes, Map<String, Long> sections, String codec) {
    }

    /** What the receiver learns from a sealed batch. */
    record Decoded(int shard, long sequence, List<DeltaOp> ops, StateDigest digestBefore, StateDigest digestAfter) {
    }

    Encoded encode(ShardBatch batch, List<DeltaOp> body);

    /**
     * The sending side's per-stream state that an encode changes (e.g. which schemas the stream has
     * defined), so that alternative bodies of one batch can each be encoded from the same starting point
     * and the state of the one shipped kept.
     */
    Object streamState(int shard);

    void restoreStreamState(int shard, Object state);

    /** Decodes a batch of {@code shard}; {@code held} answers what the receiver holds before the batch. */
    Decoded decode(int shard, byte[] sealed, RowLookup held);

    /** Bytes a replica fetches outside the batches (e.g. dictionaries), to amortise over the run. */
    long outOfBandBytes();

    @Override
    void close();
}
