package io.snapdelta.testing;

import io.snapdelta.config.Configuration;
import io.snapdelta.ingest.ParserLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A malformed-input corpus on the test classpath ({@code malformed/<format>/}): {@code records.*} with one
 * record per line, {@code manifest.tsv} saying per line what a parser must do, {@code limits.txt} with the
 * parser limits the expectations assume. Exported in the common test-jar so the job's and the local
 * runner's tests can push the same records through Kafka and check the dead-letter topic.
 */
public final class MalformedCorpus {
    /** One corpus record: 1-based line, readable name, bytes, and OK / TOMBSTONE / an error class, with the field path. */
    public record Entry(int line, String name, byte[] bytes, String expected, String fieldPath) {
        public boolean isGood() {
            return expected.equals("OK") || expected.equals("TOMBSTONE");
        }

        @Override
        public String toString() {
            return "line " + line + ": " + name + " -> " + expected + (fieldPath.isEmpty() ? "" : " at " + fieldPath);
        }
    }

    private MalformedCorpus() {
    }

    /** The Debezium JSON corpus ({@code malformed/debezium/records.jsonl}). */
    public static List<Entry> debezium() {
        return load("malformed/debezium/", "records.jsonl");
    }

    public static ParserLimits debeziumLimits() {
        return limits("malformed/debezium/limits.txt");
    }

    /** The snapdelta JSON corpus ({@code malformed/snapdelta-json/records.jsonl}). */
    public static List<Entry> snapdeltaJson() {
        return load("malformed/snapdelta-json/", "records.jsonl");
    }

    /** The snapdelta Avro corpus ({@code malformed/snapdelta-avro/records.hex}: one hex-encoded record per line). */
    public static List<Entry> snapdeltaAvro() {
        return load("malformed/snapdelta-avro/", "records.hex");
    }

    /** The limits a corpus's expectations assume ({@code malformed/<format>/limits.txt}). */
    public static ParserLimits limitsOf(String format) {
        return limits("malformed/" + format + "/limits.txt");
    }

    /** Loads {@code dir + recordsFile} (lines split at \n; CR kept) and {@code dir + manifest.tsv}. */
    public static List<Entry> load(String dir, String recordsFile) {
        byte[] all = resource(dir + recordsFile);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start != all.length) {
            throw new AssertionError(dir + recordsFile + " must end with a newline");
        }
        List<Entry> entries = new ArrayList<>();
        for (String row : new String(resource(dir + "manifest.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (row.isBlank() || row.startsWith("#")) {
                continue;
            }
            String[] cols = row.split("\t", -1);
            int line = Integer.parseInt(cols[0]);
            byte[] bytes = lines.get(line - 1);
            if (recordsFile.endsWith(".hex")) {
                bytes = java.util.HexFormat.of().parseHex(new String(bytes, StandardCharsets.US_ASCII));
            }
            entries.add(new Entry(line, cols[1], bytes, cols[2], cols.length > 3 ? cols[3] : ""));
        }
        if (entries.size() != lines.size()) {
            throw new AssertionError(dir + "manifest.tsv describes " + entries.size() + " records but " + recordsFile + " has " + lines.size());
        }
        return entries;
    }

    public static ParserLimits limits(String resource) {
        Map<String, String> values = new HashMap<>();
        for (String row : new String(resource(resource), StandardCharsets.UTF_8).split("\n")) {
            if (!row.isBlank()) {
                String[] kv = row.split("=", 2);
                values.put(kv[0].trim(), kv[1].trim());
            }
        }
        return ParserLimits.from(Configuration.fromMap(values));
    }

    private static byte[] resource(String name) {
        try (InputStream in = MalformedCorpus.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
