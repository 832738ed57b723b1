package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.codec.CodecId;
import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.format.BatchHeader;
import io.snapdelta.format.CorruptBatchException;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.model.Row;
import io.snapdelta.shard.ReplicaShardState;
import io.snapdelta.shard.TableKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A strict replica of the whole deltas topic, as schemas/deltas-topic-v1.md asks a consumer to check: per
 * shard, batches in partition order with sequence 0, 1, 2, ... (no gap, no duplicate), every checksum, the
 * digest before equal to the replica's, and the digest after equal to the replica's after applying. Any
 * violation fails the test with the shard and sequence.
 */
final class DeltasTopicReplay {
    final Map<Integer, ReplicaShardState> shards = new TreeMap<>();
    final Map<Integer, Long> lastSequence = new TreeMap<>();
    /** Batches per body codec, to show which codecs the stream used. */
    final Map<CodecId, Integer> codecs = new EnumMap<>(CodecId.class);
    long batches;
    long bytes;
    private final int partitions;
    private final DictionaryStore dictionaries;
    private final Map<Integer, DeltaBatchReader> readers = new HashMap<>();

    /** An empty replica, to be fed records in partition order by {@link #accept} (e.g. from a follower). */
    DeltasTopicReplay(int partitions, DictionaryStore dictionaries) {
        this.partitions = partitions;
        this.dictionaries = dictionaries;
    }

    static DeltasTopicReplay readCommitted(String bootstrap, String topic, int partitions, DictionaryStore dictionaries) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(CommittedRecords.readAll(bootstrap, topic, Duration.ofSeconds(60)));
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        DeltasTopicReplay replay = new DeltasTopicReplay(partitions, dictionaries);
        records.forEach(replay::accept);
        replay.close();
        return replay;
    }

    /** Checks and applies one committed record; records of one partition must come in offset order. */
    void accept(ConsumerRecord<byte[], byte[]> r) {
        assertEquals(4, r.key().length, "key length at " + r.partition() + "@" + r.offset());
        int shard = ByteBuffer.wrap(r.key()).getInt();
        assertEquals(Integer.remainderUnsigned(shard, partitions), r.partition(), "partition of shard " + shard);
        acceptBatch(shard, r.value());
    }

    /** Checks and applies one sealed batch of {@code shard} (the next in its sequence). */
    void acceptBatch(int shard, byte[] sealed) {
        DeltaBatchReader reader = readers.computeIfAbsent(shard,
                s -> new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), dictionaries));
        apply(shard, reader, sealed);
    }

    /** Releases the decoders (their native zstd contexts). */
    void close() {
        readers.values().forEach(DeltaBatchReader::close);
        readers.clear();
    }

    private void apply(int shard, DeltaBatchReader reader, byte[] sealed) {
        ReplicaShardState replica = shards.computeIfAbsent(shard, s -> new ReplicaShardState());
        SealedBatch batch;
        try {
            batch = reader.read(sealed, replica);
        } catch (CorruptBatchException e) {
            throw new AssertionError("shard " + shard + ": batch after sequence " + lastSequence.get(shard) + " is corrupt: " + e.getMessage(), e);
        }
        BatchHeader h = batch.header();
        assertEquals(shard, h.shard(), "record key and batch header disagree on the shard");
        long expected = lastSequence.getOrDefault(shard, -1L) + 1;
        assertEquals(expected, h.sequence(), "shard " + shard + ": sequence (gap or duplicate)");
        replica.beginBatch(shard, h.sequence(), h.digestVersion()); // format v1-v3: state digest v1, v4: v2
        if (h.hasDigestBefore()) { // up to format v2; from v3 the previous batch's digest after stands for it
            assertEquals(replica.digest(), StateDigest.fromBytes(h.digestBefore(), 0), "shard " + shard + " batch " + h.sequence() + ": digest before");
        }
        replica.applyAll(batch.ops());
        assertEquals(replica.digest(), StateDigest.fromBytes(h.digestAfter(), 0), "shard " + shard + " batch " + h.sequence() + ": digest after");
        lastSequence.put(shard, h.sequence());
        codecs.merge(h.codec(), 1, Integer::sum);
        batches++;
        bytes += sealed.length;
    }

    /** Every shard's rows together. */
    Map<TableKey, Row> state() {
        Map<TableKey, Row> all = new HashMap<>();
        shards.values().forEach(s -> all.putAll(s.rows()));
        return all;
    }

    /** shard -> "lastSequence:digestHex", the accumulator's format, for every shard in 0..S-1. */
    Map<Integer, String> finals(int shardCount) {
        Map<Integer, String> m = new TreeMap<>();
        for (int s = 0; s < shardCount; s++) {
            ReplicaShardState r = shards.get(s);
            m.put(s, ShardFinalAccumulator.format(lastSequence.getOrDefault(s, -1L), r == null ? new StateDigest().toHex() : r.digest().toHex()));
        }
        return m;
    }
}
