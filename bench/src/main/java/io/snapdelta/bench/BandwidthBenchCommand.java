package io.snapdelta.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.shard.ShardingVersion;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code snapdelta bench bandwidth}: bytes per streamed source change of snapdelta's sealed delta batches
 * beside Debezium JSON with zstd -3 and gzip -6, over the same events in the same run, with every batch
 * decoded and applied again and the state and digests checked (issue 3 item 7).
 */
@Command(name = "bandwidth", mixinStandardHelpOptions = true,
        description = "Bytes per streamed change: snapdelta delta batches vs Debezium JSON + zstd/gzip, verified by decode+apply.")
public final class BandwidthBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BandwidthBenchCommand.class);
    private static final String DETERMINISM_SETTING = "zstd-3";
    static final int[] SWEEP_SHARDS = {1, 16, 64};
    static final int[] SWEEP_BATCHES = {100, 1_000, 10_000};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, description = "Capture file, one record per line (.jsonl or .jsonl.zst).")
    Path input;

    @Option(names = "--format", defaultValue = "debezium-json", description = "Input format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--shards", defaultValue = "16", description = "Shards S (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--shard.hash-version", paramLabel = "V",
            description = "Sharding version, the hash that routes events to shards (option shard.hash-version; default: the option's, 2).")
    Integer hashVersion;

    @Option(names = "--batch-changes", defaultValue = "1000", description = "Seal a shard's batch every N source changes (default: ${DEFAULT-VALUE}).")
    int batchChanges;

    @Option(names = "--json", description = "Also write the results as JSON to this file.")
    Path jsonOut;

    @Option(names = "--sweep", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run shards {1,16,64} x batch sizes {100,1000,10000} at default codec settings (default: on; --no-sweep to skip).")
    boolean sweep;

    @Option(names = "--speed-passes", defaultValue = "5",
            description = "Default-settings passes timed after every byte pass; the reported speeds are their medians (default: ${DEFAULT-VALUE}; 0 = time the first default pass).")
    int speedPasses;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (shards < 1 || batchChanges < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shards and --batch-changes must be >= 1");
        }
        if (speedPasses < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--speed-passes must be >= 0, got " + speedPasses);
        }
        ShardingVersion sharding;
        try {
            sharding = hashVersion == null ? ShardOptions.HASH_VERSION.defaultValue() : ShardingVersion.of(hashVersion);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shard.hash-version: " + e.getMessage());
        }
        InputFormat inputFormat;
        try {
            inputFormat = InputFormat.fromId(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!Files.isRegularFile(input)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input " + input + " is not a readable file");
        }
        LOG.info("Reading and parsing {} as {}", input, inputFormat.id());
        CaptureEvents capture = CaptureEvents.read(input, inputFormat);
        LOG.info("{} events: {} streamed changes, {} snapshot reads; {} tombstones skipped", capture.eventCount, capture.streamedChanges, capture.snapshotReads, capture.tombstones);
        if (capture.streamedChanges == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input " + input
                    + " holds no streamed change (c/u/d): bytes per streamed change are undefined");
        }
        DebeziumBaseline baseline = capture.baseline;

        // A fixed-codec warm-up run first warms the JIT; the same setting runs again below, and equal bytes
        // prove the encoder deterministic (the adaptive default's choices depend on timings, its bytes per
        // choice do not, so it is not compared).
        BandwidthRun.Result warm = BandwidthRun.run(capture, shards, sharding, batchChanges, new DeltaFormatDriver(DETERMINISM_SETTING));
        BandwidthRun.Result main = BandwidthRun.run(capture, shards, sharding, batchChanges, new DeltaFormatDriver(DeltaFormatDriver.DEFAULT));
        Map<String, BandwidthRun.Result> byCodec = new LinkedHashMap<>();
        for (String setting : DeltaFormatDriver.fixedSettings()) {
            byCodec.put(setting, BandwidthRun.run(capture, shards, sharding, batchChanges, new DeltaFormatDriver(setting)));
        }
        BandwidthRun.Result again = byCodec.get(DETERMINISM_SETTING);
        boolean deterministic = warm.shippedCrc.getValue() == again.shippedCrc.getValue() && warm.streamedBytes == again.streamedBytes;
        List<BandwidthRun.Result> sweepResults = new ArrayList<>();
        if (sweep) {
            for (int s : SWEEP_SHARDS) {
                for (int b : SWEEP_BATCHES) {
                    sweepResults.add(BandwidthRun.run(capture, s, sharding, b, new DeltaFormatDriver(DeltaFormatDriver.DEFAULT)));
                }
            }
        }

        // Speeds: the first default pass runs in a JVM that is still compiling (timed pass after pass, encode
        // went 110k, 181k, 434k, 472k, 477k changes per CPU second), so the speeds come from further default
        // passes after all the byte passes, as their medians. Their bytes are verified like every pass's.
        List<BandwidthRun.Result> timed = new ArrayList<>();
        for (int i = 0; i < speedPasses; i++) {
            timed.add(BandwidthRun.run(capture, shards, sharding, batchChanges, new DeltaFormatDriver(DeltaFormatDriver.DEFAULT)));
        }
        BandwidthRun.Result speeds = timed.isEmpty() ? main : BandwidthRun.medianSpeeds(timed);

        boolean verified = deterministic && warm.verified && main.verified
                && byCodec.values().stream().allMatch(r -> r.verified)
                && sweepResults.stream().allMatch(r -> r.verified)
                && timed.stream().allMatch(r -> r.verified);
        Map<String, Object> json = BandwidthReport.json(input, capture, baseline, main, speeds, timed.size(), byCodec, sweepResults,
                deterministic, verified);
        BandwidthReport.print(out, json, main, byCodec, sweepResults);
        if (jsonOut != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            if (jsonOut.toAbsolutePath().getParent() != null) {
                Files.createDirectories(jsonOut.toAbsolutePath().getParent());
            }
            mapper.writeValue(jsonOut.toFile(), json);
            LOG.info("Wrote {}", jsonOut);
        }
        if (!verified) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("VERIFICATION FAILED: decoded state or digests differ from the encoder's, or the encoder is not deterministic");
            List<BandwidthRun.Result> all = allRuns(warm, main, byCodec, sweepResults);
            all.addAll(timed);
            for (BandwidthRun.Result r : all) {
                if (!r.verified) {
                    err.println("  shards=" + r.shards + " batch_changes=" + r.batchChanges + ": " + r.failure);
                }
            }
            if (!deterministic) {
                err.println("  two runs at identical settings shipped different bytes");
            }
            err.flush();
            return 1;
        }
        return 0;
    }

    private static List<BandwidthRun.Result> allRuns(BandwidthRun.Result warm, BandwidthRun.Result main,
                                                     Map<String, BandwidthRun.Result> byCodec, List<BandwidthRun.Result> sweep) {
        List<BandwidthRun.Result> all = new ArrayList<>(List.of(warm, main));
        all.addAll(byCodec.values());
        all.addAll(sweep);
        return all;
    }
}
