package io.snapdelta.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Kafka record values kept outside the Java heap: written once to a temporary file and memory-mapped read-only;
 * {@link #get} returns a fresh copy of one value.
 *
 * <p>Why: {@code bench job} runs the job, the Kafka broker and its own producer in one JVM, and its latency phase
 * sends the input at a fixed rate while the job runs. Held as {@code byte[]}s on the heap, a 5M-event capture's
 * values (3.2 GB) stayed live for the whole run beside the job, which no TaskManager has to carry: in session 20
 * (`-Xlog:gc`, the 1M-account capture, a 6 GB heap) 3.6-4.0 GB were live after each young collection of the
 * latency phase, and some runs went through concurrent marking cycles there. Mapped, those bytes are the kernel's
 * page cache (0.5-0.65 GB live after the same collections); the heap holds three primitive arrays, and each send
 * allocates one short-lived copy. G1's young pauses themselves did not get shorter (median 146 ms against 145).
 */
final class MappedRecords extends AbstractList<byte[]> implements RandomAccess {
    /** A value never straddles two mappings; each mapping is at most this long (a MappedByteBuffer is int-indexed). */
    static final int DEFAULT_CHUNK_BYTES = 1 << 30;

    private final MappedByteBuffer[] chunks;
    private final short[] chunkOf;
    private final int[] offset;
    private final int[] length;

    private MappedRecords(MappedByteBuffer[] chunks, short[] chunkOf, int[] offset, int[] length) {
        this.chunks = chunks;
        this.chunkOf = chunkOf;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Writes {@code values} to a new temporary file in {@code dir} and maps it; the file's name is gone before the
     * first value is written (see {@link Writer}): the mappings keep the unlinked file's pages readable until they are
     * collected, and nothing is left behind if the JVM dies.
     */
    static MappedRecords of(List<byte[]> values, Path dir) throws IOException {
        return of(values, dir, DEFAULT_CHUNK_BYTES);
    }

    static MappedRecords of(List<byte[]> values, Path dir, int chunkBytes) throws IOException {
        try (Writer w = new Writer(dir, chunkBytes)) {
            for (byte[] v : values) {
                w.append(v);
            }
            return w.finish();
        }
    }

    /**
     * Appends values to a temporary file one at a time, so that an input larger than the heap never has to be
     * held on it ({@code bench job} reads its capture straight into one); {@link #finish} maps the file.
     *
     * <p>The file is unlinked as soon as it is open and is written and mapped through that one open channel: a bench
     * killed while it reads a large capture (minutes for a 4M-account one) used to leave its file behind, 2.7 GB
     * for a 2M-account capture (session 34 found one in {@code /tmp}). Where the file system refuses to unlink an
     * open file (Windows), it is deleted when the channel closes or, failing that, when the JVM exits.
     */
    static final class Writer implements AutoCloseable {
        private final int chunkBytes;
        private final Path file;
        private final FileChannel channel;
        private final boolean unlinked;
        private final OutputStream out;
        private final List<long[]> spans = new ArrayList<>(); // {file position, bytes} per finished chunk
        private short[] chunkOf = new short[1024];
        private int[] offset = new int[1024];
        private int[] length = new int[1024];
        private int n;
        private long chunkStart;
        private long position;
        private boolean done;

        Writer(Path dir, int chunkBytes) throws IOException {
            this.chunkBytes = chunkBytes;
            this.file = Files.createTempFile(dir, "snapdelta-bench-input-", ".bin");
            try {
                this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            this.unlinked = unlink(file);
            // Buffered: one write call per MB, not one per record (5M records for the 1M-account capture). Not closed
            // before the mapping: closing a channel's stream closes the channel.
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        }

        private static boolean unlink(Path file) {
            try {
                Files.delete(file);
                return true;
            } catch (IOException refused) {
                file.toFile().deleteOnExit();
                return false;
            }
        }

        /** Whether the file's name was removed while it is being written (POSIX file systems). */
        boolean unlinked() {
            return unlinked;
        }

        void append(byte[] v) throws IOException {
            if (v.length > chunkBytes) {
                throw new IllegalArgumentException("record " + n + " has " + v.length + " bytes, more than a mapping's " + chunkBytes);
            }
            if (position - chunkStart + v.length > chunkBytes) {
                spans.add(new long[] {chunkStart, position - chunkStart});
                chunkStart = position;
            }
            if (spans.size() > Short.MAX_VALUE) {
                throw new IllegalArgumentException("more than " + Short.MAX_VALUE + " mappings");
            }
            if (n == length.length) {
                int grown = grownCapacity(n);
                chunkOf = java.util.Arrays.copyOf(chunkOf, grown);
                offset = java.util.Arrays.copyOf(offset, grown);
                length = java.util.Arrays.copyOf(length, grown);
            }
            chunkOf[n] = (short) spans.size();
            offset[n] = (int) (position - chunkStart);
            length[n] = v.length;
            n++;
            out.write(v);
            position += v.length;
        }

        /** Twice {@code n}, capped below the largest array the JVM allocates: the next size of a per-record array. */
        static int grownCapacity(int n) {
            return (int) Math.min(Integer.MAX_VALUE - 8, 2L * n);
        }

        /** Values appended so far. */
        int size() {
            return n;
        }

        MappedRecords finish() throws IOException {
            spans.add(new long[] {chunkStart, position - chunkStart});
            MappedByteBuffer[] chunks = new MappedByteBuffer[spans.size()];
            try {
                out.flush();
                for (int c = 0; c < chunks.length; c++) {
                    chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, spans.get(c)[0], spans.get(c)[1]);
                }
            } finally {
                done = true;
                release(); // a mapping stays valid after its channel is closed
            }
            return new MappedRecords(chunks, java.util.Arrays.copyOf(chunkOf, n), java.util.Arrays.copyOf(offset, n),
                    java.util.Arrays.copyOf(length, n));
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                release();
            }
        }

        private void release() throws IOException {
            try {
                channel.close();
            } finally {
                if (!unlinked) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Override
    public byte[] get(int i) {
        byte[] copy = new byte[length[i]];
        chunks[chunkOf[i]].get(offset[i], copy); // absolute: concurrent readers do not disturb each other
        return copy;
    }

    /** The length of value {@code i}, without copying it. */
    int length(int i) {
        return length[i];
    }

    @Override
    public int size() {
        return length.length;
    }
}
