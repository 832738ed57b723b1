package io.snapdelta.local;

import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.replica.DeltaStreamVerifier;
import io.snapdelta.replica.DeltaTopicReader;
import io.snapdelta.replica.ShardFinal;
import io.snapdelta.replica.StateExporter;
import io.snapdelta.replica.VerificationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a local run: once the job has finished (its last checkpoint, and so its last transaction,
 * committed), replays every shard of the deltas topic into an empty state with the replica library,
 * compares each shard's final digest with the job's, and exports the state when asked.
 */
final class DeltaCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaCheck.class);

    private DeltaCheck() {
    }

    static DeltaSummary run(String bootstrap, String topic, int shards, DeltaFormatOptions format, DictionaryStore dictionaries,
                            Map<Integer, ShardFinal> jobFinals, Map<String, Long> jobCounts, Path exportDir,
                            Duration idleTimeout) throws IOException {
        long t0 = System.nanoTime();
        try (DeltaTopicReader reader = DeltaTopicReader.forBootstrap(bootstrap, topic, idleTimeout);
             DeltaStreamVerifier verifier = DeltaStreamVerifier.allShards(shards, format, dictionaries)) {
            int partitions = reader.partitionCount();
            reader.awaitSettledEnd(reader.partitionsOf(null)); // the job has ended: its last commit's markers land
            VerificationReport report = reader.verify(verifier);
            List<String> differences = report.compareWith(jobFinals);
            LOG.info("Verified {} in {} s: {}", topic, String.format("%.1f", (System.nanoTime() - t0) / 1e9), report.toText().trim());
            differences.forEach(d -> LOG.warn("Digest difference: {}", d));
            if (exportDir != null) {
                StateExporter.export(verifier.replicas().values(), exportDir);
            }
            return new DeltaSummary(shards, topic, partitions, report, differences, jobCounts, exportDir);
        }
    }
}
