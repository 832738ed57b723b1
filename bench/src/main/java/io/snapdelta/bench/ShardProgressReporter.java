package io.snapdelta.bench;

import io.snapdelta.job.DeltaMetrics;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * How far the running job has got: the sum of every shard operator subtask's {@code eventsIn} counter
 * ({@link DeltaMetrics#EVENTS_IN}, the changes that reached the last stateful stage). The bench samples it
 * beside the CPU clocks to find the steady part of a run ({@link CpuMeter.Window}).
 *
 * <p>Flink creates reporters itself, from the cluster configuration ({@link #clusterConfiguration()}), so
 * the counters are kept in a static set: the MiniCluster runs in the bench's JVM, and a subtask's counter is
 * removed again when its task ends, so the set only ever holds the running job's.
 */
public final class ShardProgressReporter implements MetricReporter {
    /** The reporter's name in the cluster configuration ({@code metrics.reporter.<name>.*}). */
    static final String NAME = "snapdelta-bench-progress";
    private static final String SUFFIX = "." + DeltaMetrics.GROUP + "." + DeltaMetrics.SUBGROUP + "." + DeltaMetrics.EVENTS_IN;
    private static final Set<Counter> SHARD_EVENTS_IN = ConcurrentHashMap.newKeySet();

    /** The MiniCluster settings that install this reporter. */
    static java.util.Map<String, String> clusterConfiguration() {
        return java.util.Map.of("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
    }

    /** Changes the running job's shard operators have taken in so far (0 when no job runs). */
    static long changesThroughShards() {
        long sum = 0;
        for (Counter c : SHARD_EVENTS_IN) {
            sum += c.getCount();
        }
        return sum;
    }

    static boolean isShardEventsIn(String metricIdentifier) {
        return metricIdentifier.endsWith(SUFFIX);
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter c && isShardEventsIn(group.getMetricIdentifier(name))) {
            SHARD_EVENTS_IN.add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter c) {
            SHARD_EVENTS_IN.remove(c);
        }
    }

    /** Found by Flink through {@code META-INF/services}, named by {@link #clusterConfiguration()}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new ShardProgressReporter();
        }
    }
}
