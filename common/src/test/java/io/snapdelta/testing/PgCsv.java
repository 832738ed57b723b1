package io.snapdelta.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads PostgreSQL CSV ({@code FORMAT csv}): an unquoted empty field is NULL ({@code null}), a quoted one
 * is the empty string; quoted fields may hold commas, doubled quotes and line breaks.
 */
public final class PgCsv {
    private PgCsv() {
    }

    public static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        int n = text.length();
        if (n == 0) {
            return records;
        }
        while (i < n) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                record.add(field.length() == 0 && !wasQuoted ? null : field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                record.add(field.length() == 0 && !wasQuoted ? null : field.toString());
                field.setLength(0);
                wasQuoted = false;
                records.add(record);
                record = new ArrayList<>();
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                field.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field at the end of the CSV text");
        }
        if (field.length() > 0 || wasQuoted || !record.isEmpty()) {
            record.add(field.length() == 0 && !wasQuoted ? null : field.toString());
            records.add(record);
        }
        return records;
    }
}
