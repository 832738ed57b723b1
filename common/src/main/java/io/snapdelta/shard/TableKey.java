package io.snapdelta.shard;

import io.snapdelta.model.Row;
import io.snapdelta.model.RowOrder;
import io.snapdelta.model.TableId;
import java.util.Comparator;
import java.util.Objects;

/**
 * A key of a shard's state: the table and the key row. Immutable; its hash is computed once, because
 * every state lookup hashes and compares one (a record recomputes its hash on each call).
 */
public final class TableKey implements Comparable<TableKey> {
    /** Table first, then key in {@link RowOrder}: the order in which a sealed batch lists its ops. */
    public static final Comparator<TableKey> ORDER = TableKey::compareKeys;

    private final TableId table;
    private final Row key;
    private final int hash;

    public TableKey(TableId table, Row key) {
        this.table = Objects.requireNonNull(table, "table");
        this.key = Objects.requireNonNull(key, "key");
        this.hash = hashOf(table, key);
    }

    /** The hash a {@code TableKey} of these would have, without making one (stores probe by it). */
    public static int hashOf(TableId table, Row key) {
        return 31 * table.hashCode() + key.hashCode();
    }

    /** {@link #hashOf(TableId, Row)} given the table's {@code hashCode} (callers hashing many keys of one table). */
    static int hashOf(int tableHash, Row key) {
        return 31 * tableHash + key.hashCode();
    }

    public TableId table() {
        return table;
    }

    public Row key() {
        return key;
    }

    private static int compareKeys(TableKey a, TableKey b) {
        if (a == b) {
            return 0;
        }
        int c = a.table.compareTo(b.table);
        if (c != 0) {
            return c;
        }
        Row x = a.key;
        Row y = b.key;
        if (x.size() == 1 && y.size() == 1 && x.get(0) instanceof Long l && y.get(0) instanceof Long m) {
            return Long.compare(l, m); // the common single integer key, as RowOrder orders it
        }
        return RowOrder.INSTANCE.compare(x, y);
    }

    @Override
    public int compareTo(TableKey o) {
        return compareKeys(this, o);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof TableKey k && hash == k.hash && table.equals(k.table) && key.equals(k.key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "TableKey[table=" + table + ", key=" + key + "]";
    }
}
