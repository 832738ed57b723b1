package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import java.util.List;

/**
 * A decoded batch's ops together with what the reader learned while decoding them: for each update or
 * delete that is the batch's first op on its key, the handle {@link RowLookup#locate} returned for that key
 * before the batch. A receiver that is {@link #lookup()} may apply such an op through the handle instead of
 * finding the row again; it must still check that the handle is live and holds the op's key, since the
 * receiver may have changed between decoding and applying.
 */
public interface LocatedOps extends List<DeltaOp> {
    /** The receiver the ops were decoded against. */
    RowLookup lookup();

    /** The receiver's handle of op {@code index}'s held row as it was before the batch, or null. */
    Object handle(int index);
}
