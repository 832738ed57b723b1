package io.snapdelta.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for tests: keeps the value every snapdelta metric had when its task removed it (a
 * bounded job's tasks end, and their metrics go with them), per full metric identifier. Flink creates it from
 * the cluster configuration ({@link #clusterConfiguration()}), so the values live in a static map.
 */
public final class RecordingMetricReporter implements MetricReporter {
    static final String NAME = "snapdelta-test-recorder";
    /** Identifier -> final value: a Long for counters, the value for gauges, the count for histograms. */
    static final Map<String, Object> FINAL_VALUES = new ConcurrentHashMap<>();

    static Map<String, String> clusterConfiguration() {
        return Map.of("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
    }

    /** The final values of the metrics whose identifier ends with {@code .group.subgroup[...].name}, one per subtask. */
    static List<Object> finalValues(String group, String subgroup, String name) {
        List<Object> out = new ArrayList<>();
        FINAL_VALUES.forEach((id, v) -> {
            if (id.contains("." + group + "." + subgroup + ".") && id.endsWith("." + name)) {
                out.add(v);
            }
        });
        return out;
    }

    /** The sum over subtasks of a counter's (or histogram's count's) final values. */
    static long finalSum(String group, String subgroup, String name) {
        return finalValues(group, subgroup, name).stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String id = group.getMetricIdentifier(name);
        if (!id.contains(".snapdelta.")) {
            return;
        }
        Object value;
        if (metric instanceof Counter c) {
            value = c.getCount();
        } else if (metric instanceof Gauge<?> g) {
            value = g.getValue();
        } else if (metric instanceof Histogram h) {
            value = h.getCount();
        } else {
            return;
        }
        if (value != null) {
            FINAL_VALUES.put(id, value);
        }
    }

    /** Found by Flink through {@code META-INF/services}, named by {@link #clusterConfiguration()}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new RecordingMetricReporter();
        }
    }
}
