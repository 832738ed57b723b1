package io.snapdelta.job;

import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of the keyBy(shard) exchange: {@link ShardedChangeEvent}s serialized by {@link ShardedChangeEventSerializer}, never by Kryo. */
public final class ShardedChangeEventTypeInfo extends SingleSerializerTypeInfo<ShardedChangeEvent> {
    private static final long serialVersionUID = 1L;

    public static final ShardedChangeEventTypeInfo INSTANCE = new ShardedChangeEventTypeInfo();

    private ShardedChangeEventTypeInfo() {
        super(ShardedChangeEvent.class, "ShardedChangeEvent(u16 shard + snapdelta binary v1)");
    }

    @Override
    TypeSerializer<ShardedChangeEvent> newSerializer() {
        return new ShardedChangeEventSerializer();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
