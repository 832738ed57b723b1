package io.snapdelta.job;

/**
 * One sealed delta batch on its way to the deltas topic. A Flink POJO (public fields, no-arg constructor)
 * so Flink serializes it without Kryo.
 */
public final class DeltaRecord {
    public int shard;
    public long sequence;
    /** The sealed batch, exactly as schemas/delta-batch-v1.md specifies. */
    public byte[] bytes;

    public DeltaRecord() {
    }

    public DeltaRecord(int shard, long sequence, byte[] bytes) {
        this.shard = shard;
        this.sequence = sequence;
        this.bytes = bytes;
    }

    @Override
    public String toString() {
        return "shard " + shard + " batch " + sequence + " (" + bytes.length + " bytes)";
    }
}
