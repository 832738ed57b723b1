package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A decoded batch's ops: an unmodifiable view of the array the decoder filled and then let go of, so that
 * {@link SealedBatch} can keep it without the defensive copy it makes of lists from anywhere else.
 */
final class DecodedOps extends AbstractList<DeltaOp> implements RandomAccess {
    private final DeltaOp[] ops;

    /** @param ops non-null ops that no one writes to after this call */
    DecodedOps(DeltaOp[] ops) {
        this.ops = ops;
    }

    @Override
    public DeltaOp get(int index) {
        return ops[index];
    }

    @Override
    public int size() {
        return ops.length;
    }
}
