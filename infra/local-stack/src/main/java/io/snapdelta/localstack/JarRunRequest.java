package io.snapdelta.localstack;

import java.util.List;
import java.util.Objects;

/**
 * The body of Flink's {@code POST /jars/<jarid>/run}: what {@code flink run -c <entryClass> -p <parallelism>
 * [-s <savepointPath>] job.jar <args...>} sends.
 *
 * @param entryClass            main class; {@code null} uses the jar manifest's {@code Main-Class}
 * @param args                  program arguments, one element per argument (no shell splitting)
 * @param parallelism           default parallelism of the job; 0 keeps the cluster's
 * @param savepointPath         savepoint or retained checkpoint to restore from; {@code null} starts fresh
 * @param allowNonRestoredState whether state of operators that no longer exist may be skipped on restore
 */
public record JarRunRequest(String entryClass, List<String> args, int parallelism, String savepointPath,
                            boolean allowNonRestoredState) {
    public JarRunRequest {
        args = List.copyOf(Objects.requireNonNull(args, "args"));
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be >= 0, was " + parallelism);
        }
    }

    /** A fresh start (no savepoint). */
    public static JarRunRequest of(String entryClass, List<String> args, int parallelism) {
        return new JarRunRequest(entryClass, args, parallelism, null, false);
    }

    /** The same request, restoring from {@code path} (all state must map to an operator: no non-restored state). */
    public JarRunRequest fromSavepoint(String path) {
        return new JarRunRequest(entryClass, args, parallelism, Objects.requireNonNull(path, "path"), false);
    }
}
