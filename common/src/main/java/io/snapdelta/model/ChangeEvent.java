package io.snapdelta.model;

import java.util.Objects;

/**
 * One change to one keyed row, whatever format it arrived in.
 *
 * @param table the table changed
 * @param key the primary key, as ordered typed fields
 * @param op what happened
 * @param version per-source version, totally ordered in commit order (see {@link Version})
 * @param before the row before the change where the source has it (updates and deletes with full
 *     replica identity), else {@code null}
 * @param after the row after the change; {@code null} exactly for {@link ChangeOp#DELETE}
 * @param sourceTimestampMicros when the source committed the change, microseconds since the epoch (UTC)
 */
public record ChangeEvent(TableId table, Row key, ChangeOp op, Version version, Row before, Row after,
                          long sourceTimestampMicros) {
    public ChangeEvent {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(version, "version");
        if (op.hasAfter() && after == null) {
            throw new IllegalArgumentException("a " + op + " event must carry the row after the change");
        }
        if (!op.hasAfter() && after != null) {
            throw new IllegalArgumentException("a DELETE event must not carry a row after the change");
        }
    }
}
