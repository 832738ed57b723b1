package io.snapdelta.config;

import java.util.List;

/**
 * Options of the delta batch format: decoder limits (checked before anything is allocated) and codec
 * choice. Declared once here; {@link #fromConfiguration} reads and validates them.
 */
public final class DeltaFormatOptions {
    /** How the writer picks the body codec. */
    public enum CodecMode {
        /** Measure recent batches and pick the smallest output within the CPU budget ({@code CodecSelector}). */
        ADAPTIVE,
        NONE,
        ZSTD,
        /** zstd with a dictionary trained from recent batches (plain zstd until one is trained). */
        ZSTD_DICT;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public static final ConfigOption<Integer> MAX_OPS = ConfigOption.key("delta.format.max-ops")
            .intType().defaultValue(1_000_000).validator(Validators.between(1, 100_000_000))
            .description("Most operations (inserts + updates + deletes) a reader accepts in one batch.");

    public static final ConfigOption<MemorySize> MAX_UNCOMPRESSED_SIZE = ConfigOption.key("delta.format.max-uncompressed-size")
            .memoryType().defaultValue(new MemorySize(64L << 20))
            .validator(Validators.between(new MemorySize(1024), new MemorySize(Integer.MAX_VALUE - 64)))
            .description("Largest decompressed batch body a reader accepts; checked before the body buffer is allocated.");

    public static final ConfigOption<MemorySize> MAX_STRING_LENGTH = ConfigOption.key("delta.format.max-string-length")
            .memoryType().defaultValue(new MemorySize(16L << 20))
            .validator(Validators.between(new MemorySize(1), new MemorySize(Integer.MAX_VALUE - 64)))
            .description("Longest string or bytes value (encoded length, padding included) a reader accepts.");

    public static final ConfigOption<Integer> MAX_VALUES = ConfigOption.key("delta.format.max-values")
            .intType().defaultValue(16_777_216).validator(Validators.between(1, 1 << 30))
            .description("Most field values (rows x fields, keys included) one batch may make a reader materialize; "
                    + "bounds memory even for columns that take no bytes (all null).");

    public static final ConfigOption<CodecMode> CODEC = ConfigOption.key("delta.codec")
            .enumType(CodecMode.class, CodecMode::configName).defaultValue(CodecMode.ADAPTIVE)
            .description("Body codec: adaptive (chosen per batch), none, zstd, or zstd-dict.");

    public static final ConfigOption<Integer> ZSTD_LEVEL = ConfigOption.key("delta.codec.zstd-level")
            .intType().defaultValue(3).validator(Validators.between(1, 19))
            .description("zstd level for the zstd and zstd-dict codecs, and the middle level adaptive mode tries.");

    public static final ConfigOption<Long> CPU_BUDGET_NS_PER_CHANGE = ConfigOption.key("delta.codec.cpu-budget-ns-per-change")
            .longType().defaultValue(400L).validator(Validators.atLeast(0L))
            .description("Adaptive mode: most compression CPU time per change, in nanoseconds, that a codec may cost "
                    + "(measured over recent batches). Codecs over budget are skipped; if all are, the cheapest is used.");

    public static final ConfigOption<Double> MIN_SAVING = ConfigOption.key("delta.codec.min-saving")
            .doubleType().defaultValue(0.01).validator(Validators.between(0.0, 1.0))
            .description("Adaptive mode: least share of the bytes (0.01 = 1%) a codec must save against a cheaper one "
                    + "within the CPU budget to be chosen over it; bodies that barely compress then ship uncompressed "
                    + "instead of paying zstd's CPU for nothing.");

    public static final ConfigOption<Integer> PROBE_INTERVAL = ConfigOption.key("delta.codec.probe-interval")
            .intType().defaultValue(64).validator(Validators.between(2, 1_000_000))
            .description("Adaptive mode: every this many batches, one batch re-measures the codec measured longest ago.");

    public static final ConfigOption<Boolean> DICTIONARY_ENABLED = ConfigOption.key("delta.codec.dictionary.enabled")
            .booleanType().defaultValue(true)
            .description("Train a zstd dictionary from recent batch bodies and offer it as a codec.");

    public static final ConfigOption<Integer> DICTIONARY_TRAINING_BATCHES = ConfigOption.key("delta.codec.dictionary.training-batches")
            .intType().defaultValue(32).validator(Validators.between(8, 100_000))
            .description("Recent batch bodies a dictionary is trained from; the first dictionary is trained once this many were "
                    + "sealed. A training whose dictionary is not published (it would not recover its size) is retried after "
                    + "twice the previous wait, up to the retrain interval.");

    public static final ConfigOption<Integer> DICTIONARY_RETRAIN_INTERVAL = ConfigOption.key("delta.codec.dictionary.retrain-interval")
            .intType().defaultValue(10_000).validator(Validators.atLeast(1))
            .description("Batches between dictionary retrainings (a new dictionary gets a new id; old ones stay published).");

    public static final ConfigOption<MemorySize> DICTIONARY_SIZE = ConfigOption.key("delta.codec.dictionary.size")
            .memoryType().defaultValue(new MemorySize(16 * 1024))
            .validator(Validators.between(new MemorySize(1024), new MemorySize(1 << 20)))
            .description("Target size of a trained dictionary.");

    public static final ConfigOption<Boolean> RANK_KEYS = ConfigOption.key("delta.format.rank-keys")
            .booleanType().defaultValue(true)
            .description("Code the keys of updates and deletes as ranks among the keys the receiver holds (format v3, "
                    + "schemas/delta-batch-v3.md): about log2(shards) bits less per key for dense integer keys. Costs the "
                    + "producer heap for an ordered index of each shard's keys of every table that receives updates or "
                    + "deletes (built from the state on first use and after a restore); false codes every key as a value.");

    public static final List<ConfigOption<?>> ALL = List.of(MAX_OPS, MAX_UNCOMPRESSED_SIZE, MAX_STRING_LENGTH, MAX_VALUES,
            RANK_KEYS, CODEC, ZSTD_LEVEL, CPU_BUDGET_NS_PER_CHANGE, MIN_SAVING, PROBE_INTERVAL, DICTIONARY_ENABLED,
            DICTIONARY_TRAINING_BATCHES, DICTIONARY_RETRAIN_INTERVAL, DICTIONARY_SIZE);

    private final Configuration config;

    private DeltaFormatOptions(Configuration config) {
        this.config = config;
    }

    public static DeltaFormatOptions defaults() {
        return new DeltaFormatOptions(new Configuration());
    }

    public static DeltaFormatOptions fromConfiguration(Configuration config) {
        DeltaFormatOptions o = new DeltaFormatOptions(Configuration.fromMap(config.toMap()));
        ALL.forEach(o.config::get); // fail now, naming the key, not on first batch
        return o;
    }

    /** A copy with one option changed (validated). */
    public <T> DeltaFormatOptions with(ConfigOption<T> option, T value) {
        Configuration copy = Configuration.fromMap(config.toMap());
        copy.set(option, value);
        return new DeltaFormatOptions(copy);
    }

    public <T> T get(ConfigOption<T> option) {
        return config.get(option);
    }

    public int maxOps() {
        return get(MAX_OPS);
    }

    public int maxUncompressedSize() {
        return (int) get(MAX_UNCOMPRESSED_SIZE).bytes();
    }

    public int maxStringLength() {
        return (int) get(MAX_STRING_LENGTH).bytes();
    }

    public int maxValues() {
        return get(MAX_VALUES);
    }

    public boolean rankKeys() {
        return get(RANK_KEYS);
    }
}
