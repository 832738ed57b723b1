package io.snapdelta.job;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of the keyBy(shard) exchange: {@link ShardedChangeEvent}s serialized by {@link ShardedChangeEventSerializer}, never by Kryo. */
public final class ShardedChangeEventTypeInfo extends TypeInformation<ShardedChangeEvent> {
    private static final long serialVersionUID = 1L;

    public static final ShardedChangeEventTypeInfo INSTANCE = new ShardedChangeEventTypeInfo();

    private ShardedChangeEventTypeInfo() {
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ShardedChangeEvent> getTypeClass() {
        return ShardedChangeEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ShardedChangeEvent> createSerializer(SerializerConfig config) {
        return new ShardedChangeEventSerializer(); // stateful (caches): one per user
    }

    @Override
    public String toString() {
        return "ShardedChangeEvent(u16 shard + snapdelta binary v1)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardedChangeEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return ShardedChangeEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ShardedChangeEventTypeInfo;
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
