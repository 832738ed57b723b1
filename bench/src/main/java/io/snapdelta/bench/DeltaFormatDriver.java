package io.snapdelta.bench;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.CompressionDictionary;
import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaFormatOptions.CodecMode;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.format.BatchHeader;
import io.snapdelta.format.BatchLayout;
import io.snapdelta.format.CorruptBatchException;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.RowLookup;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.shard.FlushPolicy;
import io.snapdelta.shard.InMemoryShardStateStore;
import io.snapdelta.shard.ShardBatchEncoder;
import io.snapdelta.shard.ShardDeltaState;
import io.snapdelta.shard.ShardPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Both sides of the delta batch format at one codec setting, for one bandwidth run. The sending side is the
 * job's per-shard path itself: one {@link ShardPipeline} per shard ({@link ShardDeltaState},
 * {@link FlushPolicy}, {@link ShardBatchEncoder} with its body probe, {@link DeltaBatchWriter} and
 * {@link CodecSelector}), built as {@code ShardDeltaOperator} builds it, over a heap store instead of
 * RocksDB; a fixed codec is a {@link DeltaFormatOptions} setting of the same classes. Each shard stream
 * defines its own schemas (a replica may follow a subset of shards). The receiving side is one
 * {@link DeltaBatchReader} per shard; the two sides share nothing but the published dictionaries, whose
 * bytes count as out-of-band bytes of the run.
 */
final class DeltaFormatDriver implements AutoCloseable {
    static final String DEFAULT = "default";
    /** Retention far beyond any capture: the benchmark measures bytes, not tombstone clean-up. */
    private static final Duration TOMBSTONE_RETENTION = Duration.ofDays(3650);
    /**
     * The flush policy's latency budget: longer than any run, so batches seal on count only. The bench
     * drives the pipelines with a clock that stands still, so the rate-derived count target is always the cap.
     */
    private static final long LATENCY_BUDGET_MILLIS = Duration.ofDays(3650).toMillis();

    /** What the receiver learns from a sealed batch ({@code digestBefore} null from format v3, which does not carry it). */
    record Decoded(int shard, long sequence, List<DeltaOp> ops, StateDigest digestBefore, StateDigest digestAfter) {
    }

    /** The fixed codec settings every run reports beside the default (adaptive) one. */
    static List<String> fixedSettings() {
        return List.of("none", "zstd-1", "zstd-3", "zstd-9", "zstd-dict-3");
    }

    static DeltaFormatOptions optionsFor(String setting) {
        DeltaFormatOptions o = DeltaFormatOptions.defaults();
        if (setting.equals(DEFAULT)) {
            return o;
        }
        if (setting.equals("none")) {
            return o.with(DeltaFormatOptions.CODEC, CodecMode.NONE);
        }
        if (setting.startsWith("zstd-dict-")) {
            return o.with(DeltaFormatOptions.CODEC, CodecMode.ZSTD_DICT)
                    .with(DeltaFormatOptions.ZSTD_LEVEL, Integer.parseInt(setting.substring("zstd-dict-".length())));
        }
        if (setting.startsWith("zstd-")) {
            return o.with(DeltaFormatOptions.CODEC, CodecMode.ZSTD)
                    .with(DeltaFormatOptions.ZSTD_LEVEL, Integer.parseInt(setting.substring("zstd-".length())));
        }
        throw new IllegalArgumentException("unknown codec setting " + setting);
    }

    /** Counts the bytes of every distinct dictionary published. */
    private static final class CountingDictionaryStore implements DictionaryStore {
        private final InMemoryDictionaryStore inner = new InMemoryDictionaryStore();
        private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
        private long bytes;

        @Override
        public void publish(CompressionDictionary dictionary) {
            inner.publish(dictionary);
            if (seen.add(dictionary.id())) {
                bytes += dictionary.size();
            }
        }

