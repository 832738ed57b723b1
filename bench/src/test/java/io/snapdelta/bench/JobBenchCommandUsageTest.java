package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench job refuses bad command lines with exit code 2 before it starts anything, and a missing file with 1. */
class JobBenchCommandUsageTest {
    @TempDir
    Path dir;

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        Path input = Files.writeString(dir.resolve("in.jsonl"), "{}\n");
        String in = input.toString();
        assertEquals(2, BenchMain.execute("job"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--format", "csv"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--rate", "0"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--rate", "fast"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--timeout", "soon"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--warmup-seconds", "-1"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--warmup-jit-share", "1.5"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--warmup-jit-share", "-0.1"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--latency-checkpoint-interval", "0ms"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--latency-warmup-jit-share", "1.5"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--latency-warmup-seconds", "-1"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--latency-warmup-runs", "-1"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--measured-runs", "0"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--measured-seconds", "-1"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--no.such.option", "1"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--shard.count", "0"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--generate-pgbench", "10:5"));
        assertEquals(2, BenchMain.execute("job", "--generate-pgbench", "10"));
        assertEquals(2, BenchMain.execute("job", "--generate-pgbench", "10:5", "--format", "snapdelta-json"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--managed-memory", "lots"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--managed-memory", "0m"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--input-compression", "brotli"));
        assertEquals(2, BenchMain.execute("job", "--input", in, "--flink-dir", in)); // a file, not a directory
        assertEquals(2, BenchMain.execute("job", "--input", in, "--flink-dir", ""));
    }

    /**
     * The job runs at parallelism 1 unless told otherwise (the input topic has one partition; README "bench job"),
     * and {@code --slots} still sets it; the JSON's {@code parallelism} reports what ran (JobBenchCommandITCase).
     */
    @Test
    void theJobRunsOnOneSlotByDefault() {
        JobBenchCommand byDefault = new JobBenchCommand();
        new picocli.CommandLine(byDefault).parseArgs("--input", "in.jsonl");
        assertEquals(1, byDefault.slots);
        JobBenchCommand two = new JobBenchCommand();
        new picocli.CommandLine(two).parseArgs("--input", "in.jsonl", "--slots", "2");
        assertEquals(2, two.slots);
        assertEquals(2, BenchMain.execute("job", "--input", "in.jsonl", "--slots", "0"));
    }

    @Test
    void aMissingInputFileExitsWithOne() {
        assertEquals(1, BenchMain.execute("job", "--input", dir.resolve("absent.jsonl").toString()));
    }
}
