package io.snapdelta.local;

import io.snapdelta.job.DeltaMetrics;
import io.snapdelta.replica.VerificationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the job said about its deltas and what the verifier found replaying them: the job's counts (drops,
 * no-ops, coalesced changes) and final digests beside the replayed stream's figures and digests.
 *
 * @param shards the deployment's shard count S
 * @param topic the deltas topic
 * @param partitions its partition count
 * @param report the verifier's report over every shard
 * @param digestDifferences one line per shard whose replayed final digest or last sequence differs from the job's
 * @param jobCounts the job's counts by summary name (duplicates_dropped, stale_dropped, noop_updates, coalesced)
 * @param exportDir where the replayed state was exported, or null
 */
record DeltaSummary(int shards, String topic, int partitions, VerificationReport report, List<String> digestDifferences,
                    Map<String, Long> jobCounts, Path exportDir) {
    /** Summary names of the job's counts, in the order they are shown. */
    static final List<String> JOB_COUNTS = List.of(DeltaMetrics.ACC_DUPLICATES_DROPPED, DeltaMetrics.ACC_STALE_DROPPED,
            DeltaMetrics.ACC_NOOP_UPDATES, DeltaMetrics.ACC_COALESCED);

    private static final Map<String, String> LABELS = Map.of(DeltaMetrics.ACC_DUPLICATES_DROPPED, "duplicates",
            DeltaMetrics.ACC_STALE_DROPPED, "stale", DeltaMetrics.ACC_NOOP_UPDATES, "no-op updates",
            DeltaMetrics.ACC_COALESCED, "coalesced");

    DeltaSummary {
        digestDifferences = List.copyOf(digestDifferences);
        jobCounts = new LinkedHashMap<>(jobCounts);
    }

    boolean digestsMatch() {
        return digestDifferences.isEmpty();
    }

    double bytesPerChange() {
        long ops = report.ops();
        return ops == 0 ? 0 : (double) report.bytes() / ops;
    }

    List<String> problems() {
        List<String> p = new ArrayList<>(digestDifferences);
        if (report.gaps() > 0) {
            p.add(report.gaps() + " gap(s) in the committed sequence");
        }
        if (report.corruptBatches() > 0) {
            p.add(report.corruptBatches() + " corrupt batch(es)");
        }
        if (report.digestMismatches() > 0) {
            p.add(report.digestMismatches() + " break(s) of the digest chain");
        }
        if (report.divergences() > 0) {
            p.add(report.divergences() + " op(s) that did not fit the replayed state");
        }
        if (report.misrouted() > 0) {
            p.add(report.misrouted() + " record(s) in the wrong partition or with a wrong key");
        }
        return p;
    }

    void putJson(Map<String, Object> m, long eventsValid) {
        m.put("shards", shards);
        m.put("deltas_topic", topic);
        m.put("batches", report.batches());
        m.put("delta_bytes", report.bytes());
        m.put("streamed_changes", report.ops());
        m.put("streamed_bytes_per_change", round3(bytesPerChange()));
        m.put("bytes_per_valid_event", round3(eventsValid == 0 ? 0 : (double) report.bytes() / eventsValid));
        jobCounts.forEach(m::put);
        m.put("digests_match", digestsMatch());
        m.put("gaps", report.gaps());
        m.put("duplicate_batches", report.duplicates());
        m.put("corrupt_batches", report.corruptBatches());
        m.put("digest_mismatches", report.digestMismatches());
        m.put("replayed_rows", report.rows());
        if (exportDir != null) {
            m.put("export_dir", exportDir.toAbsolutePath().toString());
        }
        m.put("shard_reports", report.shardsAsMaps());
    }

    private static double round3(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    void appendText(StringBuilder sb) {
        sb.append(String.format(Locale.ROOT, "  shards         %,12d   (deltas topic %s, %d partitions)%n", shards, topic, partitions));
        sb.append(String.format(Locale.ROOT, "  batches        %,12d%n", report.batches()));
        sb.append(String.format(Locale.ROOT, "  delta bytes    %,12d%n", report.bytes()));
        sb.append(String.format(Locale.ROOT, "  changes sent   %,12d   (%.2f bytes per change)%n", report.ops(), bytesPerChange()));
        jobCounts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-14s %,12d%n", LABELS.getOrDefault(k, k), v)));
        sb.append(String.format(Locale.ROOT, "  replayed rows  %,12d%n", report.rows()));
        sb.append(String.format(Locale.ROOT, "  gaps           %,12d%n", report.gaps()));
        if (report.duplicates() > 0) {
            sb.append(String.format(Locale.ROOT, "  duplicate batches skipped %,d%n", report.duplicates()));
        }
        if (digestsMatch() && report.clean()) {
            sb.append("  every shard's replayed digest equals the job's (checksums, sequences and digest chain verified)\n");
        } else {
            problems().forEach(p -> sb.append("  DELTAS: ").append(p).append('\n'));
        }
        if (exportDir != null) {
            sb.append("  exported to    ").append(exportDir.toAbsolutePath()).append('\n');
        }
    }
}
