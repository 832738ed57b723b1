package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flink's own JUnit extension, configured by {@link LocalFlinkTesting}: loopback, RocksDB, jobs run on it. */
class LocalFlinkTestingExtensionTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalFlinkTesting.miniClusterExtension(2);

    @Test
    void extensionClusterIsOnLoopbackWithRocksDbAndRunsKeyedJobs(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        assertEquals("127.0.0.1", cluster.getRestAddress().get().getHost());
        assertEquals("rocksdb", cluster.getConfiguration().get(StateBackendOptions.STATE_BACKEND));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<Tuple2<String, Long>> sums = new ArrayList<>();
        try (CloseableIterator<Tuple2<String, Long>> it = env
                .fromData(Tuple2.of("a", 1L), Tuple2.of("b", 10L), Tuple2.of("a", 2L), Tuple2.of("b", 20L))
                .returns(Types.TUPLE(Types.STRING, Types.LONG))
                .keyBy(t -> t.f0)
                .sum(1)
                .executeAndCollect()) {
            it.forEachRemaining(sums::add);
        }
        List<Tuple2<String, Long>> last = List.of(
                sums.stream().filter(t -> t.f0.equals("a")).reduce((x, y) -> y).orElseThrow(),
                sums.stream().filter(t -> t.f0.equals("b")).reduce((x, y) -> y).orElseThrow());
        assertEquals(List.of(Tuple2.of("a", 3L), Tuple2.of("b", 30L)), last);
        assertEquals(4, sums.size(), "one running sum per input record: " + sums);
    }
}
