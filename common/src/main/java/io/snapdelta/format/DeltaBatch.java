package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.Version;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The logical content of one batch, what a {@link DeltaBatchWriter} seals: which shard and sequence, the
 * source versions covered, the ordered net changes, and the shard's state digest before and after them
 * ({@link BatchLayout#DIGEST_LENGTH} bytes each, opaque to the format).
 */
public record DeltaBatch(int shard, long sequence, Version firstVersion, Version lastVersion, List<DeltaOp> ops,
                         byte[] digestBefore, byte[] digestAfter) {
    public DeltaBatch {
        Objects.requireNonNull(firstVersion, "firstVersion");
        Objects.requireNonNull(lastVersion, "lastVersion");
        ops = List.copyOf(ops);
        if (sequence < 0) {
            throw new IllegalArgumentException("batch sequence must not be negative: " + sequence);
        }
        if (firstVersion.compareTo(lastVersion) > 0) {
            throw new IllegalArgumentException("first version " + firstVersion + " is after last version " + lastVersion);
        }
        checkDigest("digestBefore", digestBefore);
        checkDigest("digestAfter", digestAfter);
        digestBefore = digestBefore.clone();
        digestAfter = digestAfter.clone();
    }

    private static void checkDigest(String name, byte[] d) {
        if (d == null || d.length != BatchLayout.DIGEST_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + BatchLayout.DIGEST_LENGTH + " bytes, got "
                    + (d == null ? "null" : d.length + " bytes"));
        }
    }

    @Override
    public byte[] digestBefore() {
        return digestBefore.clone();
    }

    @Override
    public byte[] digestAfter() {
        return digestAfter.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeltaBatch b && b.shard == shard && b.sequence == sequence
                && b.firstVersion.equals(firstVersion) && b.lastVersion.equals(lastVersion) && b.ops.equals(ops)
                && Arrays.equals(b.digestBefore, digestBefore) && Arrays.equals(b.digestAfter, digestAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shard, sequence, ops);
    }
}
