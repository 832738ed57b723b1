package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.config.ConfigException;
import io.snapdelta.config.Configuration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.DBOptions;
import org.rocksdb.CompressionType;

class SnapdeltaJobFlinkConfigurationTest {
    private static final Map<String, String> REQUIRED = Map.of("kafka.bootstrap-servers", "127.0.0.1:9092",
            "kafka.input-topics", "in", "deltas.topic", "deltas");

    private static org.apache.flink.configuration.Configuration flink(Map<String, String> extra) {
        Map<String, String> m = new java.util.HashMap<>(REQUIRED);
        m.putAll(extra);
        return SnapdeltaJob.flinkConfiguration(Configuration.fromMap(m));
    }

    @Test
    void rocksDbBloomFiltersAreOnByDefaultAndLeftToTheClusterWhenTheOptionIsFalse() {
        var on = flink(Map.of());
        assertEquals("rocksdb", on.get(StateBackendOptions.STATE_BACKEND));
        assertTrue(on.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER));

        var off = flink(Map.of("job.state.bloom-filter", "false"));
        assertFalse(off.contains(RocksDBConfigurableOptions.USE_BLOOM_FILTER));
    }

    @Test
    void rocksDbLevelsZeroAndOneAreUncompressedByDefaultAndTheDeeperLevelsLz4() {
        assertEquals(List.of(CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.LZ4_COMPRESSION),
                flink(Map.of()).get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL));
    }

    @Test
    void rocksDbCompressionPerLevelIsTakenInOrderOrLeftToTheClusterWhenEmpty() {
        assertEquals(List.of(CompressionType.SNAPPY_COMPRESSION, CompressionType.ZSTD_COMPRESSION),
                flink(Map.of("job.state.compression-per-level", "snappy, zstd")).get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL));
        assertFalse(flink(Map.of("job.state.compression-per-level", "")).contains(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL));
    }

    @Test
    void anUnknownCompressionIsRejectedNamingTheOptionAndTheLevel() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> flink(Map.of("job.state.compression-per-level", "none,lz5")));
        assertTrue(e.getMessage().contains("job.state.compression-per-level"), e.getMessage());
        assertTrue(e.getMessage().contains("level 1: 'lz5' is not one of [none, snappy, lz4, lz4hc, zstd, zlib]"), e.getMessage());
    }

    @Test
    void rocksDbCompactionIsUniversalByDefaultLevelOnRequestOrLeftToTheCluster() {
        assertEquals(CompactionStyle.UNIVERSAL, flink(Map.of()).get(RocksDBConfigurableOptions.COMPACTION_STYLE));
        assertEquals(CompactionStyle.LEVEL,
                flink(Map.of("job.state.compaction-style", "level")).get(RocksDBConfigurableOptions.COMPACTION_STYLE));
        assertFalse(flink(Map.of("job.state.compaction-style", "cluster")).contains(RocksDBConfigurableOptions.COMPACTION_STYLE));
        ConfigException e = assertThrows(ConfigException.class, () -> flink(Map.of("job.state.compaction-style", "fifo")));
        assertTrue(e.getMessage().contains("job.state.compaction-style") && e.getMessage().contains("fifo"), e.getMessage());
    }

    /** What a TaskManager does with the job's configuration: the backend loads the factory by class name. */
    private RocksDbTuning factoryOf(org.apache.flink.configuration.Configuration flink) {
        var backend = new EmbeddedRocksDBStateBackend().configure(flink, getClass().getClassLoader());
        return assertInstanceOf(RocksDbTuning.class, backend.getRocksDBOptions());
    }

    @Test
    void rocksDbFlushThreadsReachEachInstanceThroughTheOptionsFactoryFlinkLoadsByName() {
        RocksDbTuning factory = factoryOf(flink(Map.of("job.state.flush-threads", "3")));
        assertEquals(3, factory.flushThreads());
        try (DBOptions options = new DBOptions()) {
            assertEquals(3, factory.createDBOptions(options, new java.util.ArrayList<>()).maxBackgroundFlushes());
        }
        assertEquals(4, flink(Map.of()).get(RocksDbTuning.FLUSH_THREADS), "the default");
        try (DBOptions options = new DBOptions()) {
            int rocksDbDefault = options.maxBackgroundFlushes();
            assertEquals(rocksDbDefault, factoryOf(flink(Map.of("job.state.flush-threads", "0")))
                    .createDBOptions(options, new java.util.ArrayList<>()).maxBackgroundFlushes(), "0 leaves RocksDB's default");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> flink(Map.of("job.state.flush-threads", "-1")));
        assertTrue(e.getMessage().contains("job.state.flush-threads"), e.getMessage());
    }

    @Test
    void rocksDbCompactionTriggerAndSizeAmplificationReachEveryColumnFamilyThroughTheOptionsFactory() {
        List<AutoCloseable> handles = new java.util.ArrayList<>();
        try (ColumnFamilyOptions defaults = new ColumnFamilyOptions()) {
            ColumnFamilyOptions options = factoryOf(flink(Map.of())).createColumnOptions(defaults, handles);
            assertEquals(8, options.level0FileNumCompactionTrigger());
            assertEquals(400, options.compactionOptionsUniversal().maxSizeAmplificationPercent());
        }
        try (ColumnFamilyOptions defaults = new ColumnFamilyOptions()) {
            ColumnFamilyOptions options = factoryOf(flink(Map.of("job.state.compaction-trigger", "12",
                    "job.state.max-size-amplification-percent", "250"))).createColumnOptions(defaults, handles);
            assertEquals(12, options.level0FileNumCompactionTrigger());
            assertEquals(250, options.compactionOptionsUniversal().maxSizeAmplificationPercent());
        }
        try (ColumnFamilyOptions defaults = new ColumnFamilyOptions(); ColumnFamilyOptions rocksDb = new ColumnFamilyOptions()) {
            ColumnFamilyOptions options = factoryOf(flink(Map.of("job.state.compaction-trigger", "0",
                    "job.state.max-size-amplification-percent", "0"))).createColumnOptions(defaults, handles);
            assertEquals(rocksDb.level0FileNumCompactionTrigger(), options.level0FileNumCompactionTrigger(), "0: RocksDB's default");
            assertEquals(2, handles.size(), "no universal options object made for 0");
        }
        for (AutoCloseable h : handles) {
            assertDoesNotThrow(h::close);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> flink(Map.of("job.state.compaction-trigger", "20")));
        assertTrue(e.getMessage().contains("job.state.compaction-trigger"), e.getMessage());
    }

    @Test
    void allThreeRocksDbTuningsAtZeroLeaveTheOptionsFactoryToTheCluster() {
        var cluster = flink(Map.of("job.state.flush-threads", "0", "job.state.compaction-trigger", "0",
                "job.state.max-size-amplification-percent", "0"));
        assertFalse(cluster.contains(RocksDBOptions.OPTIONS_FACTORY));
        assertTrue(flink(Map.of("job.state.flush-threads", "0")).contains(RocksDBOptions.OPTIONS_FACTORY),
                "the other two still need the factory");
    }

    @Test
    void theInputConsumersLeaveTheirReceiveBufferToTheOperatingSystemUnlessTheKafkaPassThroughSaysOtherwise() {
        Map<String, String> m = new java.util.HashMap<>(REQUIRED);
        Configuration defaults = Configuration.fromMap(m);
        java.util.Properties p = SnapdeltaJob.sourceProperties(defaults, io.snapdelta.config.KafkaOptions.clientProperties(defaults));
        assertEquals("-1", p.getProperty("receive.buffer.bytes"));
        assertEquals("127.0.0.1:9092", p.getProperty("bootstrap.servers"));

        m.put("kafka.source.receive-buffer-bytes", "1048576");
        Configuration option = Configuration.fromMap(m);
        assertEquals("1048576", SnapdeltaJob.sourceProperties(option,
                io.snapdelta.config.KafkaOptions.clientProperties(option)).getProperty("receive.buffer.bytes"));

        // The kafka.properties.* pass-through is applied "after and over the settings above": it wins here too.
        m.put("kafka.properties.receive.buffer.bytes", "65536");
        Configuration passThrough = Configuration.fromMap(m);
        assertEquals("65536", SnapdeltaJob.sourceProperties(passThrough,
                io.snapdelta.config.KafkaOptions.clientProperties(passThrough)).getProperty("receive.buffer.bytes"));

        m.remove("kafka.properties.receive.buffer.bytes");
        for (String bad : List.of("0", "-2", "1023")) {
            m.put("kafka.source.receive-buffer-bytes", bad);
            Configuration invalid = Configuration.fromMap(m);
            ConfigException e = assertThrows(ConfigException.class,
                    () -> invalid.get(io.snapdelta.config.KafkaOptions.SOURCE_RECEIVE_BUFFER_BYTES));
            assertTrue(e.getMessage().contains("kafka.source.receive-buffer-bytes") && e.getMessage().contains("-1 or between"),
                    e.getMessage());
        }
    }
}
