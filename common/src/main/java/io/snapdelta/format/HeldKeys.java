package io.snapdelta.format;

import io.snapdelta.model.TableId;

/**
 * The keys a receiver holds, per table, as they were before the batch being written or read: what format
 * v3's rank-coded keys (spec v3 §3) are ranks into. A writer given none codes every key as a value.
 */
@FunctionalInterface
public interface HeldKeys {
    /** The keys of {@code table} held before the batch, or null when this side does not index them. */
    HeldKeyIndex heldKeys(TableId table);

    /** No index: a writer codes keys as values; a reader rejects a batch that codes keys by rank. */
    HeldKeys NONE = table -> null;
}
