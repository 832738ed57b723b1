package io.snapdelta.bench;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParseException;
import io.snapdelta.localstack.InputLines;
import io.snapdelta.localstack.InputProducer;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardingVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The input of {@code bench job}: the Kafka record value of every line (exactly what {@link InputProducer}
 * sends), memory-mapped off the heap, and for each record where the job will put it: its shard
 * ({@code shard = stable hash(table, key) mod S}) and its version, or {@link #DEAD_LETTER} or
 * {@link #TOMBSTONE} for a record the job does not shard. The latency phase maps changes to committed
 * batches with these.
 */
final class JobBenchInput {
    /** {@link #shard} of a record the parser rejects (the job sends it to the dead-letter topic). */
    static final int DEAD_LETTER = -1;
    /** {@link #shard} of a tombstone (null value): counted by the job, carries no change. */
    static final int TOMBSTONE = -2;

    final Path file;
    final InputFormat format;
    final List<byte[]> values;
    final int[] shard;
    final long[] versionMajor;
    final long[] versionMinor;
    final long bytes;
    final long valid;
    final long deadLetters;
    final long tombstones;

    private JobBenchInput(Path file, InputFormat format, List<byte[]> values, int[] shard, long[] versionMajor,
                          long[] versionMinor, long bytes, long valid, long deadLetters, long tombstones) {
        this.file = file;
        this.format = format;
        this.values = values;
        this.shard = shard;
        this.versionMajor = versionMajor;
        this.versionMinor = versionMinor;
        this.bytes = bytes;
        this.valid = valid;
        this.deadLetters = deadLetters;
        this.tombstones = tombstones;
    }

    /**
     * Reads every line of {@code file} and parses it once with {@code parser} (the job's parser). The record values
     * go straight to a memory-mapped temporary file in {@code dir} ({@link MappedRecords}), never all on the heap,
     * so a capture larger than the heap can be benchmarked; {@code sample} keeps the parse-only rate's records.
     */
    static JobBenchInput read(Path file, InputFormat format, ChangeEventParser parser, int shards, ShardingVersion sharding,
                              Path dir, ParseSample sample) throws IOException {
        ShardAssigner assigner = new ShardAssigner(shards, sharding);
        int[] shard = new int[1024];
        long[] major = new long[1024];
        long[] minor = new long[1024];
        long bytes = 0;
        long valid = 0;
        long dead = 0;
        long tombstones = 0;
        MappedRecords values;
        try (InputLines in = InputLines.open(file); MappedRecords.Writer out = new MappedRecords.Writer(dir, MappedRecords.DEFAULT_CHUNK_BYTES)) {
            byte[] line;
            while ((line = in.next()) != null) {
                byte[] value = InputProducer.recordValue(line, format, in.lineNumber(), file);
                int i = out.size();
                out.append(value);
                sample.offer(value);
                if (i == shard.length) {
                    int grown = MappedRecords.Writer.grownCapacity(i);
                    shard = Arrays.copyOf(shard, grown);
                    major = Arrays.copyOf(major, grown);
                    minor = Arrays.copyOf(minor, grown);
                }
                bytes += value.length;
                ChangeEvent e;
                try {
                    e = parser.parse(null, value);
                } catch (ParseException ex) {
                    shard[i] = DEAD_LETTER;
                    dead++;
                    continue;
                }
                if (e == null) {
                    shard[i] = TOMBSTONE;
                    tombstones++;
                    continue;
                }
                valid++;
                shard[i] = assigner.shardOf(e.table(), e.key());
                major[i] = e.version().major();
                minor[i] = e.version().minor();
            }
            values = out.finish();
        }
        int n = values.size();
        return new JobBenchInput(file, format, values, Arrays.copyOf(shard, n), Arrays.copyOf(major, n), Arrays.copyOf(minor, n),
                bytes, valid, dead, tombstones);
    }

    int size() {
        return values.size();
    }

    private int length(int i) {
        return values instanceof MappedRecords m ? m.length(i) : values.get(i).length;
    }

    /** The first {@code n} records (all if {@code n >= size()}), sharing this input's arrays. */
    JobBenchInput head(int n) {
        if (n >= size()) {
            return this;
        }
        long bytes = 0;
        long valid = 0;
        long dead = 0;
        for (int i = 0; i < n; i++) {
            bytes += length(i);
            valid += shard[i] >= 0 ? 1 : 0;
            dead += shard[i] == DEAD_LETTER ? 1 : 0;
        }
        return new JobBenchInput(file, format, values.subList(0, n), shard, versionMajor, versionMinor, bytes, valid,
                dead, n - valid - dead);
    }
}
