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
 * @param entryHash the row's state-digest entry hash lanes ({@link io.snapdelta.digest.RowHasher#hashEntry}),
 *     cached so that replacing or deleting the row does not hash it again; {@code null} for tombstones or
 *     when the store does not keep it (then it is recomputed). Never mutated.
 */
public record StoredEntry(Version version, Row row, long deletedAtMicros, long[] entryHash) {
    public StoredEntry {
        Objects.requireNonNull(version, "version");
    }

    public static StoredEntry live(Version version, Row row) {
        return new StoredEntry(version, Objects.requireNonNull(row, "row"), 0L, null);
    }

    public static StoredEntry live(Version version, Row row, long[] entryHash) {
        return new StoredEntry(version, Objects.requireNonNull(row, "row"), 0L, entryHash);
    }

    public static StoredEntry tombstone(Version version, long deletedAtMicros) {
        return new StoredEntry(version, null, deletedAtMicros, null);
    }

    public boolean isTombstone() {
        return row == null;
    }
}
