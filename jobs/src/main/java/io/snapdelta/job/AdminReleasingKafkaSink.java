package io.snapdelta.job;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's {@link KafkaSink}, except that its exactly-once writers do not leak an admin client.
 *
 * <p>Why: flink-connector-kafka 5.0.0's {@code ExactlyOnceKafkaWriter} creates an {@code AdminClient} the first time
 * it aborts lingering transactions at start-up (with {@code TransactionNamingStrategy.POOLING} it lists them through
 * the admin API) and never closes it, neither after start-up nor in {@code close()}. So every start of a writer
 * subtask leaves one admin client behind in the TaskManager, with its I/O thread, its connection to the broker and
 * its metrics: one per sink subtask per job submission, and again after every failover and restore. In
 * {@code bench job}, which submits the job hundreds of times into one process, they piled up to hundreds of idle
 * clients; on a cluster they pile up in the TaskManagers with every restart.
 *
 * <p>This sink delegates everything to the connector's and closes the writer's admin client as soon as
 * {@code restoreWriter} returns. Once is enough, so the connector's writer itself is handed out unwrapped (no extra
 * call per record): it uses the client only in {@code initialize()}, to abort at start-up, which
 * {@code restoreWriter} runs; should a later version need one afterwards, it creates a new one, because the field is
 * cleared (and that one would leak again). The client sits in a private field, found by its type; should a future
 * connector rename or drop it, the writer runs unchanged and a WARN says the client could not be released.
 */
final class AdminReleasingKafkaSink<IN> implements TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
        SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdminReleasingKafkaSink.class);
    /** Admin calls of the writer are over once it has started; closing waits this long for any that is not. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaSink<IN> delegate;

    AdminReleasingKafkaSink(KafkaSink<IN> delegate) {
        this.delegate = delegate;
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> createWriter(WriterInitContext context)
            throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> restoreWriter(
            WriterInitContext context, Collection<KafkaWriterState> recoveredState) throws IOException {
        PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> writer = delegate.restoreWriter(context, recoveredState);
        releaseAdmin(writer);
        return writer;
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return delegate.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
        delegate.addPostCommitTopology(committables);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return delegate.getLineageVertex();
    }

    /**
     * Closes and clears the admin client {@code writer} holds, if it holds one.
     *
     * @return true if a client was closed
     */
    static boolean releaseAdmin(Object writer) {
        Optional<Field> field = adminField(writer.getClass());
        if (field.isEmpty()) {
            return false;
        }
        Admin admin;
        try {
            admin = (Admin) field.get().get(writer);
            field.get().set(writer, null);
        } catch (IllegalAccessException e) {
            LOG.warn("Cannot release the admin client of {}: {}", writer.getClass().getName(), e.toString());
            return false;
        }
        if (admin == null) {
            return false;
        }
        admin.close(CLOSE_TIMEOUT);
        LOG.debug("Closed the admin client of {}", writer.getClass().getName());
        return true;
    }

    private static Optional<Field> adminField(Class<?> writerClass) {
        boolean exactlyOnce = false;
        for (Class<?> c = writerClass; c != null && c != Object.class; c = c.getSuperclass()) {
            exactlyOnce |= c.getSimpleName().startsWith("ExactlyOnce");
            for (Field f : c.getDeclaredFields()) {
                if (Admin.class.isAssignableFrom(f.getType())) {
                    f.setAccessible(true);
                    return Optional.of(f);
                }
            }
        }
        if (exactlyOnce) {
            // Only the exactly-once writer has one; the others are expected to have none.
            LOG.warn("{} has no admin-client field any more: the workaround for the connector's leaked admin client "
                    + "does nothing (check whether the connector now closes it itself)", writerClass.getName());
        }
        return Optional.empty();
    }
}
