package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class DebeziumBaselineTest {
    /** Lines of varied length, some longer than the 1 MB chunk the streamed compressor is fed in. */
    private static List<byte[]> lines() {
        Random rnd = new Random(3);
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int n = i % 1000 == 7 ? (1 << 20) + 123 : rnd.nextInt(700);
            byte[] l = new byte[n];
            for (int k = 0; k < n; k++) {
                l[k] = (byte) ('a' + rnd.nextInt(i % 3 == 0 ? 3 : 26));
            }
            lines.add(l);
        }
        return lines;
    }

    private static byte[] concatenated(List<byte[]> lines) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            all.writeBytes(l);
            all.write('\n');
        }
        return all.toByteArray();
    }

    @Test
    void theStreamedZstdFrameHoldsExactlyTheLinesEachWithItsNewline() throws Exception {
        List<byte[]> lines = lines();
        byte[] expected = concatenated(lines);
        // Recompress to capture the frame: zstd3 only counts, so compare its count with a real frame's length too.
        long counted = DebeziumBaseline.zstd3(lines, expected.length);
        byte[] frame = DebeziumBaseline.zstd3Frame(lines, expected.length);
        assertEquals(frame.length, counted);
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(frame))) {
            assertArrayEquals(expected, in.readAllBytes());
        }
    }

    @Test
    void gzipIsTheSizeOfGzipOutputStreamAtLevel6OverTheConcatenatedLines() throws Exception {
        List<byte[]> lines = lines();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(6);
            }
        }) {
            gz.write(concatenated(lines));
        }
        assertEquals(out.size(), DebeziumBaseline.gzip6(lines));
    }

    private static long gzipOutputStreamSize(byte[] all) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(6);
            }
        }) {
            gz.write(all);
        }
        return out.size();
    }

    @Test
    void linesWithinTheBudgetAreCompressedInOneCallAsZstdCompressWouldOverTheConcatenation() throws Exception {
        List<byte[]> lines = lines();
        byte[] all = concatenated(lines);
        DebeziumBaseline.Accumulator a = new DebeziumBaseline.Accumulator(all.length);
        lines.forEach(a::add);
        DebeziumBaseline b = a.finish();
        assertFalse(b.streamed());
        assertEquals(all.length, b.rawBytes());
        assertEquals(com.github.luben.zstd.Zstd.compress(all, 3).length, b.zstd3Bytes());
        assertEquals(gzipOutputStreamSize(all), b.gzip6Bytes());
    }

    @Test
    void linesPastTheBudgetAreStreamedAsTheyComeWithTheFrameOfAStreamAndTheSameGzip() throws Exception {
        List<byte[]> lines = lines();
        byte[] all = concatenated(lines);
        // A budget inside the data: the first lines are buffered, then everything is streamed.
        DebeziumBaseline.Accumulator a = new DebeziumBaseline.Accumulator(100_000);
        lines.forEach(a::add);
        DebeziumBaseline b = a.finish();
        org.junit.jupiter.api.Assertions.assertTrue(b.streamed());
        assertEquals(all.length, b.rawBytes());
        // Fed in the same 1 MB pieces of the same bytes as a stream without a pledged size: the same frame,
        // which holds exactly the lines (theStreamedZstdFrameHoldsExactlyTheLinesEachWithItsNewline).
        assertEquals(DebeziumBaseline.zstd3(lines, -1), b.zstd3Bytes());
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(DebeziumBaseline.zstd3Frame(lines, -1)))) {
            assertArrayEquals(all, in.readAllBytes());
        }
        assertEquals(gzipOutputStreamSize(all), b.gzip6Bytes());
        org.junit.jupiter.api.Assertions.assertTrue(b.zstd3CpuSeconds() > 0, "the zstd calls were timed");
    }

    @Test
    void aCaptureThatFitsOneArrayIsCompressedInOneCall() {
        DebeziumBaseline b = DebeziumBaseline.measure(List.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(b.streamed());
        assertEquals(8, b.rawBytes());
    }
}
