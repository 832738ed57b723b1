package io.snapdelta.config;

import java.time.Duration;

/** Validators with a docs description, so the options reference prints the valid range. */
public final class Validators {
    private Validators() {
    }

    public static <T extends Comparable<T>> Validator<T> atLeast(T min) {
        return new Validator<>() {
            @Override
            public String check(T value) {
                return value.compareTo(min) < 0 ? "must be at least " + min : null;
            }

            @Override
            public String describe() {
                return "[" + min + ",...]";
            }
        };
    }

    public static <T extends Comparable<T>> Validator<T> between(T min, T max) {
        return new Validator<>() {
            @Override
            public String check(T value) {
                return value.compareTo(min) < 0 || value.compareTo(max) > 0 ? "must be between " + min + " and " + max : null;
            }

            @Override
            public String describe() {
                return "[" + min + ",...," + max + "]";
            }
        };
    }

    public static Validator<Duration> positiveDuration() {
        return new Validator<>() {
            @Override
            public String check(Duration value) {
                return value.isNegative() || value.isZero() ? "must be positive" : null;
            }

            @Override
            public String describe() {
                return "> 0";
            }
        };
    }

    public static Validator<String> nonEmpty() {
        return new Validator<>() {
            @Override
            public String check(String value) {
                return value.isBlank() ? "must not be empty" : null;
            }

            @Override
            public String describe() {
                return "non-empty";
            }
        };
    }
}
