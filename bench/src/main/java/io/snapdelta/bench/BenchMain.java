package io.snapdelta.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code snapdelta bench <subcommand>}: measurements that back the numbers in the docs. Exit codes: 0 ok,
 * 1 failure, 2 usage error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: each prints a human table and, with --json, writes its numbers as JSON.",
        subcommands = {ParseBenchCommand.class, BandwidthBenchCommand.class, JobBenchCommand.class, GenerateCommand.class,
                CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand (one of: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /** Runs the command line and returns the exit code (for tests and for {@link #main}). */
    public static int execute(String... args) {
        return new CommandLine(new BenchMain()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
