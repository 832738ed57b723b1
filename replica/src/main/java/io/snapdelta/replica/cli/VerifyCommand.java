package io.snapdelta.replica.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.ConfigException;
import io.snapdelta.config.ConfigLoader;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaOptions;
import io.snapdelta.config.KafkaOptions;
import io.snapdelta.config.OptionType;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.model.TableId;
import io.snapdelta.replica.DeltaStreamVerifier;
import io.snapdelta.replica.DeltaTopicReader;
import io.snapdelta.replica.ReplicaDictionaries;
import io.snapdelta.replica.StateExporter;
import io.snapdelta.replica.VerificationReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code bin/snapdelta replica verify}: replays a deltas topic as it is committed now (read_committed, up to
 * the end offsets at the start) into empty replicas of every shard (or of {@code --shards}), checking every
 * checksum, each shard's sequence (no gap; duplicates skipped) and digest chain, and prints each shard's
 * final digest, which equals the job's when both hold the same state. The Kafka, topic, shard count and
 * dictionary settings are the job's own options, so a replica reads the job's configuration file.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Replays the deltas topic (read_committed, up to its end offsets when the command starts) into empty "
                    + "replicas, checks every checksum, sequence and digest, and prints each shard's final digest.",
            "The job's options say where to read: kafka.bootstrap-servers and the kafka security options, "
                    + "deltas.topic, shard.count, deltas.dictionary-location (with the s3.* options) and the "
                    + "delta.format.* decoder limits (docs/options.md)."},
        footer = {"", "Any other --key value pair is an option (docs/options.md) and wins over --config.",
            "Exit codes: 0 the stream verified, 1 it did not (or reading failed), 2 usage."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (the job's; see docs/options.md).")
    Path config;

    @Option(names = "--shards", paramLabel = "LIST", split = ",",
            description = "Follow only these shards (comma-separated); default: all shard.count shards.")
    List<Integer> shards;

    @Option(names = "--export-dir", paramLabel = "DIR", description = "Write the replayed state there, one <table>.csv per "
            + "table, as PostgreSQL's COPY (SELECT * FROM t ORDER BY <key>) TO ... WITH (FORMAT csv, HEADER true) writes it.")
    Path exportDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "2min", converter = DurationConverter.class,
            description = "Fail if the read makes no progress for this long (30s, 2min or ISO-8601 PT30S; default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Configuration conf = ConfigLoader.forRegistry().load(config, overrides);
        int shardCount = conf.get(ShardOptions.SHARDS);
        if (shards != null) {
            for (int s : shards) {
                if (s < 0 || s >= shardCount) {
                    throw new ConfigException("--shards", s + " is not a shard of " + ShardOptions.SHARDS.key() + " = " + shardCount);
                }
            }
        }
        String topic = conf.get(DeltaOptions.TOPIC);
        PrintWriter out = spec.commandLine().getOut();
        DictionaryStore dictionaries = ReplicaDictionaries.forConfiguration(conf);
        try (DeltaTopicReader reader = new DeltaTopicReader(KafkaOptions.clientProperties(conf), topic, idleTimeout);
             DeltaStreamVerifier verifier = shards == null
                     ? DeltaStreamVerifier.allShards(shardCount, DeltaFormatOptions.fromConfiguration(conf), dictionaries)
                     : new DeltaStreamVerifier(new TreeSet<>(shards), DeltaFormatOptions.fromConfiguration(conf), dictionaries)) {
            int partitions;
            try {
                partitions = reader.partitionCount();
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new IllegalStateException("no metadata for topic " + topic + " from Kafka at "
                        + String.join(",", conf.get(KafkaOptions.BOOTSTRAP_SERVERS)) + " (" + e.getMessage() + ")", e);
            }
            long t0 = System.nanoTime();
            VerificationReport report = reader.verify(verifier);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(java.util.Locale.ROOT, "%s (%d partitions), %.1f s: %s", topic, partitions, seconds, report.toText());
            report.shards().forEach(r -> out.printf(java.util.Locale.ROOT, "  shard %3d  sequence %6d  digest %s%n",
                    r.shard(), r.lastSequence(), r.finalDigest()));
            Map<TableId, Path> exported = exportDir == null ? Map.of() : StateExporter.export(verifier.replicas().values(), exportDir);
            exported.forEach((table, file) -> out.println("  exported " + table + " -> " + file));
            out.println(report.clean() ? "VERIFIED" : "NOT VERIFIED: see the problems above");
            if (json != null) {
                writeJson(topic, partitions, seconds, report, exported);
            }
            return report.clean() ? 0 : 1;
        } finally {
            if (dictionaries instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    private void writeJson(String topic, int partitions, double seconds, VerificationReport report, Map<TableId, Path> exported)
            throws java.io.IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic);
        m.put("partitions", partitions);
        m.put("verified", report.clean());
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("records_read", report.recordsRead());
        m.put("batches", report.batches());
        m.put("bytes", report.bytes());
        m.put("ops", report.ops());
        m.put("rows", report.rows());
        m.put("duplicates", report.duplicates());
        m.put("gaps", report.gaps());
        m.put("corrupt_batches", report.corruptBatches());
        m.put("digest_mismatches", report.digestMismatches());
        m.put("divergences", report.divergences());
        m.put("misrouted", report.misrouted());
        List<String> problems = new ArrayList<>();
        report.shards().forEach(r -> r.problems().forEach(p -> problems.add(p.toString())));
        report.unattributed().forEach(p -> problems.add(p.toString()));
        m.put("problems", problems);
        m.put("shards", report.shardsAsMaps());
        Map<String, String> files = new LinkedHashMap<>();
        exported.forEach((t, f) -> files.put(t.toString(), f.toString()));
        m.put("exported", files);
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), m);
    }

    /** Durations as every option spells them ({@link OptionType#DURATION}: 30s, 2min, or ISO-8601 PT30S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return OptionType.DURATION.parser().apply(value.trim());
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 30s or 2min");
            }
        }
    }
}
