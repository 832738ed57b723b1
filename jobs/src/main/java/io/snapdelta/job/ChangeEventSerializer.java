package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeEventCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link ChangeEvent}s (the records of the {@code keyBy(shard)} exchange), so Flink
 * never falls back to Kryo for them. The bytes are {@link ChangeEventCodec}'s (schemas/change-event-binary-v1.md),
 * whose first byte versions each record; the serializer itself has no configuration, so its snapshot is a
 * {@link SimpleTypeSerializerSnapshot}. Events and rows are immutable, so copies are the same object.
 */
public final class ChangeEventSerializer extends TypeSerializerSingleton<ChangeEvent> {
    private static final long serialVersionUID = 1L;

    public static final ChangeEventSerializer INSTANCE = new ChangeEventSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public ChangeEvent createInstance() {
        // Only asked for by operators that reuse mutable instances; ChangeEvent is immutable.
        return null;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from) {
        return from;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from, ChangeEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ChangeEvent record, DataOutputView target) throws IOException {
        ChangeEventCodec.write(record, target);
    }

    @Override
    public ChangeEvent deserialize(DataInputView source) throws IOException {
        return ChangeEventCodec.read(source);
    }

    @Override
    public ChangeEvent deserialize(ChangeEvent reuse, DataInputView source) throws IOException {
        return ChangeEventCodec.read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        ChangeEventCodec.copy(source, target);
    }

    @Override
    public TypeSerializerSnapshot<ChangeEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** Snapshot for serializer evolution; restores to the current serializer (the byte layout carries its version). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
