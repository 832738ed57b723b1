package io.snapdelta.job;

/**
 * Names of what the parse operators report. The Flink metrics are counters in group
 * {@code snapdelta.ingest} with a {@code topic} variable; the accumulators (job-wide sums, in the
 * {@code JobExecutionResult} and the Flink UI) use the snake_case names the summary JSON uses.
 */
public final class IngestMetrics {
    private IngestMetrics() {
    }

    public static final String GROUP = "snapdelta";
    public static final String SUBGROUP = "ingest";

    public static final String EVENTS_IN = "eventsIn";
    public static final String EVENTS_VALID = "eventsValid";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String TOMBSTONES = "tombstones";

    public static final String ACC_EVENTS_IN = "events_in";
    public static final String ACC_EVENTS_VALID = "events_valid";
    public static final String ACC_DEAD_LETTERS = "dead_letters";
    public static final String ACC_TOMBSTONES = "tombstones";
}
