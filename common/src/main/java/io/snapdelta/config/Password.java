package io.snapdelta.config;

import java.util.Objects;

/** A secret (S3 secret key, SASL password). {@link #toString()} never reveals it; use {@link #value()}. */
public final class Password {
    public static final String HIDDEN = "[hidden]";
    private final String value;

    public Password(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return HIDDEN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password p && p.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
