package io.snapdelta.format;

import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every table schema version a reader (or writer) has seen, by schema id and by (table, row schema, key
 * schema). Readers learn definitions from the schema-definition section of batches and from snapshots
 * ({@link #register}); a writer uses it to map the {@link RowSchema} of a row to its schema id. Ids are
 * content-derived, so registries on different machines agree without talking to each other.
 * Thread-safe.
 */
public final class TableSchemaRegistry {
    private record Key(TableId table, RowSchema row, RowSchema key) {
    }

    private final Map<Long, TableSchema> byId = new ConcurrentHashMap<>();
    private final Map<Key, TableSchema> byShape = new ConcurrentHashMap<>();

    /** Adds a schema; an id already held must have identical canonical bytes (else a hash collision). */
    public TableSchema register(TableSchema schema) {
        TableSchema existing = byId.putIfAbsent(schema.id(), schema);
        if (existing != null && !existing.equals(schema)) {
            throw new IllegalStateException("schema id collision: " + existing + " vs " + schema);
        }
        TableSchema held = existing != null ? existing : schema;
        byShape.putIfAbsent(new Key(held.table(), held.rowSchema(), held.keySchema()), held);
        return held;
    }

    public TableSchema byId(long id) {
        return byId.get(id);
    }

    /** The schema of this (table, row schema, key schema), created and registered on first use. */
    public TableSchema forRows(TableId table, RowSchema rowSchema, RowSchema keySchema) {
        TableSchema s = byShape.get(new Key(table, rowSchema, keySchema));
        return s != null ? s : register(TableSchema.of(table, rowSchema, keySchema));
    }

    /** All schemas held, ordered by id (deterministic, for persisting the registry beside a snapshot). */
    public List<TableSchema> all() {
        List<TableSchema> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparingLong(TableSchema::id));
        return list;
    }
}
