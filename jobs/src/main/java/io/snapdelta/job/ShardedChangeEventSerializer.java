package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link ShardedChangeEvent}s (the records of the {@code keyBy(shard)} exchange): u16 shard
 * (big-endian; {@code shard.count} is at most 65,536), then the event exactly as {@link ChangeEventSerializer}
 * writes it (schemas/change-event-binary-v1.md). These bytes only travel between the job's own tasks (never in
 * Kafka, state or savepoints). Stateful like the event serializer it wraps (its caches): {@link #duplicate()}
 * gives each user its own.
 */
public final class ShardedChangeEventSerializer extends TypeSerializer<ShardedChangeEvent> {
    private static final long serialVersionUID = 1L;

    /** The largest shard the u16 field holds. */
    static final int MAX_SHARD = 0xFFFF;

    private final ChangeEventSerializer events = new ChangeEventSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<ShardedChangeEvent> duplicate() {
        return new ShardedChangeEventSerializer();
    }

    @Override
    public ShardedChangeEvent createInstance() {
        return null; // immutable: only asked for by operators that reuse mutable instances
    }

    @Override
    public ShardedChangeEvent copy(ShardedChangeEvent from) {
        return from;
    }

    @Override
    public ShardedChangeEvent copy(ShardedChangeEvent from, ShardedChangeEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ShardedChangeEvent record, DataOutputView out) throws IOException {
        out.writeShort(record.shard());
        events.serialize(record.event(), out);
    }

    @Override
    public ShardedChangeEvent deserialize(DataInputView in) throws IOException {
        int shard = in.readUnsignedShort();
        ChangeEvent e = events.deserialize(in);
        return new ShardedChangeEvent(shard, e);
    }

    @Override
    public ShardedChangeEvent deserialize(ShardedChangeEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardedChangeEventSerializer;
    }

    @Override
    public int hashCode() {
        return ShardedChangeEventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ShardedChangeEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for serializer evolution; restores to the current serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ShardedChangeEvent> {
        public Snapshot() {
            super(ShardedChangeEventSerializer::new);
        }
    }
}
