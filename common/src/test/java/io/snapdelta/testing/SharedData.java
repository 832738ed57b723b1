package io.snapdelta.testing;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Locates the shared data set that is kept out of the repository ({@code ../shared/data}). The directory
 * comes from the system property {@code snapdelta.shared.dir} (set by the parent pom's surefire
 * configuration), else {@code ../shared} relative to the working directory. A test that needs the data
 * fails with an {@link AssertionError} naming the path it looked at; it never skips silently.
 */
public final class SharedData {
    public static final String PROPERTY = "snapdelta.shared.dir";

    private SharedData() {
    }

    /** The shared directory (holds {@code data/}, {@code notes/}, ...). */
    public static Path sharedDir() {
        String configured = System.getProperty(PROPERTY);
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("..", "shared");
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("The shared data directory " + dir + " does not exist"
                    + (configured != null ? " (from -D" + PROPERTY + "=" + configured + ")" : " (../shared; set -D" + PROPERTY + ")")
                    + ". Tests that replay real captures need it; see the README's test section.");
        }
        return dir;
    }

    /** {@code <shared>/data/pgbench-small}. */
    public static Path pgbenchSmall() {
        return require(sharedDir().resolve("data").resolve("pgbench-small"));
    }

    /** The capture {@code events.jsonl.zst} of pgbench-small. */
    public static Path pgbenchSmallEvents() {
        return require(pgbenchSmall().resolve("events.jsonl.zst"));
    }

    /** Fails with the path when {@code path} does not exist. */
    public static Path require(Path path) {
        if (!Files.exists(path)) {
            throw new AssertionError("Shared test data " + path.toAbsolutePath() + " is missing. Tests that need it "
                    + "fail rather than skip; provide " + PROPERTY + " pointing at the directory holding data/.");
        }
        return path;
    }

    /** Opens a file, decompressing it when its name ends in {@code .zst}. */
    public static InputStream open(Path path) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(require(path)), 1 << 16);
        return path.getFileName().toString().endsWith(".zst") ? new ZstdInputStream(in) : in;
    }

    public static BufferedReader reader(Path path) throws IOException {
        return new BufferedReader(new InputStreamReader(open(path), StandardCharsets.UTF_8), 1 << 16);
    }

    /** All lines of a (possibly .zst) file as raw bytes, without the line ends; empty lines kept. */
    public static List<byte[]> lines(Path path) {
        try (InputStream in = open(path)) {
            byte[] all = in.readAllBytes();
            List<byte[]> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
                    lines.add(Arrays.copyOfRange(all, start, end));
                    start = i + 1;
                }
            }
            if (start < all.length) {
                lines.add(Arrays.copyOfRange(all, start, all.length));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** The whole (possibly .zst) file as text. */
    public static String text(Path path) {
        try (InputStream in = open(path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }
}
