package io.snapdelta.job;

import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A sealed batch as a deltas-topic record (schemas/deltas-topic-v1.md): key = the shard id as 4 bytes,
 * unsigned big-endian; value = the sealed batch; partition = shard mod the topic's partition count, so all
 * batches of a shard share a partition and appear there in sequence order.
 */
public final class DeltaRecordSerializationSchema implements KafkaRecordSerializationSchema<DeltaRecord>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeltaRecordSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeltaRecord r, KafkaSinkContext context, Long timestamp) {
        int partitions = context.getPartitionsForTopic(topic).length;
        byte[] key = {(byte) (r.shard >>> 24), (byte) (r.shard >>> 16), (byte) (r.shard >>> 8), (byte) r.shard};
        return new ProducerRecord<>(topic, Integer.remainderUnsigned(r.shard, partitions), timestamp, key, r.bytes);
    }

    /** The one topic this writes to: the sink's pooling transaction naming lists open transactions on it. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(OutputTopicsCheck.facet(topic));
    }
}
