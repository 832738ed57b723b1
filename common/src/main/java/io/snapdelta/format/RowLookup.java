package io.snapdelta.format;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;

/**
 * The receiver's current rows, as a {@link DeltaBatchReader} needs them: updates carry only changed
 * fields (and may code integers against the old value), deletes carry only the key, so the reader asks
 * for the row the receiver holds to rebuild {@code before} and the full {@code after}. The reader itself
 * accounts for earlier ops of the same batch; it only asks for rows as they were before the batch.
 */
@FunctionalInterface
public interface RowLookup {
    /** The full row held for {@code key} in {@code table}, or {@code null} if none. */
    Row get(TableId table, Row key);

    /** A receiver that holds nothing (a batch of inserts into an empty state decodes against it). */
    RowLookup EMPTY = (table, key) -> null;
}