        @Override
        public Optional<CompressionDictionary> fetch(int id) {
            return inner.fetch(id);
        }
    }

    private final DeltaFormatOptions options;
    private final CountingDictionaryStore dictionaries = new CountingDictionaryStore();
    private final List<ShardPipeline> pipelines = new ArrayList<>();
    private final Map<Integer, DeltaBatchReader> readers = new LinkedHashMap<>();

    DeltaFormatDriver(String setting) {
        this.options = optionsFor(setting);
    }

    /**
     * A new shard's producer pipeline that seals a batch every {@code batchChanges} source changes (and
     * whenever the caller seals it): drive it with a clock that stands still (e.g. always 0).
     */
    ShardPipeline pipeline(int shard, int batchChanges) {
        ShardDeltaState state = new ShardDeltaState(shard, new InMemoryShardStateStore(), Integer.MAX_VALUE, TOMBSTONE_RETENTION);
        FlushPolicy policy = new FlushPolicy(LATENCY_BUDGET_MILLIS, batchChanges, Long.MAX_VALUE);
        ShardBatchEncoder encoder = new ShardBatchEncoder(new DeltaBatchWriter(new TableSchemaRegistry(),
                CodecSelector.create(options, dictionaries)));
        ShardPipeline p = new ShardPipeline(state, policy, encoder, null, options.rankKeys());
        pipelines.add(p);
        return p;
    }

    /** A sealed batch's codec as the report names it, e.g. {@code zstd-3}. */
    /** The codec a batch shipped with, named like the fixed settings: "none", "zstd-3", "zstd-dict-3". */
    static String codecName(ShardBatchEncoder.Encoded e) {
        String name = e.codec().codec().configName();
        return e.codec().codec() == io.snapdelta.codec.CodecId.NONE ? name : name + "-" + e.codec().level();
    }

    /**
     * Where a sealed batch's bytes go (section name -> bytes; sums to the length). The body's share of
     * schema definitions cannot be separated after compression; it is inside {@code body_compressed}.
     */
    static Map<String, Long> sections(byte[] sealed) {
        Map<String, Long> m = new LinkedHashMap<>();
        int bodyAt = BatchLayout.bodyOffset(sealed);
        long digests = (long) BatchLayout.digestCount(sealed[BatchLayout.VERSION_OFFSET]) * BatchLayout.DIGEST_LENGTH;
        m.put("header_fixed_fields", bodyAt - digests);
        m.put("digests", digests); // before and after up to v2, after only from v3
        m.put("body_compressed", (long) sealed.length - bodyAt - BatchLayout.CRC_LENGTH);
        m.put("crc32c", (long) BatchLayout.CRC_LENGTH);
        return m;
    }

    /** Decodes a batch of {@code shard}; {@code held} answers what the receiver holds before the batch. */
    Decoded decode(int shard, byte[] sealed, RowLookup held) {
        DeltaBatchReader reader = readers.computeIfAbsent(shard,
                s -> new DeltaBatchReader(options, new TableSchemaRegistry(), dictionaries));
        SealedBatch batch;
        try {
            batch = reader.read(sealed, held);
        } catch (CorruptBatchException e) {
            throw new IllegalStateException("shard " + shard + ": a batch this run sealed does not decode: " + e.getMessage(), e);
        }
        BatchHeader h = batch.header();
        return new Decoded(h.shard(), h.sequence(), batch.ops(),
                h.hasDigestBefore() ? StateDigest.fromBytes(h.digestBefore(), 0, h.digestVersion()) : null,
                StateDigest.fromBytes(h.digestAfter(), 0, h.digestVersion()));
    }

    /** Bytes a replica fetches outside the batches (dictionaries), to amortise over the run. */
    long outOfBandBytes() {
        return dictionaries.bytes;
    }

    @Override
    public void close() {
        pipelines.forEach(ShardPipeline::close);
        readers.values().forEach(DeltaBatchReader::close);
    }
}
