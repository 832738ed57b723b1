package io.snapdelta.replica;

/** What can be wrong with one shard's committed delta stream, as a verifier reports it. */
public enum ProblemKind {
    /** A batch whose sequence is above the next expected one: batches are missing. The shard stops. */
    GAP,
    /** A batch that fails its checksum or a rule of the format (including an undecodable body). */
    CORRUPT,
    /** The batch's digest before differs from the replica's, or the replica's digest after applying differs. The shard stops. */
    DIGEST_MISMATCH,
    /** An op that does not fit the replica's rows (insert of a held key, update/delete of another row). The shard stops. */
    DIVERGENCE,
    /** A record whose key, partition and batch header disagree about the shard (contract: {@code deltas-topic-v1.md}). */
    MISROUTED,
    /** A batch repeating an applied sequence with different bytes (the producer wrote two versions of one batch). */
    CONFLICTING_DUPLICATE
}
