package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.Version;
import java.util.Objects;

/**
 * What a shard's state holds for one (table, key): the version of the last applied change and the row,
 * or a tombstone ({@code row == null}) remembering the version of a delete until
 * {@code deletedAtMicros} + retention.
 *
 * @param version version of the last change applied to this key
 * @param row the current full row, or {@code null} for a tombstone
 * @param deletedAtMicros source timestamp of the delete (tombstones only; 0 for live rows)
 */
public record StoredEntry(Version version, Row row, long deletedAtMicros) {
    public StoredEntry {
        Objects.requireNonNull(version, "version");
    }

    public static StoredEntry live(Version version, Row row) {
        return new StoredEntry(version, Objects.requireNonNull(row, "row"), 0L);
    }

    public static StoredEntry tombstone(Version version, long deletedAtMicros) {
        return new StoredEntry(version, null, deletedAtMicros);
    }

    public boolean isTombstone() {
        return row == null;
    }
}
