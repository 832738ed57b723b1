package io.snapdelta.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of pgbench-small: each table as PostgreSQL dumped it with
 * {@code COPY (SELECT * FROM t ORDER BY <pk>) TO ... WITH (FORMAT csv, HEADER true)}.
 */
public final class GroundTruth {
    /** The four tables, in the order the data README lists them. */
    public static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history");

    /** Primary key column of each table. */
    public static final Map<String, String> KEYS = Map.of("pgbench_accounts", "aid", "pgbench_branches", "bid",
            "pgbench_tellers", "tid", "pgbench_history", "hid");

    private GroundTruth() {
    }

    /** One dumped table: the exact text and the parsed fields (null for SQL NULL). */
    public record Table(String name, String text, List<String> header, List<List<String>> rows) {
    }

    public static Path csvPath(String table) {
        return SharedData.require(SharedData.pgbenchSmall().resolve(table + ".csv.zst"));
    }

    public static Table load(String table) {
        String text = SharedData.text(csvPath(table));
        List<List<String>> records = PgCsv.parse(text);
        if (records.isEmpty()) {
            throw new AssertionError("ground truth " + csvPath(table) + " has no header");
        }
        return new Table(table, text, records.get(0), new ArrayList<>(records.subList(1, records.size())));
    }

    /** All four tables by name. */
    public static Map<String, Table> loadAll() {
        Map<String, Table> all = new LinkedHashMap<>();
        for (String t : TABLES) {
            all.put(t, load(t));
        }
        return all;
    }
}
