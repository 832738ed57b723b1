package io.snapdelta.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of option values as text, keyed by option key; typed access through {@link ConfigOption}s.
 * Values are parsed and validated on read, so an error always names the key and the value. Loading
 * from files and {@code --key value} overrides lives in {@link ConfigLoader}.
 */
public final class Configuration {
    private final Map<String, String> values;

    public Configuration() {
        this(new LinkedHashMap<>());
    }

    private Configuration(Map<String, String> values) {
        this.values = values;
    }

    public static Configuration fromMap(Map<String, String> values) {
        return new Configuration(new LinkedHashMap<>(values));
    }

    /** The option's value: the configured one parsed and validated, else its default. */
    public <T> T get(ConfigOption<T> option) {
        String text = values.get(option.key());
        if (text == null) {
            if (!option.hasDefault()) {
                throw new ConfigException(option.key(), "Missing required configuration " + option.key()
                        + ": " + option.description());
            }
            return option.defaultValue();
        }
        return option.parse(text);
    }

    public boolean contains(ConfigOption<?> option) {
        return values.containsKey(option.key());
    }

    public <T> Configuration set(ConfigOption<T> option, T value) {
        option.validate(value);
        values.put(option.key(), option.type().isSecret() ? ((Password) value).value() : option.type().format(value));
        return this;
    }

    /** Sets a raw textual value; it is checked when read. */
    public Configuration setString(String key, String value) {
        values.put(key, value);
        return this;
    }

    /** The raw textual values (secrets included: never log this; use {@link #toString()}). */
    public Map<String, String> toMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Sorted {@code key=value} pairs with every key that looks secret shown as [hidden]. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, SecretKeys.looksSecret(k) ? Password.HIDDEN : v));
        return shown.toString();
    }
}
