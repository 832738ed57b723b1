package io.snapdelta.format;

/**
 * The column header byte (spec: "Column blocks"): bits 0-1 nullity, bits 2-4 value encoding, bit 5
 * "blank-padded" (strings), bits 6-7 zero.
 */
final class ColumnEncoding {
    private ColumnEncoding() {
    }

    static final int NULLS_NONE = 0;
    static final int NULLS_ALL = 1;
    static final int NULLS_BITMAP = 2;
    static final int NULLS_MASK = 0x03;

    static final int ENC_SHIFT = 2;
    static final int ENC_MASK = 0x07;

    /** Integers (INT64, TIMESTAMP_MICROS, DATE): zigzag varint of the value. */
    static final int INT_PLAIN = 0;
    /** Zigzag varint of the difference to the previous non-null value of the column (the first: to 0). */
    static final int INT_DELTA_PREV = 1;
    /** Update columns only: zigzag varint of the difference to the value the receiver holds. */
    static final int INT_DELTA_OLD = 2;

    /** Strings: varint UTF-8 length + bytes. */
    static final int STR_PLAIN = 0;
    /** Strings: a batch-local dictionary of distinct values, then a varint index per value. */
    static final int STR_DICT = 1;

    static final int PADDED_FLAG = 0x20;
    static final int RESERVED_MASK = 0xC0;

    /** Kinds of op on the wire (spec: "Sections"). */
    static final int KIND_INSERT = 0;
    static final int KIND_UPDATE = 1;
    static final int KIND_REPLACE = 2;
    static final int KIND_DELETE = 3;
    static final int KINDS_EXPLICIT = 4;
    /**
     * v3, sorted sections: set in the kinds byte when the section's held keys (of its update, replace and
     * delete ops) travel as ranks among the receiver's keys of the table (spec v3 §3).
     */
    static final int KINDS_RANKED_KEYS = 0x80;
    /** v3 changed-field bitmaps: one per update. */
    static final int BITMAPS_PER_UPDATE = 0;
    /** v3 changed-field bitmaps: one bitmap that every update of the section shares. */
    static final int BITMAPS_SHARED = 1;

    static final int ORDER_GROUPED = 0;
    static final int ORDER_EXPLICIT = 1;
    /** v2: grouped, and each section's ops sorted by key (stable); every table has one section. */
    static final int ORDER_SORTED = 2;
}
