package io.snapdelta.job;

import java.util.Optional;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter to the dead-letter topic: the original key and value bytes as they were, and the
 * {@code __snapdelta.errors.*} headers. No partition and no timestamp are forced: the broker stamps the
 * time of dead-lettering (the original time may already be past the dead-letter topic's retention).
 */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetterRecord>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetterRecord dl, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < dl.headerNames.length; i++) {
            headers.add(dl.headerNames[i], dl.headerValues[i]);
        }
        return new ProducerRecord<>(topic, null, null, dl.key, dl.value, headers);
    }

    /** The one topic this writes to: the sink's pooling transaction naming lists open transactions on it. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(OutputTopicsCheck.facet(topic));
    }
}
