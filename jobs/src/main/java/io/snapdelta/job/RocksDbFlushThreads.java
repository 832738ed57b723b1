package io.snapdelta.job;

import java.util.Collection;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * The RocksDB options factory the job installs for {@code job.state.flush-threads}: how many memtable flushes a
 * RocksDB instance may run at once.
 *
 * <p>Why: every checkpoint forces a flush of each column family with new writes (the rows, the checkpoint values,
 * the batch timers), and the shard operator's synchronous checkpoint part waits for all of them. A flush is mostly
 * waiting for {@code fdatasync} of its new file and of the MANIFEST. With RocksDB's default (a quarter of
 * {@code max_background_jobs}, i.e. one flush at a time for Flink's default of 2 jobs, on a thread pool that all
 * RocksDB instances of the process share) those waits queue one behind the other. Compactions stay at one at a
 * time, as with Flink's default: RocksDB takes an explicit flush count as the end of its derived split and then
 * runs {@code max(1, max_background_compactions)} compactions, and {@code max_background_compactions} stays unset.
 *
 * <p>Flink instantiates this class by name on each TaskManager ({@code state.backend.rocksdb.options-factory}) and
 * hands it the job's configuration, where {@link SnapdeltaJob#flinkConfiguration} put the count under
 * {@link #FLUSH_THREADS}.
 */
public final class RocksDbFlushThreads implements ConfigurableRocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    /** Carries {@code job.state.flush-threads} in the Flink configuration to the TaskManagers' copies of this factory. */
    static final ConfigOption<Integer> FLUSH_THREADS = ConfigOptions.key("snapdelta.rocksdb.flush-threads").intType()
            .defaultValue(1).withDescription("Set by the snapdelta job from job.state.flush-threads; not an option of its own.");

    private int flushThreads = FLUSH_THREADS.defaultValue();

    @Override
    public RocksDBOptionsFactory configure(ReadableConfig configuration) {
        flushThreads = configuration.get(FLUSH_THREADS);
        return this;
    }

    int flushThreads() {
        return flushThreads;
    }

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setMaxBackgroundFlushes(flushThreads);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }
}
