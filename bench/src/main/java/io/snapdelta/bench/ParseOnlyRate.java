package io.snapdelta.bench;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.model.ChangeEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * The rate at which this process merely parses the job's input: the job's own parser over the same record
 * values (all of them, or an evenly spaced sample of a capture too large for the heap: {@link ParseSample}), one thread, in events per CPU-second of that thread (so per core). A record the parser rejects
 * costs its error path, as in the job. The median of {@code rounds} passes after one warm-up pass.
 */
final class ParseOnlyRate {
    /**
     * @param eventsPerCpuSecond median over the measured rounds; {@code rounds} the per-round rates
     * @param events records parsed per round; {@code sampleStride} 1 if those are the whole input, else the
     *     distance between two of them in it ({@link ParseSample})
     */
    record Result(double eventsPerCpuSecond, double eventsPerWallSecond, double[] rounds, int events, long sampleStride) {
    }

    private static long sink;

    private ParseOnlyRate() {
    }

    static Result measure(List<byte[]> values, long sampleStride, ChangeEventParser parser, int rounds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        parseAll(values, parser);
        double[] cpuRates = new double[rounds];
        double[] wallRates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            parseAll(values, parser);
            long wall = System.nanoTime() - wall0;
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            cpuRates[r] = values.size() / ((cpu > 0 ? cpu : wall) / 1e9);
            wallRates[r] = values.size() / (wall / 1e9);
        }
        return new Result(median(cpuRates), median(wallRates), cpuRates, values.size(), sampleStride);
    }

    private static void parseAll(List<byte[]> values, ChangeEventParser parser) {
        long s = 0;
        for (byte[] v : values) {
            try {
                ChangeEvent e = parser.parse(null, v);
                if (e != null) {
                    s += e.version().minor() + e.key().hashCode();
                }
            } catch (ParseException ex) {
                s += ex.kind().ordinal();
            }
        }
        sink += s; // keeps the JIT from proving the work dead
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
