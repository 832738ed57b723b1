package io.snapdelta.model;

/** What a change event did to its key. Stable codes; never renumber. */
public enum ChangeOp {
    /** A row read by the initial snapshot (Debezium {@code r}); applied as an upsert. */
    SNAPSHOT_READ('r'),
    /** A row inserted (Debezium {@code c}). */
    INSERT('c'),
    /** A row updated (Debezium {@code u}). */
    UPDATE('u'),
    /** A row deleted (Debezium {@code d}). */
    DELETE('d');

    private final char code;

    ChangeOp(char code) {
        this.code = code;
    }

    /** The one-letter code used by Debezium and by snapdelta JSON. */
    public char code() {
        return code;
    }

    public boolean hasAfter() {
        return this != DELETE;
    }

    public static ChangeOp fromCode(char code) {
        switch (code) {
            case 'r': return SNAPSHOT_READ;
            case 'c': return INSERT;
            case 'u': return UPDATE;
            case 'd': return DELETE;
            default: throw new IllegalArgumentException("Unknown operation code '" + code + "' (expected one of r, c, u, d)");
        }
    }
}
