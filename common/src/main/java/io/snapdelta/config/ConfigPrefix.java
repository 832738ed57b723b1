package io.snapdelta.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A declared pass-through namespace: every key under {@link #prefix()} is accepted without being a
 * {@link ConfigOption} and handed, prefix stripped, to a client library that owns those keys
 * (e.g. {@code kafka.properties.sasl.jaas.config} becomes the Kafka client's {@code sasl.jaas.config}).
 * Declared as a {@code public static final} field of an options class, next to the options, so that
 * {@link OptionsRegistry} finds it and the options reference documents it. Values under a prefix are
 * not typed here; keys that look secret ({@link SecretKeys}) are still never printed.
 */
public final class ConfigPrefix {
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*\\.");

    private final String prefix;
    private final String description;

    private ConfigPrefix(String prefix, String description) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a config prefix is dotted lowercase and ends with '.': " + prefix);
        }
        this.prefix = prefix;
        this.description = Objects.requireNonNull(description, "description");
    }

    /** @param prefix dotted lowercase, ending with a dot, e.g. {@code kafka.properties.} */
    public static ConfigPrefix of(String prefix, String description) {
        return new ConfigPrefix(prefix, description);
    }

    public String prefix() {
        return prefix;
    }

    public String description() {
        return description;
    }

    /** True for keys strictly below the prefix ({@code kafka.properties.} alone names nothing). */
    public boolean covers(String key) {
        return key.length() > prefix.length() && key.startsWith(prefix);
    }

    @Override
    public String toString() {
        return prefix + "*";
    }
}
