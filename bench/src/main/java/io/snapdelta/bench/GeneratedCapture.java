package io.snapdelta.bench;

import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bench job --generate-pgbench ACCOUNTS:TRANSACTIONS}: a pgbench-shaped Debezium JSON capture of any
 * length ({@link PgbenchDebeziumWorkload}, seed 1: the same file every time), written to a temporary
 * {@code .jsonl} that the bench then reads like {@code --input}. For runs long enough that the JIT's warm-up
 * no longer dominates the CPU time (README, "bench job").
 */
final class GeneratedCapture {
    private GeneratedCapture() {
    }

    /** A parsed {@code ACCOUNTS:TRANSACTIONS} spec. */
    record Spec(int accounts, int transactions) {
        static Spec parse(String text) {
            String[] parts = text.trim().split(":", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("expected ACCOUNTS:TRANSACTIONS (e.g. 100000:500000), got '" + text + "'");
            }
            int accounts;
            int transactions;
            try {
                accounts = Integer.parseInt(parts[0].trim());
                transactions = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ACCOUNTS and TRANSACTIONS must be integers, got '" + text + "'");
            }
            if (accounts < 1 || transactions < 0) {
                throw new IllegalArgumentException("need ACCOUNTS >= 1 and TRANSACTIONS >= 0, got '" + text + "'");
            }
            return new Spec(accounts, transactions);
        }

        long events() {
            return accounts + 1L + Math.max(1, accounts / 100) + 4L * transactions;
        }
    }

    /** Writes the capture (one Debezium JSON record per line) to a new file in {@code dir}. */
    static Path write(Spec spec, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "snapdelta-bench-pgbench-" + spec.accounts() + "-" + spec.transactions() + "-", ".jsonl");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (byte[] line : new PgbenchDebeziumWorkload(spec.accounts(), spec.transactions(), 1).lines()) {
                out.write(line);
                out.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }
}
