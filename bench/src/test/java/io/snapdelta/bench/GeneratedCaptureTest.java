package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParserLimits;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedCaptureTest {
    @TempDir
    Path dir;

    @Test
    void theFileHoldsTheWorkloadsLinesEachAValidDebeziumRecord() throws Exception {
        GeneratedCapture.Spec spec = GeneratedCapture.Spec.parse("250:40");
        Path file = GeneratedCapture.write(spec, dir);
        List<String> lines = Files.readAllLines(file);
        List<byte[]> expected = new PgbenchDebeziumWorkload(250, 40, 1).lines();
        assertEquals(expected.size(), lines.size());
        assertEquals(spec.events(), lines.size());
        ChangeEventParser parser = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertArrayEquals(expected.get(i), line, "line " + (i + 1));
            assertNotNull(parser.parse(null, line), "line " + (i + 1));
        }
        assertTrue(file.getFileName().toString().endsWith(".jsonl"));
    }

    @Test
    void aSkewedCaptureDrawsTheHotAccountsFarMoreOftenAndIsTheSameFileEveryTime() throws Exception {
        GeneratedCapture.Spec skewed = GeneratedCapture.Spec.parse("1000:4000:1.1");
        assertEquals(1.1, skewed.skew());
        Path a = dir.resolve("a.jsonl.zst");
        Path b = dir.resolve("b.jsonl.zst");
        assertEquals(0, BenchMain.execute("generate", "--pgbench", "1000:4000:1.1", "--output", a.toString()));
        assertEquals(0, BenchMain.execute("generate", "--pgbench", "1000:4000:1.1", "--output", b.toString()));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        List<byte[]> lines = InputLines.read(a);
        assertEquals(skewed.events(), lines.size());
        // Accounts updated by the transactions: account 1 alone takes a share a uniform draw gives 10 accounts
        // (Zipf 1.1 over 1000 gives it ~15%, uniform 0.1%), and every line still parses.
        ChangeEventParser parser = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
        int updates = 0;
        int hottest = 0;
        for (byte[] line : lines) {
            var e = parser.parse(null, line);
            assertNotNull(e);
            if (e.table().name().equals("pgbench_accounts") && e.op() == io.snapdelta.model.ChangeOp.UPDATE) {
                updates++;
                if (((Long) e.key().get(0)) == 1L) {
                    hottest++;
                }
            }
        }
        assertEquals(4000, updates);
        assertTrue(hottest > 0.05 * updates, hottest + " of " + updates);
        // Uniform (no SKEW) is the three-argument workload, byte for byte.
        Path u = dir.resolve("u.jsonl");
        assertEquals(0, BenchMain.execute("generate", "--pgbench", "250:40", "--output", u.toString()));
        List<byte[]> expected = new PgbenchDebeziumWorkload(250, 40, 1).lines();
        List<byte[]> got = InputLines.read(u);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "line " + (i + 1));
        }
    }

    @Test
    void generateRefusesAnOutputThatIsNotJsonl() {
        assertEquals(2, BenchMain.execute("generate", "--pgbench", "10:1", "--output", dir.resolve("x.csv").toString()));
        assertEquals(2, BenchMain.execute("generate", "--pgbench", "10", "--output", dir.resolve("x.jsonl").toString()));
    }

    @Test
    void aSpecThatIsNotTwoNonNegativeIntegersAndTwoSharesIsRefusedSayingWhatWasExpected() {
        for (String bad : new String[] {"100", "100:", ":5", "a:5", "0:5", "10:-1", "1:2:x", "1:2:-1", "1:2:NaN", "1:2:3:4",
            "1:2:0:1.5", "1:2:0:x", "1:2:0:-0.1", "1:2:0:NaN", "1:2:0:0.1:5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratedCapture.Spec.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void aCaptureWithDeletesCountsItsDeleteAndTombstoneLines() throws Exception {
        GeneratedCapture.Spec spec = GeneratedCapture.Spec.parse("200:500:1.1:0.2");
        assertEquals(0.2, spec.deletes());
        Path file = dir.resolve("d.jsonl.zst");
        assertEquals(0, BenchMain.execute("generate", "--pgbench", "200:500:1.1:0.2", "--output", file.toString()));
        List<byte[]> lines = InputLines.read(file);
        assertEquals(spec.events(), lines.size());
        ChangeEventParser parser = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
        int deletes = 0;
        int tombstones = 0;
        for (byte[] line : lines) {
            var e = parser.parse(null, line);
            if (e == null) {
                tombstones++;
            } else if (e.op() == io.snapdelta.model.ChangeOp.DELETE) {
                deletes++;
            }
        }
        assertTrue(deletes > 0, "no deletes");
        assertEquals(deletes, tombstones);
        assertEquals(200 + 1 + 2 + 4 * 500 + 2 * deletes, lines.size());
    }
}
