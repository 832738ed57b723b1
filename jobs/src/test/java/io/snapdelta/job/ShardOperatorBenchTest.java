package io.snapdelta.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snapdelta.config.ConfigException;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.ingest.InputFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manual {@link ShardOperatorBench}'s arguments, settings and B/A summary (no RocksDB run). */
class ShardOperatorBenchTest {

    @Test
    void argumentsWithDefaults() {
        ShardOperatorBench.Args a = ShardOperatorBench.parseArgs("--input", "x.jsonl.zst",
                "--a", "shard.state.write-batch-entries=1", "--b", "shard.state.write-batch-entries=256");
        assertThat(a).isEqualTo(new ShardOperatorBench.Args(Path.of("x.jsonl.zst"), InputFormat.DEBEZIUM_JSON, 16, 4, 60_000,
                "shard.state.write-batch-entries=1", "shard.state.write-batch-entries=256", 128));
    }

    @Test
    void everyArgument() {
        ShardOperatorBench.Args a = ShardOperatorBench.parseArgs("--rounds", "40", "--warmup", "0", "--checkpoint-every", "20000",
                "--format", "snapdelta-json", "--rocksdb-memory-mb", "64", "--input", "y.jsonl", "--a", "", "--b", "shard.count=8");
        assertThat(a).isEqualTo(new ShardOperatorBench.Args(Path.of("y.jsonl"), InputFormat.SNAPDELTA_JSON, 40, 0, 20_000, "",
                "shard.count=8", 64));
    }

    @Test
    void badArguments() {
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--input", "x.jsonl", "--a", "")).hasMessageContaining("--b are required");
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--input", "x.jsonl", "--a", "", "--b", "", "--rounds"))
                .hasMessageContaining("--rounds needs a value");
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--rounds", "0")).hasMessageContaining("--rounds must be > 0");
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--warmup", "-1")).hasMessageContaining("--warmup must be >= 0");
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--checkpoint-every", "many")).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--format", "csv")).hasMessageContaining("unknown --format csv");
        assertThatThrownBy(() -> ShardOperatorBench.parseArgs("--seed", "1")).hasMessageContaining("unknown argument --seed");
    }

    @Test
    void settingsGoThroughTheJobsOptionParsing() {
        Configuration c = ShardOperatorBench.setting("shard.state.cache-entries=4096, shard.state.write-batch-entries=1");
        assertThat(c.get(ShardOptions.STATE_CACHE_ENTRIES)).isEqualTo(4096);
        assertThat(c.get(ShardOptions.STATE_WRITE_BATCH_ENTRIES)).isEqualTo(1);
        // ... and reach the operator's settings the way the job builds them.
        ShardDeltaOperator.Settings s = SnapdeltaJob.shardSettings(c);
        assertThat(s.stateCacheEntries()).isEqualTo(4096);
        assertThat(s.stateWriteBatchEntries()).isEqualTo(1);
        assertThat(SnapdeltaJob.shardSettings(ShardOperatorBench.setting("shard.count=8")).shards()).isEqualTo(8);

        // An empty setting is the job's defaults.
        assertThat(ShardOperatorBench.setting("").get(ShardOptions.STATE_WRITE_BATCH_ENTRIES))
                .isEqualTo(ShardOptions.STATE_WRITE_BATCH_ENTRIES.defaultValue());
    }

    @Test
    void badSettingsAreRejectedBeforeAnyPass() {
        assertThatThrownBy(() -> ShardOperatorBench.setting("shard.state.cache-entrys=4096")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("shard.state.cache-entries");
        assertThatThrownBy(() -> ShardOperatorBench.setting("shard.state.cache-entries=lots")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ShardOperatorBench.setting("shard.state.cache-entries")).hasMessageContaining("not key=value");
    }

    @Test
    void quartilesInterpolateBetweenOrderStatistics() {
        double[] x = {1, 2, 3, 4};
        assertThat(ShardOperatorBench.quantile(x, 0.5)).isEqualTo(2.5);
        assertThat(ShardOperatorBench.quantile(x, 0.25)).isEqualTo(1.75);
        assertThat(ShardOperatorBench.quantile(x, 0.75)).isEqualTo(3.25);
        assertThat(ShardOperatorBench.quantile(new double[] {0.9}, 0.25)).isEqualTo(0.9);
    }

    @Test
    void summarySortsTheRatios() {
        assertThat(ShardOperatorBench.summary("B/A op", List.of(1.1, 0.9, 1.0, 0.8, 1.2)))
                .isEqualTo("B/A op: n=5 median 1.0000 q1 0.9000 q3 1.1000 min 0.8000 max 1.2000");
        assertThat(ShardOperatorBench.summary("B/A op", List.of())).isEqualTo("B/A op: n=0");
    }
}
