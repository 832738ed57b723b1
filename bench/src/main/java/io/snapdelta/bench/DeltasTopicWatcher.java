package io.snapdelta.bench;

import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.format.BatchHeader;
import io.snapdelta.format.CorruptBatchException;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.TableSchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A read_committed consumer of the deltas topic on its own thread: notes every committed batch's header
 * (read with {@link DeltaBatchReader#readHeader}, so the checksum is verified) and the wall-clock time its
 * poll returned it. With {@code fetch.max.wait.ms} at {@value #FETCH_MAX_WAIT_MS} ms a committed batch is
 * seen at most about that long after its transaction commits.
 */
final class DeltasTopicWatcher implements AutoCloseable {
    static final int FETCH_MAX_WAIT_MS = 10;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Thread thread;
    private final List<CommittedBatch> seen = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<TopicPartition, Long> positions = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopping;

    DeltasTopicWatcher(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.CLIENT_ID_CONFIG, "snapdelta-bench-deltas-watcher");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        for (TopicPartition p : partitions) {
            positions.put(p, 0L);
        }
        thread = new Thread(this::run, "snapdelta-bench-deltas-watcher");
        thread.setDaemon(true);
    }

    DeltasTopicWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                List<CommittedBatch> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    BatchHeader h;
                    try {
                        h = reader.readHeader(r.value());
                    } catch (CorruptBatchException e) {
                        throw new IllegalStateException("deltas topic " + r.topic() + "-" + r.partition() + " offset " + r.offset()
                                + " holds no valid batch: " + e.getMessage(), e);
                    }
                    batch.add(new CommittedBatch(h.shard(), h.sequence(), h.firstVersion(), h.lastVersion(), h.opCount(), r.value().length,
                            r.timestamp(), now));
                }
                synchronized (seen) {
                    seen.addAll(batch);
                }
                for (TopicPartition p : partitions) {
                    positions.put(p, consumer.position(p));
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                failure.set(e);
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            consumer.close();
        }
    }

    /** True when this watcher has read every partition up to the given (read_committed) end offsets. */
    boolean reached(Map<TopicPartition, Long> endOffsets) {
        checkHealthy();
        for (Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
            if (positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    void checkHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the deltas topic watcher failed: " + t.getMessage(), t);
        }
    }

    /** The batches seen so far, in the order seen. */
    List<CommittedBatch> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
