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
 * ({@link Accumulator}; {@link #streamed} says which). gzip's size does not depend on how its input is split.
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
        byte[] newline = {'\n'};
        try (Zstd3Stream zstd = new Zstd3Stream(pledged, sink)) {
            for (byte[] line : lines) {
                zstd.add(line, 0, line.length);
                zstd.add(newline, 0, 1);
            }
            return zstd.end();
        }
    }

    /**
     * One zstd -3 frame fed from heap arrays through a 1 MB direct buffer, compressed each time the buffer is
     * full (so the same bytes give the same frame however they are split into calls); counts the frame's bytes,
     * copies them to {@code sink} if one is given, and times the compression calls alone.
     */
    static final class Zstd3Stream implements AutoCloseable {
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();
        private final ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
        private final ByteBuffer out = ByteBuffer.allocateDirect(CHUNK + (CHUNK >>> 7) + 1024);
        private final java.io.ByteArrayOutputStream sink;
        private long written;
        private long nanos;
        private long cpuNanos;

        /** @param pledged the total length, or -1 if not known; @param sink receives the frame, or null */
        Zstd3Stream(long pledged, java.io.ByteArrayOutputStream sink) {
            this.sink = sink;
            ctx.setLevel(3);
            if (pledged >= 0) {
                ctx.setPledgedSrcSize(pledged);
            }
        }

        void add(byte[] b, int off, int n) {
            int end = off + n;
            while (off < end) {
                int k = Math.min(in.remaining(), end - off);
                in.put(b, off, k);
                off += k;
                if (!in.hasRemaining()) {
                    feed(EndDirective.CONTINUE);
                }
            }
        }

        /** Ends the frame; returns its length in bytes. */
        long end() {
            feed(EndDirective.END);
            return written;
        }

        double seconds() {
            return nanos / 1e9;
        }

        double cpuSeconds() {
            return cpuNanos / 1e9;
        }

        /** Compresses what {@code in} holds (all of it; with END, until the frame is complete). */
        private void feed(EndDirective directive) {
            long t0 = System.nanoTime();
            long c0 = BandwidthRun.cpuNanos();
            in.flip();
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
            cpuNanos += BandwidthRun.cpuNanos() - c0;
            nanos += System.nanoTime() - t0;
        }

        @Override
        public void close() {
            ctx.close();
        }
    }

    /** Bytes of a gzip -6 file of the lines, each followed by a newline: the deflate stream plus gzip's framing. */
    static long gzip6(List<byte[]> lines) {
        byte[] newline = {'\n'};
        Gzip6Size gzip = new Gzip6Size();
        for (byte[] line : lines) {
            gzip.add(line, 0, line.length);
            gzip.add(newline, 0, 1);
        }
        return gzip.finish();
    }

    /**
     * The size of a gzip -6 file of the bytes added, counted as deflate produces it (nothing kept); deflate's
     * output does not depend on how its input is split. {@link #finish()} ends it.
     */
    static final class Gzip6Size {
        private final Deflater deflater = new Deflater(6, true);
        private final byte[] out = new byte[CHUNK];
        private long written;

        void add(byte[] b, int off, int n) {
            deflater.setInput(b, off, n);
            while (!deflater.needsInput()) {
                written += deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH);
            }
        }

        /** The deflate stream's bytes plus gzip's framing; releases the deflater. */
        long finish() {
            try {
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
        private Zstd3Stream zstd;
        private Gzip6Size gzip;

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
            if (zstd == null && len + (long) line.length + 1 <= oneShotBudget) {
                if (len + line.length + 1 > buf.length) {
                    long want = Math.max((long) buf.length * 2, (long) len + line.length + 1);
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(want, oneShotBudget));
                }
                System.arraycopy(line, 0, buf, len, line.length);
                len += line.length;
                buf[len++] = '\n';
                return;
            }
            if (zstd == null) {
                startStreaming();
            }
            stream(line);
            stream(NEWLINE);
        }

        DebeziumBaseline finish() {
            if (zstd == null) {
                return oneShot();
            }
            long frame = zstd.end();
            zstd.close();
            return new DebeziumBaseline(raw, frame, gzip.finish(), zstd.seconds(), zstd.cpuSeconds(), true);
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
            Gzip6Size gzip = new Gzip6Size();
            gzip.add(buf, 0, len);
            return new DebeziumBaseline(raw, zstd, gzip.finish(), zstdSeconds, zstdCpuSeconds, false);
        }

        private void startStreaming() {
            Zstd.compress(java.util.Arrays.copyOf(buf, Math.min(len, 1 << 20)), 3); // warm zstd's native tables
            zstd = new Zstd3Stream(-1, null);
            gzip = new Gzip6Size();
            byte[] buffered = buf;
            int n = len;
            buf = null;
            len = 0;
            stream(buffered, 0, n);
        }

        private void stream(byte[] b) {
            stream(b, 0, b.length);
        }

        private void stream(byte[] b, int off, int n) {
            gzip.add(b, off, n);
            zstd.add(b, off, n);
        }
    }
}
