package io.snapdelta.ingest;

import io.snapdelta.model.RowSchema;

/**
 * The row schema last built for a row image read with one scanner shape, and what it was derived from,
 * so that the next image of the same shape skips the schema lookup and the typing of its nulls.
 *
 * <p>Exact, not a guess: the scanner bumps {@link #skeleton} whenever an object read with the shape has
 * other member names (by identity), another member count or another JSON type at some member than the
 * object before it. While the number is the one recorded with the schema, every image since had the same
 * names and types. The typing of schemaless nulls also depends on the other image of the record (its
 * skeleton) and on the types the table has seen ({@link TableState#generation()}); both are recorded.
 */
final class SchemaMemo {
    /** Bumped by the scanner when an object of the shape differs in names or types from the one before. */
    int skeleton;

    /** The schema built, or null; valid only with the fields below. */
    RowSchema schema;
    int schemaSkeleton;
    TableState table;
    int tableGeneration;
    /** The image had a schemaless null: the schema also depends on the other image, recorded here. */
    boolean hasNulls;
    SchemaMemo other;
    int otherSkeleton;
}
