package io.snapdelta.replica;

import io.snapdelta.export.PostgresCsvWriter;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import io.snapdelta.shard.ReplicaShardState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes replayed shard states as one {@code <table>.csv} per table, the way PostgreSQL's
 * {@code COPY (SELECT * FROM t ORDER BY <key>) TO ... WITH (FORMAT csv, HEADER true)} writes it
 * ({@link PostgresCsvWriter}): header, rows in key order, NULL as an empty unquoted field, values as
 * received. Columns are the source's field order; should a table hold rows of several schema versions,
 * the header is the union of their fields in order of first appearance (rows in key order) and a row
 * lacking a column writes NULL there. The file is named after the table; tables of the same name in
 * different namespaces are written as {@code <namespace>.<table>.csv}.
 */
public final class StateExporter {
    private static final Logger LOG = LoggerFactory.getLogger(StateExporter.class);

    private StateExporter() {
    }

    /** Writes every table held by {@code states} into {@code dir} (created). Returns the files by table. */
    public static Map<TableId, Path> export(Collection<ReplicaShardState> states, Path dir) throws IOException {
        Map<TableId, Map<Row, Row>> tables = new TreeMap<>();
        for (ReplicaShardState state : states) {
            state.forEach((tk, row) -> {
                Row previous = tables.computeIfAbsent(tk.table(), t -> new HashMap<>()).put(tk.key(), row);
                if (previous != null) {
                    throw new IllegalStateException("table " + tk.table() + " key " + tk.key()
                            + " is held by two shards; a key belongs to exactly one shard");
                }
            });
        }
        Files.createDirectories(dir);
        Map<String, Integer> nameCounts = new HashMap<>();
        tables.keySet().forEach(t -> nameCounts.merge(t.name(), 1, Integer::sum));
        Map<TableId, Path> files = new LinkedHashMap<>();
        for (Map.Entry<TableId, Map<Row, Row>> e : tables.entrySet()) {
            TableId table = e.getKey();
            String name = nameCounts.get(table.name()) > 1 ? table.toString() : table.name();
            Path file = dir.resolve(name + ".csv");
            List<Map.Entry<Row, Row>> rows = new ArrayList<>(e.getValue().entrySet());
            rows.sort(Map.Entry.comparingByKey(PostgresCsvWriter.KEY_ORDER));
            List<Row> ordered = new ArrayList<>(rows.size());
            rows.forEach(r -> ordered.add(r.getValue()));
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                PostgresCsvWriter.writeOrdered(out, columns(ordered), ordered);
            }
            files.put(table, file);
            LOG.info("Exported {} rows of {} to {}", ordered.size(), table, file);
        }
        return files;
    }

    /** The union of the rows' field names, in order of first appearance. */
    static List<String> columns(List<Row> rows) {
        Set<String> names = new LinkedHashSet<>();
        Object lastSchema = null;
        for (Row r : rows) {
            if (r.schema() != lastSchema) {
                names.addAll(r.schema().names());
                lastSchema = r.schema();
            }
        }
        return new ArrayList<>(names);
    }
}
