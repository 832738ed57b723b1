package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardingVersion;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobBenchInputTest {
    @TempDir
    Path dir;

    @Test
    void everyRecordIsMappedOffTheHeapWithItsShardAndVersionOrItsDeadLetterOrTombstoneMark() throws Exception {
        List<byte[]> lines = new ArrayList<>(new PgbenchDebeziumWorkload(50, 200, 3, 1.1, 0.3).lines());
        lines.add(5, "{not json".getBytes(StandardCharsets.UTF_8));
        Path file = CaptureFiles.write(lines, dir.resolve("capture.jsonl"));
        Path mapDir = Files.createDirectory(dir.resolve("maps"));
        ParseSample sample = new ParseSample(2_000); // far below the capture: a strided sample

        JobBenchInput input = JobBenchInput.read(file, InputFormat.DEBEZIUM_JSON, new DebeziumJsonParser(), 8, ShardingVersion.V2,
                mapDir, sample);

        assertInstanceOf(MappedRecords.class, input.values);
        assertEquals(lines.size(), input.size());
        assertEquals(lines.size(), sample.offered());
        assertTrue(sample.stride() > 1, "stride " + sample.stride());
        ShardAssigner assigner = new ShardAssigner(8, ShardingVersion.V2);
        DebeziumJsonParser parser = new DebeziumJsonParser();
        long bytes = 0;
        int tombstones = 0;
        for (int i = 0; i < lines.size(); i++) {
            assertArrayEquals(lines.get(i), input.values.get(i), "record " + i);
            bytes += lines.get(i).length;
            if (i == 5) {
                assertEquals(JobBenchInput.DEAD_LETTER, input.shard[i]);
                continue;
            }
            ChangeEvent e = parser.parse(null, lines.get(i));
            if (e == null) {
                assertEquals(JobBenchInput.TOMBSTONE, input.shard[i], "record " + i);
                tombstones++;
                continue;
            }
            assertEquals(assigner.shardOf(e.table(), e.key()), input.shard[i], "record " + i);
            assertEquals(e.version().major(), input.versionMajor[i], "record " + i);
            assertEquals(e.version().minor(), input.versionMinor[i], "record " + i);
        }
        assertTrue(tombstones > 0, "the capture has tombstones");
        assertEquals(bytes, input.bytes);
        assertEquals(1, input.deadLetters);
        assertEquals(tombstones, input.tombstones);
        assertEquals(lines.size() - 1 - tombstones, input.valid);
        for (int k = 0; k < sample.values().size(); k++) {
            assertArrayEquals(lines.get((int) (k * sample.stride())), sample.values().get(k), "sample record " + k);
        }
        try (Stream<Path> left = Files.list(mapDir)) {
            assertEquals(0, left.count(), "the mapped file is unlinked once mapped");
        }
    }
}
