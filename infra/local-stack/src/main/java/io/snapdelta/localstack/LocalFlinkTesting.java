package io.snapdelta.localstack;

import java.nio.file.Path;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Flink's JUnit 5 {@link MiniClusterExtension} with {@link LocalFlink}'s configuration (RocksDB,
 * incremental checkpoints, everything on 127.0.0.1).
 *
 * <p>Kept apart from {@link LocalFlink} because it needs {@code flink-test-utils}, which this module
 * declares optional: test code has it, the local runner does not.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK = LocalFlinkTesting.miniClusterExtension(2);
 * // inside tests, StreamExecutionEnvironment.getExecutionEnvironment() runs on that cluster
 * }</pre>
 */
public final class LocalFlinkTesting {
    private LocalFlinkTesting() {}

    /**
     * One TaskManager with {@code slots} slots; its files go to a new directory under
     * {@code java.io.tmpdir}, created when the extension starts the cluster (point {@code java.io.tmpdir}
     * at {@code target/} in tests, as the parent pom does, so {@code mvn clean} removes it).
     */
    public static MiniClusterExtension miniClusterExtension(int slots) {
        return new MiniClusterExtension(() -> resourceConfiguration(WorkDirs.createTemp("flink-junit"), slots));
    }

    /**
     * One TaskManager with {@code slots} slots; checkpoints, RocksDB files and temp files under
     * {@code workDir} (the caller owns and removes it).
     */
    public static MiniClusterExtension miniClusterExtension(Path workDir, int slots) {
        return new MiniClusterExtension(resourceConfiguration(workDir, slots));
    }

    private static MiniClusterResourceConfiguration resourceConfiguration(Path workDir, int slots) {
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(LocalFlink.loopbackConfiguration(workDir))
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build();
    }
}
