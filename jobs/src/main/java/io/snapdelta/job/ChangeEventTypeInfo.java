package io.snapdelta.job;

import io.snapdelta.model.ChangeEvent;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of {@link ChangeEvent} streams: serialized by {@link ChangeEventSerializer}, never by Kryo. */
public final class ChangeEventTypeInfo extends SingleSerializerTypeInfo<ChangeEvent> {
    private static final long serialVersionUID = 1L;

    public static final ChangeEventTypeInfo INSTANCE = new ChangeEventTypeInfo();

    private ChangeEventTypeInfo() {
        super(ChangeEvent.class, "ChangeEvent(snapdelta binary v1)");
    }

    @Override
    TypeSerializer<ChangeEvent> newSerializer() {
        return new ChangeEventSerializer();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
