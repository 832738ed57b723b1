package io.snapdelta.format;

import io.snapdelta.model.TableId;

/**
 * Names the column a {@link ColumnWriter} is writing, for its error messages ("table T key K", "table T field F",
 * "table T updated field F"). One instance per encoder is pointed at each column in turn, and the text is built
 * only by {@link #toString()}, i.e. when an error is raised: building it for every column of every section was
 * ~5% of the encode CPU (string concatenation per column per sealed body).
 */
final class ColumnContext {
    private TableId table;
    private String role;
    private String column;

    /** Points this context at {@code role column} of {@code table}; returns this. */
    ColumnContext at(TableId table, String role, String column) {
        this.table = table;
        this.role = role;
        this.column = column;
        return this;
    }

    @Override
    public String toString() {
        return "table " + table + " " + role + " " + column;
    }
}
