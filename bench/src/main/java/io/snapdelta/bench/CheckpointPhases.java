package io.snapdelta.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.SubtaskStateStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;

/**
 * Where the time of the latency job's checkpoints went, per job vertex: for each completed checkpoint the
 * slowest subtask's barrier start delay (trigger to the barrier reaching the task: records queued ahead of
 * it), alignment, synchronous part (our pre-barrier seal and state flush, RocksDB's native checkpoint) and
 * asynchronous part (state files written to checkpoint storage), and the time from trigger to its
 * acknowledgement; then p50 / p99 / max over the checkpoints. A change becomes visible only when the
 * checkpoint after its batch's seal completes, so these phases are the sealed-to-visible latency.
 *
 * <p>Flink keeps {@code web.checkpoints.history} checkpoints (default 10); the bench raises it
 * ({@link #CLUSTER_CONFIGURATION}) so that every checkpoint of the run is counted.
 */
final class CheckpointPhases {
    static final Map<String, String> CLUSTER_CONFIGURATION = Map.of("web.checkpoints.history", "100000");
    static final List<String> PHASES = List.of("start_delay", "alignment", "sync", "async", "ack");

    /** Per vertex name, per phase (in {@link #PHASES} order), the p50, p99 and max in milliseconds. */
    record Result(int checkpoints, Map<String, long[][]> byVertex) {
    }

    private CheckpointPhases() {
    }

    static Result of(CheckpointStatsSnapshot stats, AccessExecutionGraph graph) {
        Map<String, List<long[]>> perVertex = new LinkedHashMap<>();
        int completed = 0;
        for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
            if (c.getStatus() != CheckpointStatsStatus.COMPLETED) {
                continue;
            }
            completed++;
            for (TaskStateStats task : c.getAllTaskStateStats()) {
                AccessExecutionJobVertex vertex = graph.getJobVertex(task.getJobVertexId());
                String name = vertex == null ? task.getJobVertexId().toString() : vertex.getName();
                long[] slowest = new long[PHASES.size()];
                for (SubtaskStateStats s : task.getSubtaskStats()) {
                    if (s == null) {
                        continue;
                    }
                    slowest[0] = Math.max(slowest[0], s.getCheckpointStartDelay());
                    slowest[1] = Math.max(slowest[1], s.getAlignmentDuration());
                    slowest[2] = Math.max(slowest[2], s.getSyncCheckpointDuration());
                    slowest[3] = Math.max(slowest[3], s.getAsyncCheckpointDuration());
                    slowest[4] = Math.max(slowest[4], s.getEndToEndDuration(c.getTriggerTimestamp()));
                }
                perVertex.computeIfAbsent(name, n -> new ArrayList<>()).add(slowest);
            }
        }
        Map<String, long[][]> result = new LinkedHashMap<>();
        perVertex.forEach((name, rows) -> {
            long[][] q = new long[PHASES.size()][];
            for (int p = 0; p < PHASES.size(); p++) {
                int phase = p;
                long[] values = rows.stream().mapToLong(r -> Math.max(0, r[phase])).sorted().toArray();
                q[p] = new long[] {quantile(values, 0.5), quantile(values, 0.99), values[values.length - 1]};
            }
            result.put(name, q);
        });
        return new Result(completed, result);
    }

    /** The nearest-rank quantile of sorted values (non-empty). */
    static long quantile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static Map<String, Object> toJson(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        r.byVertex().forEach((vertex, q) -> {
            Map<String, Object> phases = new LinkedHashMap<>();
            for (int p = 0; p < PHASES.size(); p++) {
                phases.put(PHASES.get(p), Map.of("p50", q[p][0], "p99", q[p][1], "max", q[p][2]));
            }
            m.put(vertex, phases);
        });
        return m;
    }

    static String describe(long[][] q) {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < PHASES.size(); p++) {
            sb.append(p == 0 ? "" : ", ").append(PHASES.get(p)).append(' ').append(Arrays.stream(q[p])
                    .mapToObj(Long::toString).reduce((a, b) -> a + "/" + b).orElse(""));
        }
        return sb.toString();
    }
}
