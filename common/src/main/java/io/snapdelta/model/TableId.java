package io.snapdelta.model;

import java.util.Objects;

/**
 * A table's identity: a namespace (PostgreSQL schema, MySQL database, or empty) and a name.
 * {@link #toString()} is {@code namespace.name}, or {@code name} when the namespace is empty.
 */
public record TableId(String namespace, String name) implements Comparable<TableId> {
    public TableId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("table name must not be empty");
        }
    }

    public static TableId of(String namespace, String name) {
        return new TableId(namespace == null ? "" : namespace, name);
    }

    /** Parses {@code ns.name} (split at the first dot) or a bare {@code name}. */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? new TableId("", qualified) : new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /**
     * Identity first: parsers and decoders hand out one instance per table, and this sits on every state
     * lookup (the generated record equals has no identity check).
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof TableId t && name.equals(t.name) && namespace.equals(t.namespace);
    }

    @Override
    public int hashCode() {
        return 31 * namespace.hashCode() + name.hashCode();
    }

    @Override
    public int compareTo(TableId o) {
        if (this == o) {
            return 0;
        }
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace.isEmpty() ? name : namespace + "." + name;
    }
}
