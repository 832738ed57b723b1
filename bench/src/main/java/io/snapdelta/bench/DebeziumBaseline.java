package io.snapdelta.bench;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * What the streamed changes cost as captured: the Debezium JSON lines (key + value) compressed as one
 * stream with zstd -3 and with gzip -6, the way {@code sizes.txt} of the shared data measured them.
 */
record DebeziumBaseline(long rawBytes, long zstd3Bytes, long gzip6Bytes, double zstd3Seconds, double zstd3CpuSeconds) {
    static DebeziumBaseline measure(byte[] streamedLines) {
        // Warm the JIT and zstd's native tables once so the timed run is not a cold start.
        Zstd.compress(java.util.Arrays.copyOf(streamedLines, Math.min(streamedLines.length, 1 << 20)), 3);
        long t0 = System.nanoTime();
        long c0 = BandwidthRun.cpuNanos();
        byte[] zstd = Zstd.compress(streamedLines, 3);
        double zstdCpuSeconds = (BandwidthRun.cpuNanos() - c0) / 1e9;
        double zstdSeconds = (System.nanoTime() - t0) / 1e9;
        return new DebeziumBaseline(streamedLines.length, zstd.length, gzip6(streamedLines), zstdSeconds, zstdCpuSeconds);
    }

    private static long gzip6(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 8 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(6);
            }
        }) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size();
    }

}
