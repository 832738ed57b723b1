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
import io.snapdelta.format.DeltaBatch;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.format.RowLookup;
import io.snapdelta.model.Version;
import io.snapdelta.shard.ShardBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link BatchCodecDriver} over the real delta batch format: one {@link DeltaBatchWriter} per shard
 * stream (each stream defines its own schemas, as a replica may follow a subset of shards), one
 * {@link DeltaBatchReader} per shard on the receiving side, and a shared dictionary store whose published
 * bytes count as out-of-band bytes of the run.
 */
final class DeltaFormatDriver implements BatchCodecDriver {
    static final String DEFAULT = "default";

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
    private final Map<Integer, DeltaBatchWriter> writers = new LinkedHashMap<>();
    private final Map<Integer, DeltaBatchReader> readers = new LinkedHashMap<>();

    DeltaFormatDriver(String setting) {
        this.options = optionsFor(setting);
    }

    private DeltaBatchWriter writer(int shard) {
        return writers.computeIfAbsent(shard,
                s -> new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.create(options, dictionaries)));
    }

    @Override
    public Object streamState(int shard) {
        return writer(shard).emittedSchemaIds();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreStreamState(int shard, Object state) {
        writer(shard).restoreEmittedSchemaIds((Set<Long>) state);
    }

    @Override
    public Encoded encode(ShardBatch b, List<DeltaOp> body) {
        DeltaBatchWriter writer = writer(b.shard());
        Version first = b.firstVersion();
        Version last = b.lastVersion();
        if (first == null || last == null) {
            throw new IllegalStateException("shard " + b.shard() + " batch " + b.sequence() + " accepted no event and has no version range");
        }
        byte[] sealed = writer.write(new DeltaBatch(b.shard(), b.sequence(), first, last, body,
                b.digestBefore().toBytes(), b.digestAfter().toBytes()));
        return new Encoded(sealed, sections(sealed), writer.selector().lastDecision().codec().configName()
                + "-" + writer.selector().lastDecision().level());
    }

    /**
     * Where a sealed batch's bytes go. The body's share of schema definitions cannot be separated after
     * compression; it is inside {@code body_compressed}.
     */
    private static Map<String, Long> sections(byte[] sealed) {
        Map<String, Long> m = new LinkedHashMap<>();
        int bodyAt = BatchLayout.bodyOffset(sealed);
        long fixed = bodyAt - 2L * BatchLayout.DIGEST_LENGTH;
        m.put("header_fixed_fields", fixed);
        m.put("digests_before_after", 2L * BatchLayout.DIGEST_LENGTH);
        m.put("body_compressed", (long) sealed.length - bodyAt - BatchLayout.CRC_LENGTH);
        m.put("crc32c", (long) BatchLayout.CRC_LENGTH);
        return m;
    }

    @Override
    public Decoded decode(int shard, byte[] sealed, RowLookup held) {
        DeltaBatchReader reader = readers.computeIfAbsent(shard,
                s -> new DeltaBatchReader(options, new TableSchemaRegistry(), dictionaries));
        SealedBatch batch;
        try {
            batch = reader.read(sealed, held);
        } catch (CorruptBatchException e) {
            throw new IllegalStateException("shard " + shard + ": a batch this run sealed does not decode: " + e.getMessage(), e);
        }
        BatchHeader h = batch.header();
        return new Decoded(h.shard(), h.sequence(), batch.ops(), StateDigest.fromBytes(h.digestBefore(), 0),
                StateDigest.fromBytes(h.digestAfter(), 0));
    }

    @Override
    public long outOfBandBytes() {
        return dictionaries.bytes;
    }

    @Override
    public void close() {
        writers.values().forEach(DeltaBatchWriter::close);
        readers.values().forEach(DeltaBatchReader::close);
    }
}
