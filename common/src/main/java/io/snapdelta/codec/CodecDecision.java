package io.snapdelta.codec;

/**
 * What a {@link CodecSelector} chose for the last batch and why; exported as metrics (codec, reason).
 *
 * @param detail measured figures behind the choice, for logs
 */
public record CodecDecision(CodecId codec, int level, int dictionaryId, Reason reason, String detail) {
    public enum Reason {
        /** Only one codec is configured. */
        FIXED,
        /** zstd-dict is configured but no dictionary is trained yet; plain zstd meanwhile. */
        DICTIONARY_PENDING,
        /** Compressing candidates are not measured yet: the configured zstd level. */
        INITIAL_DEFAULT,
        /** A probe of a candidate not measured yet gave the smaller output and was shipped. */
        PROBE_UNMEASURED,
        /** A periodic probe of the candidate measured longest ago gave the smaller output and was shipped. */
        PROBE_REFRESH,
        /** The smallest expected output among candidates within the CPU budget. */
        SMALLEST_WITHIN_BUDGET,
        /**
         * A cheaper candidate within the CPU budget whose expected output is within {@code delta.codec.min-saving}
         * of the smallest one's: the smaller codec would cost CPU for (almost) no bytes.
         */
        CHEAPER_WITHIN_MIN_SAVING,
        /** Every candidate is over the CPU budget: the cheapest one (CPU pressure fallback). */
        OVER_BUDGET_CHEAPEST
    }
}
