package io.snapdelta.job;

import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.localstack.LocalFlink;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real servers most job ITCases share, one set per test class: an embedded Kafka broker and a Flink
 * MiniCluster (2 slots, RocksDB), both on 127.0.0.1 under one temp dir. A subclass adds servers in its own
 * {@code @BeforeAll} (run after this one) and stops them in its own {@code @AfterAll} (run before this one).
 */
abstract class KafkaAndFlinkServers {
    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker kafka;
    static LocalFlink flink;

    @BeforeAll
    static void startKafkaAndFlink() {
        kafka = EmbeddedKafkaBroker.start(dir, Map.of());
        flink = LocalFlink.start(dir, 2);
    }

    @AfterAll
    static void stopKafkaAndFlink() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
