package io.snapdelta.replica;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the committed records of the deltas topic ({@code schemas/deltas-topic-v1.md}) from the beginning
 * of the partitions that hold the wanted shards ({@code shard mod P}) up to a fixed end: by default the end
 * offsets as they are when the read starts, which under {@code read_committed} are the last stable offsets
 * (nothing of a transaction still open then is read). Records are handed on in partition order, which is
 * each shard's commit order. It assigns partitions itself (no consumer group, nothing committed).
 */
public final class DeltaTopicReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration idleTimeout;
    /** The client settings with read_uncommitted, for {@link #awaitSettledEnd}. */
    private final Map<String, Object> uncommittedProperties;

    /**
     * @param clientProperties Kafka client settings, at least {@code bootstrap.servers} (security settings
     *     pass through); the isolation level is always {@code read_committed}
     * @param idleTimeout how long a read may go without progress before it fails
     */
    public DeltaTopicReader(Map<String, ?> clientProperties, String topic, Duration idleTimeout) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        if (!p.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("the client properties name no " + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        }
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "snapdelta-delta-reader");
        this.topic = topic;
        this.idleTimeout = idleTimeout;
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.uncommittedProperties = new HashMap<>(p);
        uncommittedProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        uncommittedProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, p.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-settle");
    }

    /**
     * For a topic whose writers have all finished (a bounded job that ended, a test's producer): waits until the
     * last stable offsets of {@code partitions} reach the log ends. A transaction's commit returns before the
     * broker has written every partition's commit marker, so a reader asking for the end offsets just then
     * would stop short of the last transaction. Not for a live topic: an open transaction keeps them apart.
     *
     * @throws IllegalStateException if they are still apart after the idle timeout
     */
    public void awaitSettledEnd(Collection<Integer> partitions) {
        List<TopicPartition> tps = tps(partitions);
        try (KafkaConsumer<byte[], byte[]> all = new KafkaConsumer<>(uncommittedProperties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + idleTimeout.toNanos();
            Map<TopicPartition, Long> stable = consumer.endOffsets(tps, idleTimeout);
            Map<TopicPartition, Long> ends = all.endOffsets(tps, idleTimeout);
            while (!stable.equals(ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + ": the last stable offsets " + stable + " did not reach the log ends "
                            + ends + " within " + idleTimeout + " (a transaction still open?)");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                stable = consumer.endOffsets(tps, idleTimeout);
                ends = all.endOffsets(tps, idleTimeout);
            }
        }
    }

    public static DeltaTopicReader forBootstrap(String bootstrapServers, String topic, Duration idleTimeout) {
        return new DeltaTopicReader(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, idleTimeout);
    }

    /** The topic's partition count (the topic must exist). */
    public int partitionCount() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, idleTimeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("deltas topic " + topic + " does not exist or has no partitions");
        }
        return infos.size();
    }

    /** The partitions that hold {@code shards} (all partitions when {@code shards} is null). */
    public Set<Integer> partitionsOf(Collection<Integer> shards) {
        int p = partitionCount();
        Set<Integer> out = new TreeSet<>();
        if (shards == null) {
            for (int i = 0; i < p; i++) {
                out.add(i);
            }
        } else {
            shards.forEach(s -> out.add(Math.floorMod(s, p)));
        }
        return out;
    }

    /** The end offsets of {@code partitions} now (last stable offsets: read_committed). */
    public Map<Integer, Long> endOffsets(Collection<Integer> partitions) {
        Map<Integer, Long> out = new TreeMap<>();
        consumer.endOffsets(tps(partitions), idleTimeout).forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    /**
     * Hands every committed record of the given partitions, from the beginning up to (excluding) its
     * stop offset, to {@code sink}. Returns the records handed on.
     *
     * @throws IllegalStateException if no record arrives and no position moves for the idle timeout
     */
    public long read(Map<Integer, Long> stopOffsets, Consumer<DeltaRecord> sink) {
        List<TopicPartition> tps = tps(stopOffsets.keySet());
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition tp : tps) {
            if (consumer.position(tp, idleTimeout) < stopOffsets.get(tp.partition())) {
                remaining.put(tp, stopOffsets.get(tp.partition()));
            } else {
                consumer.pause(List.of(tp));
            }
        }
        LOG.info("Reading {} (read_committed) partitions {} up to offsets {}", topic, stopOffsets.keySet(), stopOffsets);
        long handed = 0;
        long lastProgress = System.nanoTime();
        while (!remaining.isEmpty()) {
            boolean progress = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                Long stop = remaining.get(tp);
                if (stop != null && r.offset() < stop) {
                    sink.accept(new DeltaRecord(r.partition(), r.offset(), r.key(), r.value()));
                    handed++;
                    progress = true;
                }
            }
            for (TopicPartition tp : new ArrayList<>(remaining.keySet())) {
                // Positions move past transaction markers and aborted records too, so compare positions, not counts.
                if (consumer.position(tp, idleTimeout) >= remaining.get(tp)) {
                    remaining.remove(tp);
                    consumer.pause(List.of(tp));
                    progress = true;
                }
            }
            if (progress) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > idleTimeout.toNanos()) {
                Map<Integer, String> where = new TreeMap<>();
                remaining.forEach((tp, stop) -> where.put(tp.partition(), consumer.position(tp) + " of " + stop));
                throw new IllegalStateException("reading " + topic + " made no progress for " + idleTimeout
                        + "; partitions still short of their end (position of end): " + where);
            }
        }
        LOG.info("Read {} committed records of {}", handed, topic);
        return handed;
    }

    /**
     * Replays the shards {@code verifier} follows, up to the end offsets as they are now, into it. Returns
     * the verifier's report.
     */
    public VerificationReport verify(DeltaStreamVerifier verifier) {
        return verify(verifier, null);
    }

    /** As {@link #verify(DeltaStreamVerifier)}, stopping at {@code stopOffsets} (by partition) when given. */
    public VerificationReport verify(DeltaStreamVerifier verifier, Map<Integer, Long> stopOffsets) {
        int partitions = partitionCount();
        Map<Integer, Long> stops = stopOffsets != null ? stopOffsets : endOffsets(partitionsOf(verifier.shards()));
        read(stops, r -> verifier.accept(r, partitions));
        return verifier.report();
    }

    private List<TopicPartition> tps(Collection<Integer> partitions) {
        List<TopicPartition> out = new ArrayList<>();
        partitions.forEach(p -> out.add(new TopicPartition(topic, p)));
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
