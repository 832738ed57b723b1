package io.snapdelta.bench;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.Deflater;

/**
 * What the streamed changes cost as captured: the Debezium JSON lines (key + value, each with its
 * newline) compressed as one stream with zstd -3 and with gzip -6, the way {@code sizes.txt} of the shared
 * data measured them. zstd compresses the concatenated lines in one call; a capture whose streamed lines
 * exceed a Java array (2 GB) is compressed as a stream instead, with the total size pledged up front
 * ({@link #streamed} says which). gzip's deflate is always fed line by line: its output does not depend on
 * how its input is split.
 */
record DebeziumBaseline(long rawBytes, long zstd3Bytes, long gzip6Bytes, double zstd3Seconds, double zstd3CpuSeconds, boolean streamed) {
    /** Largest capture compressed in one call over one array (what the numbers before streaming measured). */
    static final long ONE_SHOT_MAX = Integer.MAX_VALUE - 16;

    /** The gzip header (10 bytes) and trailer (CRC-32 and length, 8 bytes) around the deflate stream. */
    static final int GZIP_FRAMING_BYTES = 18;
    private static final int CHUNK = 1 << 20;

    /** @param streamedLines the streamed changes' lines, without their newlines (the stream has one after each) */
    static DebeziumBaseline measure(List<byte[]> streamedLines) {
        long raw = 0;
        for (byte[] l : streamedLines) {
            raw += l.length + 1;
        }
        if (raw <= ONE_SHOT_MAX) {
            return oneShot(concatenated(streamedLines, (int) raw), streamedLines);
        }
        // Warm the JIT and zstd's native tables once so the timed run is not a cold start.
        zstd3(streamedLines.subList(0, Math.min(streamedLines.size(), 2000)), -1);
        long t0 = System.nanoTime();
        long c0 = BandwidthRun.cpuNanos();
        long zstd = zstd3(streamedLines, raw);
        double zstdCpuSeconds = (BandwidthRun.cpuNanos() - c0) / 1e9;
        double zstdSeconds = (System.nanoTime() - t0) / 1e9;
        return new DebeziumBaseline(raw, zstd, gzip6(streamedLines), zstdSeconds, zstdCpuSeconds, true);
    }

    /** zstd -3 in one call over one array (a streamed frame of the same bytes comes out ~0.03% larger). */
    private static DebeziumBaseline oneShot(byte[] all, List<byte[]> lines) {
        Zstd.compress(java.util.Arrays.copyOf(all, Math.min(all.length, 1 << 20)), 3);
        long t0 = System.nanoTime();
        long c0 = BandwidthRun.cpuNanos();
        int zstd = Zstd.compress(all, 3).length;
        double zstdCpuSeconds = (BandwidthRun.cpuNanos() - c0) / 1e9;
        double zstdSeconds = (System.nanoTime() - t0) / 1e9;
        return new DebeziumBaseline(all.length, zstd, gzip6(lines), zstdSeconds, zstdCpuSeconds, false);
    }

    private static byte[] concatenated(List<byte[]> lines, int length) {
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] l : lines) {
            System.arraycopy(l, 0, all, at, l.length);
            at += l.length;
            all[at++] = '\n';
        }
        return all;
    }

    /**
     * Bytes of one zstd -3 frame over the lines, each followed by a newline; {@code pledged} is the total
     * length (newlines included), or -1 if not known.
     */
    static long zstd3(List<byte[]> lines, long pledged) {
        return zstd3(lines, pledged, null);
    }

    /** The frame {@link #zstd3(List, long)} counts (tests). */
    static byte[] zstd3Frame(List<byte[]> lines, long pledged) {
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
        zstd3(lines, pledged, frame);
        return frame.toByteArray();
    }

    private static long zstd3(List<byte[]> lines, long pledged, java.io.ByteArrayOutputStream sink) {
        ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer out = ByteBuffer.allocateDirect(CHUNK + (CHUNK >>> 7) + 1024);
        long written = 0;
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(3);
            if (pledged >= 0) {
                ctx.setPledgedSrcSize(pledged);
            }
            for (byte[] line : lines) {
                int off = 0;
                while (off < line.length) {
                    int n = Math.min(in.remaining(), line.length - off);
                    in.put(line, off, n);
                    off += n;
                    if (!in.hasRemaining()) {
                        written += feed(ctx, in, out, EndDirective.CONTINUE, sink);
                    }
                }
                if (!in.hasRemaining()) {
                    written += feed(ctx, in, out, EndDirective.CONTINUE, sink);
                }
                in.put((byte) '\n');
            }
            written += feed(ctx, in, out, EndDirective.END, sink);
        }
        return written;
    }

    /** Compresses what {@code in} holds (all of it; with END, until the frame is complete); returns the bytes out. */
    private static long feed(ZstdCompressCtx ctx, ByteBuffer in, ByteBuffer out, EndDirective directive,
                             java.io.ByteArrayOutputStream sink) {
        in.flip();
        long written = 0;
        boolean done;
        do {
            out.clear();
            done = ctx.compressDirectByteBufferStream(out, in, directive);
            written += out.position();
            if (sink != null) {
                out.flip();
                byte[] b = new byte[out.remaining()];
                out.get(b);
                sink.writeBytes(b);
            }
        } while (in.hasRemaining() || directive == EndDirective.END && !done);
        in.clear();
        return written;
    }

    /** Bytes of a gzip -6 file of the lines, each followed by a newline: the deflate stream plus gzip's framing. */
    static long gzip6(List<byte[]> lines) {
        byte[] newline = {'\n'};
        Deflater deflater = new Deflater(6, true);
        byte[] out = new byte[CHUNK];
        long written = 0;
        try {
            for (byte[] line : lines) {
                for (byte[] piece : new byte[][] {line, newline}) {
                    deflater.setInput(piece);
                    while (!deflater.needsInput()) {
                        written += deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH);
                    }
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                written += deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH);
            }
        } finally {
            deflater.end();
        }
        return written + GZIP_FRAMING_BYTES;
    }
}
