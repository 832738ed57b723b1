package io.snapdelta.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@code bin/snapdelta local} run did, from independent witnesses: the input (lines read and
 * produced), the job (its exactly-once ingest counts and final shard digests), the dead-letter topic
 * (committed records counted by a read_committed consumer) and the deltas topic (replayed by the
 * verifier). {@link #problems()} lists every way they disagree; a run with problems fails, because a
 * disagreement means a record was lost or duplicated somewhere, or a replica would not hold the job's state.
 *
 * @param input the input file, or a description of the built-in workload
 * @param format input format id
 * @param eventsIn lines read from the input and produced into the input topic
 * @param jobEventsIn records the job read from the input topic
 * @param eventsValid records the job parsed into valid change events
 * @param jobDeadLetters records the job routed to the dead-letter topic
 * @param tombstones records the job counted as tombstones
 * @param deadLetters committed records in the dead-letter topic
 * @param deadLetterReasons committed dead letters by error class
 * @param jobSeconds wall time from job submission to its end (final checkpoint committed)
 * @param deltas the deltas the job committed and what replaying them found
 */
record RunSummary(String input, String format, long eventsIn, long jobEventsIn, long eventsValid, long jobDeadLetters,
                  long tombstones, long deadLetters, Map<String, Long> deadLetterReasons, double jobSeconds,
                  DeltaSummary deltas) {

    List<String> problems() {
        List<String> p = new ArrayList<>();
        if (jobEventsIn != eventsIn) {
            p.add("the job read " + jobEventsIn + " records but " + eventsIn + " were produced");
        }
        if (jobEventsIn != eventsValid + jobDeadLetters + tombstones) {
            p.add("the job read " + jobEventsIn + " records but routed " + eventsValid + " valid + " + jobDeadLetters
                    + " dead letters + " + tombstones + " tombstones");
        }
        if (deadLetters != jobDeadLetters) {
            p.add("the job routed " + jobDeadLetters + " dead letters but the dead-letter topic holds " + deadLetters);
        }
        p.addAll(deltas.problems());
        return p;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", input);
        m.put("format", format);
        m.put("events_in", eventsIn);
        m.put("events_valid", eventsValid);
        m.put("dead_letters", deadLetters);
        m.put("dead_letter_reasons", deadLetterReasons);
        m.put("tombstones", tombstones);
        m.put("job_events_in", jobEventsIn);
        m.put("job_dead_letters", jobDeadLetters);
        m.put("job_seconds", Math.round(jobSeconds * 1000) / 1000.0);
        deltas.putJson(m, eventsValid);
        m.put("consistent", problems().isEmpty());
        return m;
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
    }

    /** The human summary printed at the end of a run. */
    String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("snapdelta local: ").append(input).append(" (").append(format).append(")\n");
        sb.append(String.format(Locale.ROOT, "  events in      %,12d%n", eventsIn));
        sb.append(String.format(Locale.ROOT, "  valid          %,12d%n", eventsValid));
        sb.append(String.format(Locale.ROOT, "  dead letters   %,12d%n", deadLetters));
        deadLetterReasons.forEach((cls, n) -> sb.append(String.format(Locale.ROOT, "    %-22s %,8d%n", cls, n)));
        if (tombstones > 0) {
            sb.append(String.format(Locale.ROOT, "  tombstones     %,12d%n", tombstones));
        }
        sb.append(String.format(Locale.ROOT, "  job time       %12.1f s%n", jobSeconds));
        deltas.appendText(sb);
        List<String> problems = problems();
        if (problems.isEmpty()) {
            sb.append("  every record accounted for (input = valid + dead letters + tombstones), every shard verified\n");
        } else {
            problems.forEach(p -> sb.append("  INCONSISTENT: ").append(p).append('\n'));
        }
        return sb.toString();
    }
}
