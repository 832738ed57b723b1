package io.snapdelta.replica;

import java.util.Objects;

/**
 * A shard's final state as the producer (the job) reports it: its state digest (hex, as
 * {@code StateDigest.toHex()}) and the sequence of its last batch (-1 if it sealed none).
 */
public record ShardFinal(int shard, long lastSequence, String digest) {
    public ShardFinal {
        Objects.requireNonNull(digest, "digest");
    }
}
