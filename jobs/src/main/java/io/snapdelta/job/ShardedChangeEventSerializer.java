package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeEventCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link ShardedChangeEvent}s (the records of the {@code keyBy(shard)} exchange): u8 2, u16
 * shard (big-endian; {@code shard.count} is at most 65,536), then the event exactly as
 * {@link ChangeEventSerializer} writes it (schemas/change-event-binary-v1.md, "Sharded records"). A record
 * that starts with the event's own version byte 1 is an event without its shard, written by a build before the
 * shard travelled (unaligned-checkpoint in-flight data): it is read with {@link ShardedChangeEvent#SHARD_UNKNOWN}
 * and the key selector computes the shard. Stateful like the event serializer it wraps (its caches):
 * {@link #duplicate()} gives each user its own.
 */
public final class ShardedChangeEventSerializer extends TypeSerializer<ShardedChangeEvent> {
    private static final long serialVersionUID = 1L;

    /** The largest shard the u16 field holds. */
    static final int MAX_SHARD = 0xFFFF;
    /** First byte of a sharded record; an unsharded one starts with the event's version, {@link ChangeEventCodec#VERSION}. */
    static final int SHARDED = 2;

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
        if (record.shard() == ShardedChangeEvent.SHARD_UNKNOWN) {
            events.serialize(record.event(), out); // as read: an unsharded record stays one
            return;
        }
        out.writeByte(SHARDED);
        out.writeShort(record.shard());
        events.serialize(record.event(), out);
    }

    @Override
    public ShardedChangeEvent deserialize(DataInputView in) throws IOException {
        int kind = in.readUnsignedByte();
        if (kind == SHARDED) {
            int shard = in.readUnsignedShort();
            return new ShardedChangeEvent(shard, events.deserialize(in));
        }
        if (kind == ChangeEventCodec.VERSION) {
            return new ShardedChangeEvent(ShardedChangeEvent.SHARD_UNKNOWN, events.deserializeAfterVersion(in));
        }
        throw new IOException("unknown keyBy record kind " + kind + " (this build reads " + SHARDED + ": sharded event, "
                + ChangeEventCodec.VERSION + ": change event v1 without its shard)");
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
