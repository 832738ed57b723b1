package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedRecordsTest {
    @TempDir
    Path dir;

    @Test
    void everyValueComesBackAsWrittenAcrossMappingBoundariesAndTheFileIsGone() throws Exception {
        Random random = new Random(20);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] v = new byte[i % 7 == 0 ? 0 : random.nextInt(40)];
            random.nextBytes(v);
            values.add(v);
        }
        MappedRecords mapped = MappedRecords.of(values, dir, 64); // dozens of mappings, values ending at their edges
        assertEquals(values.size(), mapped.size());
        for (int i = 0; i < values.size(); i++) {
            assertArrayEquals(values.get(i), mapped.get(i), "record " + i);
            assertEquals(values.get(i).length, mapped.length(i), "length of record " + i);
        }
        assertNotSame(mapped.get(3), mapped.get(3), "each get is a copy the caller may keep or change");
        assertEquals(values.subList(10, 20).stream().map(String::new).toList(),
                mapped.subList(10, 20).stream().map(String::new).toList());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "the temporary file is deleted once mapped");
        }
    }

    @Test
    void theFileHasNoNameWhileItIsWrittenSoAKilledBenchLeavesNothingBehind() throws Exception {
        try (MappedRecords.Writer w = new MappedRecords.Writer(dir, 64)) {
            assertTrue(w.unlinked(), "a POSIX file system unlinks an open file");
            assertEquals(0, filesIn(dir), "no name left for a killed JVM to leave behind");
            for (int i = 0; i < 100; i++) {
                w.append(("value " + i).getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(0, filesIn(dir));
            MappedRecords mapped = w.finish();
            assertEquals(100, mapped.size());
            assertEquals("value 0", new String(mapped.get(0), StandardCharsets.UTF_8));
            assertEquals("value 99", new String(mapped.get(99), StandardCharsets.UTF_8));
        }
        assertEquals(0, filesIn(dir));
    }

    @Test
    void anUnfinishedWriterClosedLeavesNothing() throws Exception {
        try (MappedRecords.Writer w = new MappedRecords.Writer(dir, 64)) {
            w.append(new byte[10]);
        }
        assertEquals(0, filesIn(dir));
    }

    private static long filesIn(Path dir) throws Exception {
        try (Stream<Path> left = Files.list(dir)) {
            return left.count();
        }
    }

    @Test
    void aValueLongerThanAMappingIsRefusedNamingTheRecord() {
        List<byte[]> values = List.of("ok".getBytes(StandardCharsets.UTF_8), new byte[65]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MappedRecords.of(values, dir, 64));
        assertTrue(e.getMessage().contains("record 1 has 65 bytes"), e.getMessage());
    }
}
