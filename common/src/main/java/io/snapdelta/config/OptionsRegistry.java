package io.snapdelta.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every options class of snapdelta, in the order the options reference shows them. An options class is a
 * final class whose {@code public static final} fields of type {@link ConfigOption} (and
 * {@link ConfigPrefix}) are the declarations; they are found by reflection, so declaring a field is all it
 * takes to make an option loadable ({@link ConfigLoader}) and documented ({@link OptionsDocGenerator}).
 *
 * <p><b>Adding an options class is one line</b> in {@link #GROUPS}:
 * <pre>{@code
 * group(ParserOptions.class, "Parsing", "How change events are parsed and validated."),
 * }</pre>
 * then regenerate the reference: {@code bin/snapdelta options --output docs/options.md}
 * ({@code OptionsReferenceIsUpToDateTest} fails until you do). Options classes live in {@code common}
 * (any package) so that the job, the replica and the benchmarks share one declaration; keys are dotted
 * lowercase with dashes ({@code kafka.bootstrap-servers}) and unique across all classes.
 */
public final class OptionsRegistry {

    /** One options class with the heading and one-line summary the reference prints for it. */
    public record Group(Class<?> type, String title, String summary) {
        public List<ConfigOption<?>> options() {
            List<ConfigOption<?>> out = new ArrayList<>();
            for (Field f : declaredConstants(type)) {
                if (f.getType() == ConfigOption.class) {
                    out.add((ConfigOption<?>) read(f));
                }
            }
            out.sort(Comparator.comparing(ConfigOption::key));
            return out;
        }

        public List<ConfigPrefix> prefixes() {
            List<ConfigPrefix> out = new ArrayList<>();
            for (Field f : declaredConstants(type)) {
                if (f.getType() == ConfigPrefix.class) {
                    out.add((ConfigPrefix) read(f));
                }
            }
            out.sort(Comparator.comparing(ConfigPrefix::prefix));
            return out;
        }
    }

    /** The registry: one line per options class (an array initializer, so every line ends with a comma). */
    public static final List<Group> GROUPS = List.of(new Group[] {
            group(KafkaOptions.class, "Kafka", "Where change events come from, and the Kafka client settings of the job."),
            group(S3Options.class, "S3 object storage", "The S3-compatible store that holds snapshots and manifests."),
            group(JobOptions.class, "Flink job", "Per-topic input formats, bounded replays, the valid-events topic, "
                    + "checkpointing and parallelism of the job."),
            group(ParserOptions.class, "Parsing", "Limits that protect the parsers from oversized or hostile input."),
            group(ShardOptions.class, "Sharding and batching", "How keys map to shards and when a shard seals its batch (io.snapdelta.shard.ShardDeltaState)."),
            group(DeltaOptions.class, "Delta output", "The deltas topic, receiver limits and latency budget of batches, and where dictionaries are published."),
            group(DeltaFormatOptions.class, "Delta batch format and codecs", "Decoder limits of sealed delta batches and how the body codec is chosen (schemas/delta-batch-v1.md)."),
    });

    private OptionsRegistry() {
    }

    public static Group group(Class<?> type, String title, String summary) {
        return new Group(type, title, summary);
    }

    /** Every declared option, grouped in {@link #GROUPS} order, by key within a group. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> out = new ArrayList<>();
        GROUPS.forEach(g -> out.addAll(g.options()));
        checkUnique(out);
        return out;
    }

    public static List<ConfigPrefix> prefixes() {
        List<ConfigPrefix> out = new ArrayList<>();
        GROUPS.forEach(g -> out.addAll(g.prefixes()));
        return out;
    }

    private static void checkUnique(List<ConfigOption<?>> options) {
        Map<String, ConfigOption<?>> seen = new HashMap<>();
        for (ConfigOption<?> o : options) {
            if (seen.put(o.key(), o) != null) {
                throw new IllegalStateException("configuration key declared twice in OptionsRegistry.GROUPS: " + o.key());
            }
        }
    }

    private static List<Field> declaredConstants(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                out.add(f);
            }
        }
        return out;
    }

    private static Object read(Field f) {
        try {
            return f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read option constant " + f, e);
        }
    }
}
