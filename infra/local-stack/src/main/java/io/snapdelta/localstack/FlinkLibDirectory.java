package io.snapdelta.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A Flink {@code lib/} directory: the JobManager's and TaskManager's classpath. Built by the
 * {@code infra/flink-lib} module ({@code ./mvnw -B -pl infra/flink-lib package}) into
 * {@code infra/flink-lib/target/flink-lib}, because {@code flink-dist} is not on Maven Central.
 *
 * <p>It is checked before a cluster starts: it must hold {@code flink-runtime} and
 * {@code flink-runtime-web} (the REST jar upload), and must NOT hold any snapdelta class or the Kafka
 * connector. Those travel in the submitted job jar; with a copy on the cluster classpath a test would pass
 * here and the same job would fail (or load the wrong version) on a real cluster.
 */
public final class FlinkLibDirectory {
    /** System property naming the lib directory (set by the build for tests; {@code bin/} tools may set it too). */
    public static final String PROPERTY = "snapdelta.flink.lib";

    private final Path dir;
    private final List<Path> jars;

    private FlinkLibDirectory(Path dir, List<Path> jars) {
        this.dir = dir;
        this.jars = jars;
    }

    /** The directory named by the {@value #PROPERTY} system property, checked. */
    public static FlinkLibDirectory fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set: it must name the Flink lib/ "
                    + "directory built by `./mvnw -B -pl infra/flink-lib package` (infra/flink-lib/target/flink-lib)");
        }
        return of(Path.of(value));
    }

    /** {@code dir}, checked: exists, has the Flink runtime and REST jars, has no user code. */
    public static FlinkLibDirectory of(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalStateException("Flink lib directory " + abs + " does not exist: build it with "
                    + "`./mvnw -B -pl infra/flink-lib package`");
        }
        List<Path> jars;
        try (Stream<Path> s = Files.list(abs)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + abs, e);
        }
        requireJar(abs, jars, "flink-runtime-");
        requireJar(abs, jars, "flink-runtime-web-");
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            if (name.startsWith("flink-connector-kafka") || name.startsWith("kafka-clients") || name.startsWith("snapdelta")) {
                throw new IllegalStateException("Flink lib directory " + abs + " holds " + name
                        + ": it belongs in the job jar, not on the cluster classpath");
            }
            if (containsSnapdeltaClasses(jar)) {
                throw new IllegalStateException("Flink lib directory " + abs + ": " + name
                        + " contains io/snapdelta classes; user code must only come with the submitted job jar");
            }
        }
        return new FlinkLibDirectory(abs, jars);
    }

    private static void requireJar(Path dir, List<Path> jars, String prefix) {
        boolean found = jars.stream().anyMatch(j -> {
            String n = j.getFileName().toString();
            return n.startsWith(prefix) && Character.isDigit(n.charAt(prefix.length()));
        });
        if (!found) {
            throw new IllegalStateException("Flink lib directory " + dir + " has no " + prefix + "<version>.jar: "
                    + "rebuild it with `./mvnw -B -pl infra/flink-lib package`");
        }
    }

    private static boolean containsSnapdeltaClasses(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("io/snapdelta/"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public List<Path> jars() {
        return jars;
    }

    /** The classpath argument: {@code <dir>/*}, which the java launcher expands to every jar in it. */
    public String classpath() {
        return dir + "/*";
    }
}
