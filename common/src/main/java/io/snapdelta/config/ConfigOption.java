package io.snapdelta.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One typed configuration option, declared once: key, type, default, description and validator.
 * Modelled on Flink's {@code ConfigOptions} and Kafka's {@code ConfigDef}, but Flink-free so that the
 * replica and the benchmarks share the declarations with the job.
 *
 * <pre>{@code
 * public static final ConfigOption<Integer> SHARDS = ConfigOption.key("shards")
 *         .intType().defaultValue(16).validator(Validators.atLeast(1))
 *         .description("Number of shards S; fixed per deployment.");
 * }</pre>
 */
public final class ConfigOption<T> {
    private final String key;
    private final OptionType<T> type;
    private final T defaultValue;
    private final String description;
    private final Validator<? super T> validator;

    private ConfigOption(String key, OptionType<T> type, T defaultValue, String description, Validator<? super T> validator) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.validator = validator;
    }

    public static Builder key(String key) {
        return new Builder(key);
    }

    public String key() {
        return key;
    }

    public OptionType<T> type() {
        return type;
    }

    /** The default, or {@code null} for an option that has none (then it is required where it is read). */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    public String description() {
        return description;
    }

    public Validator<? super T> validator() {
        return validator;
    }

    /** Parses and validates a textual value, naming the option and the value on failure. */
    public T parse(String text) {
        T value;
        try {
            value = type.parser().apply(text.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(key, type.isSecret() ? "[hidden]" : text,
                    "not a valid " + type.name() + " (" + e.getMessage() + ")");
        }
        // Name the value as the user wrote it (0s, not 0ms).
        check(value, text.trim());
        return value;
    }

    public void validate(T value) {
        check(value, type.isSecret() ? Password.HIDDEN : type.format(value));
    }

    private void check(T value, String shown) {
        String problem = validator.check(value);
        if (problem != null) {
            throw new ConfigException(key, type.isSecret() ? Password.HIDDEN : shown, problem);
        }
    }

    @Override
    public String toString() {
        return key;
    }

    /** First step of the builder: choose the type. */
    public static final class Builder {
        private final String key;

        private Builder(String key) {
            this.key = Objects.requireNonNull(key, "key");
        }

        public TypedBuilder<String> stringType() {
            return new TypedBuilder<>(key, OptionType.STRING);
        }

        public TypedBuilder<Integer> intType() {
            return new TypedBuilder<>(key, OptionType.INT);
        }

        public TypedBuilder<Long> longType() {
            return new TypedBuilder<>(key, OptionType.LONG);
        }

        public TypedBuilder<Double> doubleType() {
            return new TypedBuilder<>(key, OptionType.DOUBLE);
        }

        public TypedBuilder<Boolean> booleanType() {
            return new TypedBuilder<>(key, OptionType.BOOLEAN);
        }

        public TypedBuilder<Duration> durationType() {
            return new TypedBuilder<>(key, OptionType.DURATION);
        }

        public TypedBuilder<MemorySize> memoryType() {
            return new TypedBuilder<>(key, OptionType.MEMORY);
        }

        public TypedBuilder<Password> passwordType() {
            return new TypedBuilder<>(key, OptionType.PASSWORD);
        }

        public TypedBuilder<List<String>> stringListType() {
            return new TypedBuilder<>(key, OptionType.STRING_LIST);
        }

        public <E extends Enum<E>> TypedBuilder<E> enumType(Class<E> enumClass, Function<E, String> idOf) {
            return new TypedBuilder<>(key, OptionType.forEnum(enumClass, idOf));
        }
    }

    /** Second step: default, validator, description. */
    public static final class TypedBuilder<T> {
        private final String key;
        private final OptionType<T> type;
        private T defaultValue;
        private Validator<? super T> validator = v -> null;

        private TypedBuilder(String key, OptionType<T> type) {
            this.key = key;
            this.type = type;
        }

        public TypedBuilder<T> defaultValue(T value) {
            this.defaultValue = Objects.requireNonNull(value, "default value");
            return this;
        }

        /** Declares that the option has no default: reading it without a value is an error naming the key. */
        public TypedBuilder<T> noDefaultValue() {
            this.defaultValue = null;
            return this;
        }

        public TypedBuilder<T> validator(Validator<? super T> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /** Finishes the declaration; the default (if any) must pass the validator. */
        public ConfigOption<T> description(String description) {
            ConfigOption<T> option = new ConfigOption<>(key, type, defaultValue, Objects.requireNonNull(description), validator);
            if (defaultValue != null) {
                option.validate(defaultValue);
            }
            return option;
        }
    }
}
