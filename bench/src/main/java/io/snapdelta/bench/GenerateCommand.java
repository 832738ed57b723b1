package io.snapdelta.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench generate}: writes a generated pgbench-shaped Debezium JSON capture to a file, for any bench
 * (or {@code bin/snapdelta local --input}) to read: larger than the shared capture, and optionally skewed.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes a generated pgbench-shaped Debezium JSON capture (PostgreSQL connector, no schema wrapping): "
                + "a snapshot of ACCOUNTS accounts, one branch and ACCOUNTS/100 tellers, then TRANSACTIONS pgbench transactions "
                + "of 4 changes each; the same file for the same spec (seed 1).",
            "SKEW draws each transaction's account from a Zipf distribution with that exponent, account 1 the hottest "
                + "(pgbench's random_zipfian); 0 or absent: uniform, as pgbench's default script.",
            "DELETES: the share of transactions followed by a transaction that deletes an earlier history row (half of them "
                + "one of the 64 newest), captured as Debezium does with REPLICA IDENTITY FULL: a d event with the whole "
                + "row as before, then a tombstone line (value null); 0 or absent: no deletes."})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pgbench", required = true, paramLabel = GeneratedCapture.Spec.FORMAT,
            description = "What to generate, e.g. 100000:500000, 100000:500000:1.1 or 100000:500000:1.1:0.2.")
    String pgbench;

    @Option(names = "--output", required = true, paramLabel = "FILE",
            description = "Where to write it: .jsonl, or .jsonl.zst for zstd-compressed lines.")
    Path output;

    @Override
    public Integer call() throws Exception {
        GeneratedCapture.Spec s;
        try {
            s = GeneratedCapture.Spec.parse(pgbench);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pgbench: " + e.getMessage());
        }
        String name = output.getFileName().toString();
        if (!name.endsWith(".jsonl") && !name.endsWith(".jsonl.zst")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--output must end in .jsonl or .jsonl.zst, got " + output);
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        GeneratedCapture.writeTo(s, output);
        spec.commandLine().getOut().printf(java.util.Locale.ROOT, "wrote %,d lines (%,d bytes) to %s%n", s.events(), Files.size(output), output);
        return 0;
    }
}
