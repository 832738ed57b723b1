package io.snapdelta.localstack;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded stack on its own until the JVM is stopped (Ctrl-C / SIGTERM), for pointing tools or
 * a job at it by hand:
 *
 * <pre>{@code java -cp <classpath> io.snapdelta.localstack.LocalStackMain [--dir DIR] [--slots N] [--managed-memory SIZE]}</pre>
 *
 * <p>When everything is up it writes {@code connection.properties} (Kafka bootstrap servers, S3 endpoint,
 * access key, secret key, Flink REST address) into the stack's work directory, readable by the owner
 * only, and prints {@code READY <path of that file>}. The secret is only in that file, never on the
 * console or in logs; the file goes away with the work directory on shutdown. Exit codes: 0 after a
 * clean stop, 1 if the stack fails to start, 2 on bad arguments.
 */
public final class LocalStackMain {
    private LocalStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        int slots = 2;
        Map<String, String> flinkOverrides = Map.of();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                    case "--slots" -> slots = Integer.parseInt(value(args, ++i, "--slots"));
                    case "--managed-memory" -> flinkOverrides = LocalFlink.managedMemoryOverride(value(args, ++i, "--managed-memory"));
                    case "--help", "-h" -> {
                        System.out.println("usage: LocalStackMain [--dir DIR] [--slots N] [--managed-memory SIZE]");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (slots < 1) {
                throw new IllegalArgumentException("--slots must be >= 1, got " + slots);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\nusage: LocalStackMain [--dir DIR] [--slots N] [--managed-memory SIZE]");
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(dir, slots, Map.of(), flinkOverrides);
        } catch (RuntimeException e) {
            System.err.println("error: the local stack failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            Path file = writeConnectionFile(stack);
            System.out.println("READY " + file);
            System.out.flush();
        } catch (IOException e) {
            System.err.println("error: cannot write the connection file: " + e.getMessage());
            stack.close();
            System.exit(1);
            return;
        }
        // Runs until the JVM is asked to stop; LocalStack's shutdown hook then closes everything.
        new CountDownLatch(1).await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Path writeConnectionFile(LocalStack stack) throws IOException {
        Properties p = new Properties();
        p.setProperty("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        p.setProperty("kafka.transaction.max.timeout.ms", Long.toString(stack.kafka().transactionMaxTimeout().toMillis()));
        p.setProperty("s3.endpoint", stack.s3().endpoint().toString());
        p.setProperty("s3.region", EmbeddedS3Server.REGION.id());
        p.setProperty("s3.path.style", "true");
        p.setProperty("s3.access.key", stack.s3().accessKey());
        p.setProperty("s3.secret.key", stack.s3().secretKey().value());
        p.setProperty("flink.rest.address", stack.flink().restAddress().toString());
        Path file = stack.workDir().resolve("connection.properties");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "snapdelta local stack (contains the S3 secret key; deleted when the stack stops)");
        }
        return file;
    }
}
