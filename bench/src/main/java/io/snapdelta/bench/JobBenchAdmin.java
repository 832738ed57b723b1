package io.snapdelta.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** The few broker questions the job benchmark asks, through a Kafka {@link Admin} client. */
final class JobBenchAdmin {
    private JobBenchAdmin() {
    }

    /** Per partition, the offset up to which a read_committed consumer can read now (the last stable offset). */
    static Map<TopicPartition, Long> committedEndOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    /** The offset the consumer group has committed for partition 0 of {@code topic}, or -1 if none. */
    static long groupOffset(Admin admin, String groupId, String topic) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
        return o == null ? -1 : o.offset();
    }
}
