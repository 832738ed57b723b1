package io.snapdelta.job;

import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information of a stream whose records are one of our own types with one hand-written serializer
 * (never Kryo): a single non-tuple, non-key field. Subclasses are singletons; equal when of the same class.
 */
abstract class SingleSerializerTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> typeClass;
    private final String description;

    SingleSerializerTypeInfo(Class<T> typeClass, String description) {
        this.typeClass = typeClass;
        this.description = description;
    }

    /** A new serializer: ours are stateful (caches), so one per user. */
    abstract TypeSerializer<T> newSerializer();

    @Override
    public final boolean isBasicType() {
        return false;
    }

    @Override
    public final boolean isTupleType() {
        return false;
    }

    @Override
    public final int getArity() {
        return 1;
    }

    @Override
    public final int getTotalFields() {
        return 1;
    }

    @Override
    public final Class<T> getTypeClass() {
        return typeClass;
    }

    @Override
    public final boolean isKeyType() {
        return false;
    }

    @Override
    public final TypeSerializer<T> createSerializer(SerializerConfig config) {
        return newSerializer();
    }

    @Override
    public final String toString() {
        return description;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public final boolean canEqual(Object o) {
        return o != null && o.getClass() == getClass();
    }
}
