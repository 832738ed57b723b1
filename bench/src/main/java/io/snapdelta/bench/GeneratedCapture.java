package io.snapdelta.bench;

import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bench job --generate-pgbench ACCOUNTS:TRANSACTIONS[:SKEW[:DELETES]]}: a pgbench-shaped Debezium JSON capture of any
 * length ({@link PgbenchDebeziumWorkload}, seed 1: the same file every time), written to a temporary
 * {@code .jsonl} that the bench then reads like {@code --input}. For runs long enough that the JIT's warm-up
 * no longer dominates the CPU time (README, "bench job").
 */
final class GeneratedCapture {
    private GeneratedCapture() {
    }

    /**
     * A parsed {@code ACCOUNTS:TRANSACTIONS[:SKEW[:DELETES]]} spec (SKEW: Zipf exponent of the accounts updated, 0 =
     * uniform; DELETES: share of transactions followed by one deleting an earlier history row, 0 = none).
     */
    record Spec(int accounts, int transactions, double skew, double deletes) {
        static final String FORMAT = "ACCOUNTS:TRANSACTIONS[:SKEW[:DELETES]]";

        Spec(int accounts, int transactions) {
            this(accounts, transactions, 0, 0);
        }

        static Spec parse(String text) {
            String[] parts = text.trim().split(":", -1);
            if (parts.length < 2 || parts.length > 4) {
                throw new IllegalArgumentException("expected " + FORMAT + " (e.g. 100000:500000, 100000:500000:1.1 or "
                        + "100000:500000:1.1:0.2), got '" + text + "'");
            }
            int accounts;
            int transactions;
            double skew = 0;
            double deletes = 0;
            try {
                accounts = Integer.parseInt(parts[0].trim());
                transactions = Integer.parseInt(parts[1].trim());
                if (parts.length >= 3) {
                    skew = Double.parseDouble(parts[2].trim());
                }
                if (parts.length == 4) {
                    deletes = Double.parseDouble(parts[3].trim());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ACCOUNTS and TRANSACTIONS must be integers, SKEW and DELETES numbers, got '" + text + "'");
            }
            if (accounts < 1 || transactions < 0 || !(skew >= 0) || Double.isInfinite(skew) || !(deletes >= 0 && deletes <= 1)) {
                throw new IllegalArgumentException("need ACCOUNTS >= 1, TRANSACTIONS >= 0, a finite SKEW >= 0 and DELETES between 0 "
                        + "and 1, got '" + text + "'");
            }
            return new Spec(accounts, transactions, skew, deletes);
        }

        PgbenchDebeziumWorkload workload() {
            return new PgbenchDebeziumWorkload(accounts, transactions, 1, skew, deletes);
        }

        /** Lines of the capture, tombstones included. */
        long events() {
            return workload().eventCount();
        }
    }

    /** Writes the capture (one Debezium JSON record per line) to a new file in {@code dir}. */
    static Path write(Spec spec, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "snapdelta-bench-pgbench-" + spec.accounts() + "-" + spec.transactions() + "-", ".jsonl");
        writeTo(spec, file);
        return file;
    }

    /** Writes the capture to {@code file}: zstd-compressed if its name ends in {@code .zst}, else plain lines. */
    static void writeTo(Spec spec, Path file) throws IOException {
        // Streamed line by line: a capture may be far larger than the heap.
        try (OutputStream out = open(file)) {
            spec.workload().forEachLine(line -> {
                try {
                    out.write(line);
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            Files.deleteIfExists(file);
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static OutputStream open(Path file) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        if (!file.getFileName().toString().endsWith(".zst")) {
            return raw;
        }
        try {
            return new BufferedOutputStream(new com.github.luben.zstd.ZstdOutputStream(raw, 3), 1 << 20);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
