package io.snapdelta.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** How an option's text is parsed and printed, and what the docs call its type. */
public final class OptionType<T> {
    public static final OptionType<String> STRING = new OptionType<>("String", s -> s, String::valueOf, false);
    public static final OptionType<Integer> INT = new OptionType<>("Integer", Integer::valueOf, String::valueOf, false);
    public static final OptionType<Long> LONG = new OptionType<>("Long", Long::valueOf, String::valueOf, false);
    public static final OptionType<Double> DOUBLE = new OptionType<>("Double", Double::valueOf, String::valueOf, false);
    public static final OptionType<Boolean> BOOLEAN = new OptionType<>("Boolean", OptionType::parseBoolean, String::valueOf, false);
    public static final OptionType<Duration> DURATION = new OptionType<>("Duration", OptionType::parseDuration, OptionType::formatDuration, false);
    public static final OptionType<MemorySize> MEMORY = new OptionType<>("MemorySize", MemorySize::parse, MemorySize::toString, false);
    public static final OptionType<Password> PASSWORD = new OptionType<>("Password", Password::new, p -> Password.HIDDEN, true);
    public static final OptionType<List<String>> STRING_LIST = new OptionType<>("List<String>",
            s -> s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList(),
            l -> String.join(",", l), false);

    private final String name;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final boolean secret;
    private final String validValues;

    private OptionType(String name, Function<String, T> parser, Function<T, String> formatter, boolean secret) {
        this(name, parser, formatter, secret, "");
    }

    private OptionType(String name, Function<String, T> parser, Function<T, String> formatter, boolean secret, String validValues) {
        this.name = name;
        this.parser = parser;
        this.formatter = formatter;
        this.secret = secret;
        this.validValues = validValues;
    }

    static <E extends Enum<E>> OptionType<E> forEnum(Class<E> enumClass, Function<E, String> idOf) {
        E[] constants = enumClass.getEnumConstants();
        String ids = Arrays.stream(constants).map(idOf).collect(Collectors.joining(", "));
        return new OptionType<>("Enum {" + ids + "}", s -> {
            for (E c : constants) {
                if (idOf.apply(c).equals(s)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("expected one of " + ids);
        }, idOf, false, ids);
    }

    public String name() {
        return name;
    }

    public Function<String, T> parser() {
        return parser;
    }

    /** For enum types the accepted ids, comma separated; empty for every other type. */
    public String validValues() {
        return validValues;
    }

    public boolean isSecret() {
        return secret;
    }

    /** The textual form of a value, as a config file would hold it; secrets print as [hidden]. */
    public String format(T value) {
        return value == null ? "(none)" : formatter.apply(value);
    }

    private static Boolean parseBoolean(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true": return true;
            case "false": return false;
            default: throw new IllegalArgumentException("expected true or false");
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5min}, {@code 2h}, {@code 1d}, or an ISO-8601 {@code PT..}. */
    static Duration parseDuration(String s) {
        String t = s.toLowerCase(Locale.ROOT).replace(" ", "");
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
        }
        String[][] units = {{"ms", "1"}, {"min", "60000"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}, {"d", "86400000"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                return Duration.ofMillis(Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - u[0].length())), Long.parseLong(u[1])));
            }
        }
        throw new IllegalArgumentException("expected a number with a unit: ms, s, min, h, d (e.g. 500ms, 30s)");
    }

    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "min";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
