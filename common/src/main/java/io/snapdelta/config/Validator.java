package io.snapdelta.config;

/** Checks a parsed value; returns {@code null} when it is valid, else why it is not. */
@FunctionalInterface
public interface Validator<T> {
    String check(T value);

    /** Human-readable valid range for the docs, e.g. {@code [1,...]}; empty when any value goes. */
    default String describe() {
        return "";
    }
}
