package io.snapdelta.replica;

/**
 * One committed record of the deltas topic: where it was read, its key (the shard id, 4 bytes unsigned
 * big-endian) and its value (one sealed batch).
 */
public record DeltaRecord(int partition, long offset, byte[] key, byte[] value) {
}
