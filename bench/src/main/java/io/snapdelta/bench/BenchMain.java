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
        int code;
        try {
            code = execute(args);
        } catch (OutOfMemoryError e) {
            // bench parse and bench job keep at most an eighth of the heap of the capture's lines (a parse rate
            // over a file would time the disk and the decompressor; bench job maps the rest off the heap); bench
            // bandwidth holds the shard states. Say so, instead of a stack trace.
            System.err.printf("snapdelta bench: the JVM ran out of heap (%s, at most %,d MB): %s%n"
                            + "bench bandwidth holds the shard states, bench parse and bench job a sample of the input's lines; "
                            + "give the JVM more with JAVA_OPTS, e.g. JAVA_OPTS=-Xmx16g bin/snapdelta bench ...%n",
                    e.getMessage(), Runtime.getRuntime().maxMemory() >> 20, String.join(" ", args));
            code = 1;
        }
        System.exit(code);
    }
}
