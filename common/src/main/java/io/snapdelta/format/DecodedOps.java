package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A decoded batch's ops: an unmodifiable view of the array the decoder filled and then let go of, so that
 * {@link SealedBatch} can keep it without the defensive copy it makes of lists from anywhere else, with the
 * receiver's handles the decoder found ({@link LocatedOps}).
 */
final class DecodedOps extends AbstractList<DeltaOp> implements RandomAccess, LocatedOps {
    private final DeltaOp[] ops;
    private final Object[] handles;
    private final RowLookup lookup;

    /**
     * @param ops non-null ops that no one writes to after this call
     * @param handles per op (same length), {@code lookup}'s handle of its held row before the batch or null; null when no op has one
     */
    DecodedOps(DeltaOp[] ops, Object[] handles, RowLookup lookup) {
        this.ops = ops;
        this.handles = handles;
        this.lookup = lookup;
    }

    @Override
    public RowLookup lookup() {
        return lookup;
    }

    @Override
    public Object handle(int index) {
        return handles == null ? null : handles[index];
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
