package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --flink-dir}: the embedded Flink cluster's files (RocksDB's working files, checkpoints) go to a fresh directory
 * under the given one, apart from the stack's own directory, and are removed when the stack closes.
 */
class LocalStackFlinkDirectoryTest {
    @TempDir
    Path parent;

    @Test
    void aKeyedJobsRocksDbFilesAndCheckpointsAreUnderTheGivenDirectoryAndGoneAfterClose() throws Exception {
        Path given = LocalFlink.parentDirectory(parent.resolve("flink").resolve("nested").toString()); // missing: created
        Path stackParent = parent.resolve("stack");
        Path rocksDb;
        Path checkpoints;
        try (LocalStack stack = LocalStack.start(stackParent, given, 1, Map.of(), Map.of())) {
            LocalFlink flink = stack.flink();
            rocksDb = flink.rocksDbDirectory();
            checkpoints = flink.checkpointDirectory();
            assertTrue(rocksDb.startsWith(given) && checkpoints.startsWith(given), rocksDb + ", " + checkpoints);
            assertFalse(rocksDb.startsWith(stack.workDir()), "not inside the stack's own directory " + stack.workDir());
            assertEquals(Files.getFileStore(parent).type(), LocalFlink.fileSystemType(rocksDb));

            Configuration jobConf = new Configuration();
            jobConf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
            StreamExecutionEnvironment env = flink.environment(jobConf);
            // A source paced by Flink's rate limiter that never ends: the job runs until the test has seen its files.
            DataGeneratorSource<Long> paced = new DataGeneratorSource<>(i -> i, Long.MAX_VALUE, RateLimiterStrategy.perSecond(1000), Types.LONG);
            env.fromSource(paced, WatermarkStrategy.noWatermarks(), "paced").keyBy(n -> n % 10).process(new Counter())
                    .sinkTo(new DiscardingSink<>());
            JobClient job = env.executeAsync("flink-dir test");
            try {
                Await.until(Duration.ofSeconds(60), "RocksDB files under " + rocksDb, () -> hasFile(rocksDb, "OPTIONS-"));
                Await.until(Duration.ofSeconds(60), "a completed checkpoint", () -> flink.completedCheckpoints(job.getJobID()) >= 1);
                assertTrue(hasFile(checkpoints.resolve(job.getJobID().toHexString()), "_metadata"),
                        "a checkpoint's metadata under " + checkpoints);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        assertFalse(Files.exists(rocksDb), "removed on close: " + rocksDb);
        try (Stream<Path> left = Files.list(given)) {
            assertEquals(List.of(), left.toList(), "nothing left under the given directory");
        }
    }

    @Test
    void theParentIsTheGivenPathMadeAbsolute() {
        assertEquals(parent.resolve("missing/child").toAbsolutePath(), LocalFlink.parentDirectory(" " + parent.resolve("missing/child") + " "));
    }

    @Test
    void anEmptyValueOrAFileIsRefusedByName() throws IOException {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> LocalFlink.parentDirectory(" "));
        assertEquals("Flink directory must not be empty", empty.getMessage());
        Path file = Files.writeString(parent.resolve("a-file"), "x");
        IllegalArgumentException notADirectory = assertThrows(IllegalArgumentException.class, () -> LocalFlink.parentDirectory(file.toString()));
        assertEquals("Flink directory '" + file + "' is not a directory", notADirectory.getMessage());
        IllegalArgumentException underAFile = assertThrows(IllegalArgumentException.class,
                () -> LocalFlink.parentDirectory(file.resolve("child").toString()));
        assertEquals("Flink directory '" + file.resolve("child") + "' is not a directory (" + file + " is a file)", underAFile.getMessage());
    }

    @Test
    void theFileSystemTypeOfAMissingDirectoryIsItsNearestAncestorsOne() throws IOException {
        assertEquals(Files.getFileStore(parent).type(), LocalFlink.fileSystemType(parent.resolve("not/yet/there")));
    }

    private static boolean hasFile(Path dir, String namePrefix) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(namePrefix));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // an entry created or removed mid-walk (RocksDB, the checkpoint coordinator): look again
        }
    }

    /** A per-key count in RocksDB-backed state. */
    static final class Counter extends KeyedProcessFunction<Long, Long, String> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<String> out) throws Exception {
            long n = count.value() == null ? 1 : count.value() + 1;
            count.update(n);
            out.collect(ctx.getCurrentKey() + ":" + n);
        }
    }
}
