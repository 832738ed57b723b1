package io.snapdelta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.ingest.ParserLimits;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.Row;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code bench parse}: single-thread parse rate of our streaming parser against Jackson's tree model
 * ({@code ObjectMapper.readTree} plus reading the same fields the parser extracts) over the same
 * in-memory lines, in one run, rounds alternating so both see the same machine conditions.
 *
 * <p>Rates are events per CPU-second of the benchmark thread (events per second per core), so other load
 * on the machine does not count against either side; wall-clock rates are printed beside them. An event is a
 * line: a Kafka tombstone (value null, after a delete) counts as one, read by both sides (the parser returns
 * no change for it, the tree model reads its key).
 */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Parse rate of the change-event parser beside Jackson's tree model, events/s per core.")
public final class ParseBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, description = "Lines of change events (.jsonl or .jsonl.zst).")
    Path input;

    @Option(names = "--format", defaultValue = "debezium-json",
            description = "Input format: debezium-json or snapdelta-json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--json", description = "Also write the results as JSON to this file.")
    Path jsonOut;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per side (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "3", description = "Warm-up rounds per side (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long sink;

    @Override
    public Integer call() throws Exception {
        InputFormat fmt;
        try {
            fmt = InputFormat.fromId(format);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (fmt == InputFormat.SNAPDELTA_AVRO) {
            throw new ParameterException(spec.commandLine(), "bench parse compares against Jackson's tree model, so it takes a JSON format "
                    + "(debezium-json or snapdelta-json)");
        }
        if (rounds < 1 || warmupRounds < 0) {
            throw new ParameterException(spec.commandLine(), "--rounds must be >= 1 and --warmup-rounds >= 0");
        }
        // Every line while they fit an eighth of the heap (pgbench-small's do), else an evenly spaced sample of them:
        // a capture larger than the heap is measured at the default heap instead of running out of it.
        ParseSample sample = new ParseSample(ParseSample.defaultBudgetBytes());
        long[] inputBytes = {0};
        InputLines.forEach(input, line -> {
            sample.offer(line);
            inputBytes[0] += line.length;
        });
        List<byte[]> lines = sample.values();
        if (lines.isEmpty()) {
            System.err.println("bench parse: " + input + " has no lines");
            return 1;
        }
        long bytes = lines.stream().mapToLong(l -> l.length).sum();
        ChangeEventParser parser = fmt.newParser(ParserLimits.DEFAULTS); // what the job instantiates
        ObjectMapper mapper = new ObjectMapper();

        // Validate once: every line must parse, else the rate would be of error paths.
        parseAll(parser, lines);

        for (int i = 0; i < warmupRounds; i++) {
            parseAll(parser, lines);
            treeAll(mapper, lines, fmt);
        }
        double[] ours = new double[rounds];
        double[] tree = new double[rounds];
        double[] oursWall = new double[rounds];
        double[] treeWall = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long[] t = timed(() -> parseAll(parser, lines));
            ours[i] = lines.size() / (t[0] / 1e9);
            oursWall[i] = lines.size() / (t[1] / 1e9);
            t = timed(() -> treeAll(mapper, lines, fmt));
            tree[i] = lines.size() / (t[0] / 1e9);
            treeWall[i] = lines.size() / (t[1] / 1e9);
        }
        double parserRate = median(ours);
        double treeRate = median(tree);
        double ratio = parserRate / treeRate;

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "bench parse: %s, %,d events, %,d bytes (%.1f bytes/event), format %s, 1 thread%n",
                input, lines.size(), bytes, (double) bytes / lines.size(), fmt.id());
        if (sample.stride() > 1) {
            out.printf(Locale.ROOT, "  (every %d-th of the input's %,d events, %,d bytes: its lines exceed an eighth of the heap)%n",
                    sample.stride(), sample.offered(), inputBytes[0]);
        }
        out.printf(Locale.ROOT, "parser %s; %d warm-up + %d measured rounds per side, alternating; medians%n",
                parser.getClass().getName(), warmupRounds, rounds);
        out.printf(Locale.ROOT, "%-28s %18s %18s%n", "", "events/s per core", "events/s (wall)");
        out.printf(Locale.ROOT, "%-28s %,18.0f %,18.0f%n", "snapdelta streaming parser", parserRate, median(oursWall));
        out.printf(Locale.ROOT, "%-28s %,18.0f %,18.0f%n", "Jackson tree model", treeRate, median(treeWall));
        out.printf(Locale.ROOT, "ratio (parser / tree model): %.2fx%n", ratio);
        out.flush();
        if (jsonOut != null) {
            String json = String.format(Locale.ROOT, "{\"events\":%d,\"bytes\":%d,\"parser_events_per_s\":%.0f,"
                            + "\"tree_model_events_per_s\":%.0f,\"ratio\":%.3f,\"cores\":1,\"format\":\"%s\",\"rounds\":%d,"
                            + "\"warmup_rounds\":%d,\"parser_rounds_events_per_s\":%s,\"tree_model_rounds_events_per_s\":%s,"
                            + "\"input_events\":%d,\"input_bytes\":%d,\"sample_every\":%d}%n",
                    lines.size(), bytes, parserRate, treeRate, ratio, fmt.id(), rounds, warmupRounds,
                    Arrays.toString(round(ours)), Arrays.toString(round(tree)), sample.offered(), inputBytes[0], sample.stride());
            Path parent = jsonOut.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(jsonOut, json);
        }
        // Keeps the JIT from proving the work dead.
        if (sink == 42) {
            out.println();
        }
        return 0;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** [thread CPU nanos, wall nanos]. */
    private long[] timed(Work work) throws Exception {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        work.run();
        long wall = System.nanoTime() - wall0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        return new long[] {cpu > 0 ? cpu : wall, wall};
    }

    private void parseAll(ChangeEventParser parser, List<byte[]> lines) throws ParseException {
        long s = 0;
        for (int i = 0; i < lines.size(); i++) {
            ChangeEvent e;
            try {
                e = parser.parse(null, lines.get(i));
            } catch (ParseException ex) {
                throw new ParseException(ex.kind(), ex.fieldPath(), "line " + (i + 1) + " of " + input + ": " + ex.reason(), ex);
            }
            if (e != null) { // null: a tombstone
                Row image = e.after() != null ? e.after() : e.before(); // a delete has no after image
                s += e.version().minor() + e.key().hashCode() + (image != null ? image.size() : 0);
            }
        }
        sink += s;
    }

    /**
     * The tree-model side does the same job as the parser: reads key, op, source table/schema/version
     * fields and every column of the row images into Java values.
     */
    private void treeAll(ObjectMapper mapper, List<byte[]> lines, InputFormat fmt) throws IOException {
        long s = 0;
        for (byte[] line : lines) {
            JsonNode root = mapper.readTree(line);
            if (fmt == InputFormat.DEBEZIUM_JSON) {
                JsonNode value = root.get("value");
                s += columns(root.get("key"));
                if (value == null || value.isNull()) { // a tombstone after a delete: no change to read
                    continue;
                }
                s += value.get("op").asText().charAt(0);
                JsonNode source = value.get("source");
                s += source.get("table").asText().length() + source.get("schema").asText().length();
                s += source.get("sequence").asText().length() + source.get("lsn").asLong() + source.get("ts_us").asLong();
                s += columns(value.get("before")) + columns(value.get("after"));
            } else {
                s += root.get("op").asText().charAt(0) + root.get("version").toString().length();
                s += columns(root.get("key")) + columns(root.get("before")) + columns(root.get("after"));
            }
        }
        sink += s;
    }

    private static long columns(JsonNode row) {
        if (row == null || row.isNull()) {
            return 0;
        }
        long s = 0;
        if (row instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
            while (it.hasNext()) {
                s += value(it.next().getValue());
            }
        } else {
            for (JsonNode f : row) {
                s += value(f);
            }
        }
        return s;
    }

    private static long value(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            return v.textValue().length();
        }
        if (v.isObject() || v.isArray()) {
            return columns(v);
        }
        return v.isNull() ? 0 : (long) v.asDouble();
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long[] round(double[] values) {
        long[] r = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = Math.round(values[i]);
        }
        return r;
    }
}
