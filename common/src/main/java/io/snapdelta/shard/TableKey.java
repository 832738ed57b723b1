package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowOrder;
import io.snapdelta.model.TableId;
import java.util.Comparator;
import java.util.Objects;

/** A key of a shard's state: the table and the key row. */
public record TableKey(TableId table, Row key) implements Comparable<TableKey> {
    /** Table first, then key in {@link RowOrder}: the order in which a sealed batch lists its ops. */
    public static final Comparator<TableKey> ORDER = Comparator.comparing(TableKey::table)
            .thenComparing(TableKey::key, RowOrder.INSTANCE);

    public TableKey {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public int compareTo(TableKey o) {
        return ORDER.compare(this, o);
    }
}
