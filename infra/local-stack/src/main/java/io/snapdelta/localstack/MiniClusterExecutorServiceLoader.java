package io.snapdelta.localstack;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Hands every pipeline of a {@code StreamExecutionEnvironment} to one already-running {@link MiniCluster}
 * (Flink's own {@code LocalExecutor} would start a new cluster per job). Same approach as
 * flink-test-utils' {@code MiniClusterPipelineExecutorServiceLoader}, without depending on test code.
 */
final class MiniClusterExecutorServiceLoader implements PipelineExecutorServiceLoader {
    /** The {@code execution.target} name that selects this executor. */
    static final String TARGET = "snapdelta-local-minicluster";

    private final MiniCluster miniCluster;

    MiniClusterExecutorServiceLoader(MiniCluster miniCluster) {
        this.miniCluster = miniCluster;
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return TARGET;
            }

            @Override
            public boolean isCompatibleWith(Configuration conf) {
                return true;
            }

            @Override
            public PipelineExecutor getExecutor(Configuration conf) {
                return MiniClusterExecutorServiceLoader.this::submit;
            }
        };
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(TARGET);
    }

    private CompletableFuture<JobClient> submit(Pipeline pipeline, Configuration configuration,
                                                ClassLoader userCodeClassLoader) throws Exception {
        StreamGraph streamGraph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
        if (streamGraph.getSavepointRestoreSettings() == SavepointRestoreSettings.none()
                && pipeline instanceof StreamGraph original) {
            streamGraph.setSavepointRestoreSettings(original.getSavepointRestoreSettings());
        }
        return miniCluster.submitJob(streamGraph).thenApply(result -> new MiniClusterJobClient(
                result.getJobID(), miniCluster, userCodeClassLoader,
                MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
}
