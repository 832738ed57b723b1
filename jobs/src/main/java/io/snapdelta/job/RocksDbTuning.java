package io.snapdelta.job;

import java.util.Collection;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionOptionsUniversal;
import org.rocksdb.DBOptions;

/**
 * The RocksDB options factory the job installs for the RocksDB settings Flink has no option of its own for:
 * {@code job.state.flush-threads}, {@code job.state.compaction-trigger} and
 * {@code job.state.max-size-amplification-percent}. A value of 0 leaves that setting at RocksDB's default.
 *
 * <p>Flush threads: every checkpoint forces a flush of each column family with new writes (the rows, the checkpoint
 * values, the batch timers), and the shard operator's synchronous checkpoint part waits for all of them. A flush is
 * mostly waiting for {@code fdatasync} of its new file and of the MANIFEST. With RocksDB's default (a quarter of
 * {@code max_background_jobs}, i.e. one flush at a time for Flink's default of 2 jobs, on a thread pool that all
 * RocksDB instances of the process share) those waits queue one behind the other. Compactions stay at one at a
 * time, as with Flink's default: RocksDB takes an explicit flush count as the end of its derived split and then
 * runs {@code max(1, max_background_compactions)} compactions, and {@code max_background_compactions} stays unset.
 *
 * <p>Compaction trigger and size amplification: because every checkpoint flushes, the state gains a small new sorted
 * run (a level-0 file) every checkpoint interval, and with RocksDB's defaults universal compaction merges runs every
 * few checkpoints and rewrites the whole state each time it triples. Each rewrite costs the compaction thread's CPU
 * and also empties the block cache of the rewritten files' blocks, so the next reads of those rows go to disk.
 *
 * <p>Flink instantiates this class by name on each TaskManager ({@code state.backend.rocksdb.options-factory}) and
 * hands it the job's configuration, where {@link SnapdeltaJob#flinkConfiguration} put the values under the
 * {@code snapdelta.rocksdb.*} keys below.
 */
public final class RocksDbTuning implements ConfigurableRocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    /** Carries {@code job.state.flush-threads} in the Flink configuration to the TaskManagers' copies of this factory. */
    static final ConfigOption<Integer> FLUSH_THREADS = ConfigOptions.key("snapdelta.rocksdb.flush-threads").intType()
            .defaultValue(0).withDescription("Set by the snapdelta job from job.state.flush-threads; not an option of its own.");

    /** Carries {@code job.state.compaction-trigger}. */
    static final ConfigOption<Integer> COMPACTION_TRIGGER = ConfigOptions.key("snapdelta.rocksdb.compaction-trigger").intType()
            .defaultValue(0).withDescription("Set by the snapdelta job from job.state.compaction-trigger; not an option of its own.");

    /** Carries {@code job.state.max-size-amplification-percent}. */
    static final ConfigOption<Integer> MAX_SIZE_AMPLIFICATION_PERCENT = ConfigOptions
            .key("snapdelta.rocksdb.max-size-amplification-percent").intType().defaultValue(0)
            .withDescription("Set by the snapdelta job from job.state.max-size-amplification-percent; not an option of its own.");

    private int flushThreads;
    private int compactionTrigger;
    private int maxSizeAmplificationPercent;

    @Override
    public RocksDBOptionsFactory configure(ReadableConfig configuration) {
        flushThreads = configuration.get(FLUSH_THREADS);
        compactionTrigger = configuration.get(COMPACTION_TRIGGER);
        maxSizeAmplificationPercent = configuration.get(MAX_SIZE_AMPLIFICATION_PERCENT);
        return this;
    }

    int flushThreads() {
        return flushThreads;
    }

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return flushThreads > 0 ? currentOptions.setMaxBackgroundFlushes(flushThreads) : currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        if (compactionTrigger > 0) {
            currentOptions.setLevel0FileNumCompactionTrigger(compactionTrigger);
        }
        if (maxSizeAmplificationPercent > 0) {
            // Flink sets no universal-compaction options, so a fresh object (RocksDB's defaults) loses nothing.
            CompactionOptionsUniversal universal = new CompactionOptionsUniversal();
            handlesToClose.add(universal);
            currentOptions.setCompactionOptionsUniversal(universal.setMaxSizeAmplificationPercent(maxSizeAmplificationPercent));
        }
        return currentOptions;
    }
}
