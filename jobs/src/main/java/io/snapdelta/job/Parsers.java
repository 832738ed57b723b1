package io.snapdelta.job;

import io.snapdelta.config.Configuration;
import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParserLimits;

/**
 * The production {@link ParserFactory}: the parser of each {@link InputFormat}, with the configured
 * {@link ParserLimits}. Holds the limits as plain numbers so it serializes with the job graph.
 */
public final class Parsers implements ParserFactory {
    private static final long serialVersionUID = 1L;

    private final long maxRecordBytes;
    private final int maxStringLength;
    private final int maxFields;
    private final int maxNestingDepth;

    private Parsers(ParserLimits limits) {
        this.maxRecordBytes = limits.maxRecordBytes();
        this.maxStringLength = limits.maxStringLength();
        this.maxFields = limits.maxFields();
        this.maxNestingDepth = limits.maxNestingDepth();
    }

    /** Parsers with the limits of {@code config} ({@code parser.*} options). */
    public static Parsers from(Configuration config) {
        return new Parsers(ParserLimits.from(config));
    }

    @Override
    public ChangeEventParser create(InputFormat format) {
        ParserLimits limits = new ParserLimits(maxRecordBytes, maxStringLength, maxFields, maxNestingDepth);
        return format.newParser(limits);
    }
}
