package io.snapdelta.replica.cli;

import io.snapdelta.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/snapdelta replica <subcommand>}: the replica side of snapdelta, without Flink. Exit codes: 0 ok,
 * 1 failure (including a stream that does not verify), 2 usage or configuration error.
 */
@Command(name = "snapdelta replica", mixinStandardHelpOptions = true,
        description = "Replica tools: follow a deltas topic without Flink and prove the state it builds.",
        subcommands = {VerifyCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure (a stream that does not verify), 2 usage."})
public final class ReplicaMain implements Runnable {
    /** The CLI's log configuration; a library user's own configuration is never replaced by it. */
    static final String LOG_CONFIG = "snapdelta-replica-log4j2.properties";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Set before any logger exists (no static Logger here): our lines at INFO, the Kafka client's at WARN.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:" + LOG_CONFIG);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new ReplicaMain());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof CommandLine.ParameterException) {
                commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
                commandLine.getErr().println("Try 'bin/snapdelta replica " + commandLine.getCommandName() + " --help'.");
                return 2;
            }
            LoggerFactory.getLogger(ReplicaMain.class).error("snapdelta replica failed", e);
            commandLine.getErr().println("snapdelta replica failed: " + e);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed (verify)");
    }
}
