package io.snapdelta.job;

import io.snapdelta.ingest.SnapdeltaJsonWriter;
import io.snapdelta.model.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a valid change event to {@code job.valid-events-topic} as snapdelta JSON v1
 * ({@code schemas/change-event-formats.md}), so any input format comes out normalised. The record key is
 * {@code <table>/<key row>} in UTF-8 (e.g. {@code public.pgbench_accounts/{aid=7}}): Kafka's default
 * partitioner then keeps every key's changes in one partition, in order.
 */
public final class ValidEventSerializationSchema implements KafkaRecordSerializationSchema<ChangeEvent>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient SnapdeltaJsonWriter writer;

    public ValidEventSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        writer = new SnapdeltaJsonWriter();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ChangeEvent event, KafkaSinkContext context, Long timestamp) {
        byte[] key = (event.table() + "/" + event.key()).getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, key, writer.write(event));
    }

    /** The one topic this writes to: the sink's pooling transaction naming lists open transactions on it. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(OutputTopicsCheck.facet(topic));
    }
}
