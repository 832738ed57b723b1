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
 * data measured them. zstd compresses the concatenated lines in one call while they fit a quarter of the heap
 * (and a Java array); a larger capture is compressed as a stream as its lines are read, never held whole
 * ({@link Accumulator}; {@link #streamed} says which). gzip's deflate is always fed line by line: its output does not depend on
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
        Accumulator a = new Accumulator(ONE_SHOT_MAX);
        streamedLines.forEach(a::add);
        return a.finish();
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

    /**
     * Takes the streamed lines one at a time, in order, so a capture is never held as a list of lines: up to
     * {@code oneShotBudget} bytes (lines and newlines) it keeps them in one growing array and compresses that
     * in one call at the end (the same bytes as before); past the budget it switches to one zstd -3 stream
     * (no pledged size: the total is not known yet) and a deflate stream, fed as the lines arrive, and times
     * only the zstd calls. Not thread-safe.
     */
    static final class Accumulator {
        private static final byte[] NEWLINE = {'\n'};
        private final long oneShotBudget;
        private byte[] buf = new byte[1 << 16];
        private int len;
        private long raw;
        // Streaming mode (after the budget was exceeded).
        private ZstdCompressCtx ctx;
        private ByteBuffer in;
        private ByteBuffer out;
        private Deflater deflater;
        private byte[] deflated;
        private long zstdBytes;
        private long gzipBytes;
        private long zstdNanos;
        private long zstdCpuNanos;

        /** @param oneShotBudget most bytes compressed in one call (at most {@link #ONE_SHOT_MAX}) */
        Accumulator(long oneShotBudget) {
            this.oneShotBudget = Math.min(oneShotBudget, ONE_SHOT_MAX);
        }

        /** The budget for a bench run: a quarter of the heap the JVM may grow to, at most {@link #ONE_SHOT_MAX}. */
        static Accumulator forThisJvm() {
            return new Accumulator(Runtime.getRuntime().maxMemory() / 4);
        }

        /** One streamed change's line, without its newline (the stream has one after each line). */
        void add(byte[] line) {
            raw += line.length + 1L;
            if (ctx == null && len + (long) line.length + 1 <= oneShotBudget) {
                if (len + line.length + 1 > buf.length) {
                    long want = Math.max((long) buf.length * 2, (long) len + line.length + 1);
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(want, oneShotBudget));
                }
                System.arraycopy(line, 0, buf, len, line.length);
                len += line.length;
                buf[len++] = '\n';
                return;
            }
            if (ctx == null) {
                startStreaming();
            }
            stream(line);
            stream(NEWLINE);
        }

        DebeziumBaseline finish() {
            if (ctx == null) {
                return oneShot();
            }
            timedFeed(EndDirective.END);
            ctx.close();
            deflater.finish();
            while (!deflater.finished()) {
                gzipBytes += deflater.deflate(deflated, 0, deflated.length, Deflater.NO_FLUSH);
            }
            deflater.end();
            return new DebeziumBaseline(raw, zstdBytes, gzipBytes + GZIP_FRAMING_BYTES, zstdNanos / 1e9, zstdCpuNanos / 1e9, true);
        }

        /** zstd -3 in one call over the buffered bytes: the frame {@code Zstd.compress} makes of the same bytes. */
        private DebeziumBaseline oneShot() {
            Zstd.compress(java.util.Arrays.copyOf(buf, Math.min(len, 1 << 20)), 3); // warm zstd's native tables
            byte[] dst = new byte[(int) Zstd.compressBound(len)];
            long t0 = System.nanoTime();
            long c0 = BandwidthRun.cpuNanos();
            long zstd = Zstd.compressByteArray(dst, 0, dst.length, buf, 0, len, 3);
            double zstdCpuSeconds = (BandwidthRun.cpuNanos() - c0) / 1e9;
            double zstdSeconds = (System.nanoTime() - t0) / 1e9;
            if (Zstd.isError(zstd)) {
                throw new IllegalStateException("zstd -3 over the Debezium lines failed: " + Zstd.getErrorName(zstd));
            }
            return new DebeziumBaseline(raw, zstd, gzip6(buf, len), zstdSeconds, zstdCpuSeconds, false);
        }

        private void startStreaming() {
            Zstd.compress(java.util.Arrays.copyOf(buf, Math.min(len, 1 << 20)), 3); // warm zstd's native tables
            ctx = new ZstdCompressCtx();
            ctx.setLevel(3);
            in = ByteBuffer.allocateDirect(CHUNK);
            out = ByteBuffer.allocateDirect(CHUNK + (CHUNK >>> 7) + 1024);
            deflater = new Deflater(6, true);
            deflated = new byte[CHUNK];
            byte[] buffered = buf;
            int n = len;
            buf = null;
            len = 0;
            for (int off = 0; off < n; off += CHUNK) {
                stream(buffered, off, Math.min(CHUNK, n - off));
            }
        }

        private void stream(byte[] b) {
            stream(b, 0, b.length);
        }

        private void stream(byte[] b, int off, int n) {
            deflater.setInput(b, off, n);
            while (!deflater.needsInput()) {
                gzipBytes += deflater.deflate(deflated, 0, deflated.length, Deflater.NO_FLUSH);
            }
            int end = off + n;
            while (off < end) {
                int k = Math.min(in.remaining(), end - off);
                in.put(b, off, k);
                off += k;
                if (!in.hasRemaining()) {
                    timedFeed(EndDirective.CONTINUE);
                }
            }
        }

        private void timedFeed(EndDirective directive) {
            long t0 = System.nanoTime();
            long c0 = BandwidthRun.cpuNanos();
            zstdBytes += feed(ctx, in, out, directive, null);
            zstdCpuNanos += BandwidthRun.cpuNanos() - c0;
            zstdNanos += System.nanoTime() - t0;
        }
    }

    /** {@link #gzip6(List)} over {@code n} bytes of one array (deflate's output does not depend on how its input is split). */
    static long gzip6(byte[] all, int n) {
        Deflater deflater = new Deflater(6, true);
        byte[] out = new byte[CHUNK];
        long written = 0;
        try {
            deflater.setInput(all, 0, n);
            while (!deflater.needsInput()) {
                written += deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH);
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
