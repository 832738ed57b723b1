package io.snapdelta.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (the {@code kafka_2.13} server classes, KRaft mode) running inside this JVM
 * as a single combined broker + controller node, listening only on 127.0.0.1.
 *
 * <p>Transactions work: the transaction-state and offsets topics are created with replication factor 1
 * and min ISR 1. The broker's {@code transaction.max.timeout.ms} is {@link #transactionMaxTimeout()};
 * a transactional producer (e.g. Flink's exactly-once {@code KafkaSink}, whose default of 1 h is above
 * Kafka's 15 min default) must set {@code transaction.timeout.ms} at or below it, or
 * {@code InitProducerId} fails.
 *
 * <p>Data lives in a fresh directory that {@link #close()} removes.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopic("events", 2);
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The broker's {@code transaction.max.timeout.ms} unless overridden (Kafka's own default). */
    public static final Duration DEFAULT_TRANSACTION_MAX_TIMEOUT = Duration.ofMinutes(15);
    /** How long {@link #start} waits for the broker to answer {@code describeCluster}. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final Admin admin;
    private final Path dataDir;
    private final InetSocketAddress brokerAddress;
    private final InetSocketAddress controllerAddress;
    private final Duration transactionMaxTimeout;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Admin admin, Path dataDir, InetSocketAddress brokerAddress,
                                InetSocketAddress controllerAddress, Duration transactionMaxTimeout) {
        this.server = server;
        this.admin = admin;
        this.dataDir = dataDir;
        this.brokerAddress = brokerAddress;
        this.controllerAddress = controllerAddress;
        this.transactionMaxTimeout = transactionMaxTimeout;
    }

    /** Starts a broker with its data in a new directory under {@code java.io.tmpdir}. */
    public static EmbeddedKafkaBroker start() {
        return start(Path.of(System.getProperty("java.io.tmpdir")), Map.of());
    }

    /**
     * Starts a broker with its data in a new directory under {@code parentDir}.
     *
     * @param brokerOverrides extra or replacing broker properties (e.g. {@code message.max.bytes});
     *     the listener and quorum settings that keep it on 127.0.0.1 cannot be overridden
     */
    public static EmbeddedKafkaBroker start(Path parentDir, Map<String, String> brokerOverrides) {
        long started = System.nanoTime();
        Path dataDir = WorkDirs.create(parentDir, "kafka");
        KafkaRaftServer server = null;
        Admin admin = null;
        try {
            int brokerPort = Loopback.freePort();
            int controllerPort = Loopback.freePort();
            Properties props = brokerProperties(dataDir, brokerPort, controllerPort, brokerOverrides);
            format(dataDir, props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = Loopback.HOST + ":" + brokerPort;
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "snapdelta-local-stack-admin"));
            awaitReady(admin);
            Duration txMax = Duration.ofMillis(Long.parseLong(props.getProperty("transaction.max.timeout.ms")));
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, admin, dataDir,
                    new InetSocketAddress(Loopback.HOST, brokerPort),
                    new InetSocketAddress(Loopback.HOST, controllerPort), txMax);
            LOG.info("Kafka broker (KRaft, combined node) ready at {} in {} ms; data in {}",
                    bootstrap, (System.nanoTime() - started) / 1_000_000, dataDir);
            return broker;
        } catch (RuntimeException | Error e) {
            closeQuietly(admin, server, dataDir);
            throw e;
        }
    }

    static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort,
                                       Map<String, String> overrides) {
        Properties p = new Properties();
        // Defaults first, so overrides can replace them ...
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("transaction.max.timeout.ms", Long.toString(DEFAULT_TRANSACTION_MAX_TIMEOUT.toMillis()));
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Sized for a laptop, not a data centre: fewer threads, and a 16 MiB (not 128 MiB) cleaner buffer.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("background.threads", "4");
        p.setProperty("log.cleaner.dedupe.buffer.size", Long.toString(16L << 20));
        overrides.forEach(p::setProperty);
        // ... and then what keeps the node single, on loopback and in its own directory.
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("listeners", "PLAINTEXT://" + Loopback.HOST + ":" + brokerPort
                + ",CONTROLLER://" + Loopback.HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + Loopback.HOST + ":" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.quorum.bootstrap.servers", Loopback.HOST + ":" + controllerPort);
        p.setProperty("log.dirs", dataDir.resolve("log").toString());
        return p;
    }

    /** {@code kafka-storage format --standalone}: writes meta.properties and the bootstrap checkpoint. */
    private static void format(Path dataDir, Properties props) {
        Path propsFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(propsFile)) {
            props.store(out, "snapdelta embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + propsFile, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", propsFile.toString(), "--standalone"}, printStream);
        } catch (Exception e) {
            throw new IllegalStateException("kafka storage format failed for " + dataDir + ": " + e.getMessage(), e);
        }
        String text = output.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format exited with " + rc + ": " + text);
        }
        LOG.debug("kafka storage format: {}", text);
    }

    private static void awaitReady(Admin admin) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
            }
        }
        throw new IllegalStateException("Kafka broker not ready within " + STARTUP_TIMEOUT, last);
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Loopback.HOST + ":" + brokerAddress.getPort();
    }

    /** The address the client listener is bound to (always 127.0.0.1). */
    public InetSocketAddress brokerAddress() {
        return brokerAddress;
    }

    /** The address the KRaft controller listener is bound to (always 127.0.0.1). */
    public InetSocketAddress controllerAddress() {
        return controllerAddress;
    }

    /**
     * The broker's {@code transaction.max.timeout.ms}. Transactional producers must use a
     * {@code transaction.timeout.ms} no larger than this.
     */
    public Duration transactionMaxTimeout() {
        return transactionMaxTimeout;
    }

    /** The directory holding the broker's logs and metadata; removed by {@link #close()}. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader, so a
     * producer can write to it straight away. Creating a topic that already exists with the same number
     * of partitions is a no-op; with a different number it fails.
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * {@link #createTopic(String, int)} with topic configs, e.g. {@code message.timestamp.type=LogAppendTime}.
     * An existing topic keeps the configs it was created with.
     */
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, got " + partitions);
        }
        try {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(topicConfigs))).all()
                        .get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(name, partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    private void awaitLeaders(String name, int partitions)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(Set.of(name)).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(name);
                if (d.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + name + " exists with " + d.partitions().size()
                            + " partitions, not the " + partitions + " requested");
                }
                if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition while metadata propagates: retry until the deadline.
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new TimeoutException("topic " + name + " has partitions without a leader after "
                        + TOPIC_READY_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Shuts the broker down, waits for it to stop and deletes its data. Calling it twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        closeQuietly(admin, server, dataDir);
        LOG.info("Kafka broker {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    private static void closeQuietly(Admin admin, KafkaRaftServer server, Path dataDir) {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the Kafka admin client failed", e);
            }
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Kafka broker shutdown failed", e);
            }
        }
        try {
            WorkDirs.deleteRecursively(dataDir);
        } catch (IOException e) {
            LOG.warn("cannot delete Kafka data directory {}", dataDir, e);
        }
    }
}
