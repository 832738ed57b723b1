package io.snapdelta.replica;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.format.BatchLayout;
import io.snapdelta.format.DeltaBatch;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import io.snapdelta.shard.InMemoryShardStateStore;
import io.snapdelta.shard.ShardAssigner;
import io.snapdelta.shard.ShardBatch;
import io.snapdelta.shard.ShardDeltaState;
import io.snapdelta.shard.TableKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A delta stream produced without Flink, the way the job's per-shard operator does it: events routed by
 * {@link ShardAssigner}, one {@link ShardDeltaState} per shard sealing every few changes, each batch sealed
 * by the shard's {@link DeltaBatchWriter} (zstd level 3). Deterministic for a given seed.
 */
final class ProducedStream {
    static final TableId ITEMS = TableId.of("shop", "items");
    static final TableId ORDERS = TableId.of("shop", "orders");
    static final RowSchema ITEM = RowSchema.of(new String[] {"id", "name", "qty", "note"},
            new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.INT64, FieldType.STRING});
    static final RowSchema ITEM_KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    static final RowSchema ORDER = RowSchema.of(new String[] {"order_id", "item", "amount"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.INT64});
    static final RowSchema ORDER_KEY = RowSchema.of(new String[] {"order_id"}, new FieldType[] {FieldType.INT64});

    /** One sealed batch as the job would commit it. */
    record Sealed(int shard, long sequence, byte[] bytes) {
    }

    final int shards;
    /** Sealed batches in the order they were sealed (per shard: sequence order). */
    final List<Sealed> batches = new ArrayList<>();
    /** The producer's final state per shard. */
    final Map<Integer, ShardFinal> finals = new TreeMap<>();
    /** The producer's live rows per shard. */
    final Map<Integer, Map<TableKey, Row>> rows = new TreeMap<>();
    private final Map<Integer, DeltaBatchWriter> writers = new HashMap<>();
    private final int formatVersion;

    private ProducedStream(int shards, int formatVersion) {
        this.shards = shards;
        this.formatVersion = formatVersion;
    }

    static Row item(long id, String name, long qty, String note) {
        return Row.of(ITEM, id, name, qty, note);
    }

    /** {@code events} random changes over {@code keys} items and a growing orders table. */
    static ProducedStream produce(int shards, int events, int keys, int batchChanges, long seed) {
        return produce(shards, events, keys, batchChanges, seed, BatchLayout.CURRENT_FORMAT_VERSION);
    }

    /** As {@link #produce(int, int, int, int, long)}, sealed in delta format {@code formatVersion}. */
    static ProducedStream produce(int shards, int events, int keys, int batchChanges, long seed, int formatVersion) {
        ProducedStream p = new ProducedStream(shards, formatVersion);
        ShardAssigner assigner = new ShardAssigner(shards);
        ShardDeltaState[] states = new ShardDeltaState[shards];
        for (int s = 0; s < shards; s++) {
            states[s] = new ShardDeltaState(s, new InMemoryShardStateStore(), batchChanges, Duration.ofDays(1));
            states[s].useDigestVersion(BatchLayout.digestVersion(formatVersion)); // the digest the format carries
        }
        Random rnd = new Random(seed);
        Map<Long, Row> live = new HashMap<>();
        long micros = 1_700_000_000_000_000L;
        for (int i = 0; i < events; i++) {
            Version v = new Version(i + 1, 0);
            micros += 1000;
            ChangeEvent e;
            if (i % 5 == 4) {
                long orderId = i;
                e = new ChangeEvent(ORDERS, Row.of(ORDER_KEY, orderId), ChangeOp.INSERT, v, null,
                        Row.of(ORDER, orderId, (long) rnd.nextInt(keys), (long) rnd.nextInt(1000)), micros);
            } else {
                long id = rnd.nextInt(keys);
                Row held = live.get(id);
                Row key = Row.of(ITEM_KEY, id);
                if (held != null && rnd.nextInt(6) == 0) {
                    e = new ChangeEvent(ITEMS, key, ChangeOp.DELETE, v, held, null, micros);
                    live.remove(id);
                } else {
                    String note = rnd.nextInt(3) == 0 ? null : "note, \"" + rnd.nextInt(10) + "\"";
                    Row next = item(id, "item-" + id, rnd.nextInt(100), note);
                    e = new ChangeEvent(ITEMS, key, held == null ? ChangeOp.INSERT : ChangeOp.UPDATE, v, held, next, micros);
                    live.put(id, next);
                }
            }
            int shard = assigner.shardOf(e.table(), e.key());
            ShardBatch b = states[shard].apply(e);
            if (b != null) {
                p.seal(b);
            }
        }
        for (ShardDeltaState st : states) {
            ShardBatch b = st.seal();
            if (b != null) {
                p.seal(b);
            }
            p.finals.put(st.shard(), new ShardFinal(st.shard(), st.nextSequence() - 1, st.digest().toHex()));
            Map<TableKey, Row> shardRows = new HashMap<>();
            st.store().forEachLive(shardRows::put);
            p.rows.put(st.shard(), shardRows);
        }
        p.writers.values().forEach(DeltaBatchWriter::close);
        return p;
    }

    private void seal(ShardBatch b) {
        DeltaBatchWriter w = writers.computeIfAbsent(b.shard(),
                s -> new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)), formatVersion));
        batches.add(new Sealed(b.shard(), b.sequence(), w.write(new DeltaBatch(b.shard(), b.sequence(), b.firstVersion(),
                b.lastVersion(), b.coalescedOps(), b.digestBefore().toBytes(), b.digestAfter().toBytes()))));
    }

    /**
     * A copy of {@code sealed} with one byte of a digest changed and the checksum recomputed: intact bytes
     * whose digest chain is broken (what a producer with a wrong state would write).
     */
    static byte[] withDigestByteChanged(byte[] sealed, int digestOffset) {
        byte[] b = sealed.clone();
        b[digestOffset] ^= 0x5A;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, b.length - 4);
        int c = (int) crc.getValue();
        b[b.length - 4] = (byte) (c >>> 24);
        b[b.length - 3] = (byte) (c >>> 16);
        b[b.length - 2] = (byte) (c >>> 8);
        b[b.length - 1] = (byte) c;
        return b;
    }

    Sealed batch(int shard, long sequence) {
        for (Sealed s : batches) {
            if (s.shard() == shard && s.sequence() == sequence) {
                return s;
            }
        }
        throw new AssertionError("no batch " + sequence + " of shard " + shard);
    }

    long batchCount(int shard) {
        return batches.stream().filter(b -> b.shard() == shard).count();
    }
}
