package io.snapdelta.ingest;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.ParserOptions;

/**
 * The resolved {@link ParserOptions}: what a parser checks per record.
 *
 * @param maxRecordBytes key bytes + value bytes
 * @param maxStringLength characters in one string value
 * @param maxFields fields in one row image
 * @param maxNestingDepth JSON nesting depth
 */
public record ParserLimits(long maxRecordBytes, int maxStringLength, int maxFields, int maxNestingDepth) {
    public static final ParserLimits DEFAULTS = new ParserLimits(
            ParserOptions.MAX_RECORD_BYTES.defaultValue().bytes(),
            ParserOptions.MAX_STRING_LENGTH.defaultValue(),
            ParserOptions.MAX_FIELDS.defaultValue(),
            ParserOptions.MAX_NESTING_DEPTH.defaultValue());

    public static ParserLimits from(Configuration config) {
        return new ParserLimits(config.get(ParserOptions.MAX_RECORD_BYTES).bytes(),
                config.get(ParserOptions.MAX_STRING_LENGTH),
                config.get(ParserOptions.MAX_FIELDS),
                config.get(ParserOptions.MAX_NESTING_DEPTH));
    }

    /** Throws TOO_LARGE when key + value exceed {@link #maxRecordBytes}. */
    public void checkRecordSize(byte[] key, byte[] value) throws ParseException {
        long size = (key == null ? 0 : key.length) + (long) (value == null ? 0 : value.length);
        if (size > maxRecordBytes) {
            throw new ParseException(ParseErrorKind.TOO_LARGE, "", "record is " + size + " bytes (key + value), over the limit of "
                    + maxRecordBytes + " bytes (parser.max-record-bytes)");
        }
    }
}
