package io.snapdelta.config;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A set of option values as text, keyed by option key; typed access through {@link ConfigOption}s.
 * Values are parsed and validated on read, so an error always names the key and the value. Loading
 * from files and {@code --key value} overrides lives in {@link ConfigLoader}.
 *
 * <p>{@link #toString()} hides the value of every key that was set through a {@link OptionType#PASSWORD}
 * option (or marked with {@link #markSecret}) and of every key that looks secret ({@link SecretKeys}),
 * so a configuration can be logged as a whole.
 */
public final class Configuration {
    private final Map<String, String> values;
    private final Set<String> secretKeys = new HashSet<>();

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
        if (option.type().isSecret()) {
            secretKeys.add(option.key());
            values.put(option.key(), ((Password) value).value());
        } else {
            values.put(option.key(), option.type().format(value));
        }
        return this;
    }

    /** Sets a raw textual value; it is checked when read. */
    public Configuration setString(String key, String value) {
        values.put(key, value);
        return this;
    }

    /** Makes {@link #toString()} hide this key's value even if its name does not look secret. */
    public Configuration markSecret(String key) {
        secretKeys.add(key);
        return this;
    }

    /**
     * The raw values of every key under the prefix, prefix stripped, in insertion order; for
     * pass-through namespaces such as {@code kafka.properties.}. Holds secrets: never log the result.
     */
    public Map<String, String> getPrefixed(ConfigPrefix prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (prefix.covers(k)) {
                out.put(k.substring(prefix.prefix().length()), v);
            }
        });
        return out;
    }

    /** The raw textual values (secrets included: never log this; use {@link #toString()}). */
    public Map<String, String> toMap() {
        return Collections.unmodifiableMap(values);
    }

    /** True when {@link #toString()} hides this key's value. */
    public boolean isSecret(String key) {
        return secretKeys.contains(key) || SecretKeys.looksSecret(key);
    }

    /** Sorted {@code key=value} pairs with every secret value shown as [hidden]. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, isSecret(k) ? Password.HIDDEN : v));
        return shown.toString();
    }
}
