package io.snapdelta.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds a {@link Configuration} from a config file plus {@code --key value} overrides, accepting only
 * declared keys: every {@link ConfigOption} and every key below a declared {@link ConfigPrefix}.
 *
 * <h2>File syntax (flat; one of two spellings per line, both may be mixed in one file)</h2>
 * <pre>
 * # a comment line
 * kafka.bootstrap-servers: 127.0.0.1:9092          # YAML-like 'key: value' (text after ' #' is a comment)
 * kafka.input-topics: [orders, customers]          # a YAML flow list is the same as 'orders,customers'
 * kafka.transaction-timeout=10min                  # Java properties-like 'key=value'
 * kafka.properties.sasl.jaas.config: "org.apache.kafka...PlainLoginModule required password=\"s#cret\";"
 * </pre>
 * The key ends at the first {@code :} or {@code =} (keys never contain either). Values are trimmed;
 * a value in double quotes (escapes {@code \"} and {@code \\}) or single quotes ({@code ''} for a quote)
 * is taken literally, {@code #} included. Nested YAML (indented lines, a key with no value after
 * {@code :}) is rejected: write the flat dotted key. A key set twice in one file is an error.
 *
 * <h2>Overrides</h2>
 * {@code --key value} or {@code --key=value}; a boolean option given as a bare {@code --key} is true.
 * Overrides win over the file. {@link #load(List)} also takes {@code --config FILE} among the arguments.
 * A picocli main declares its own options and collects the rest with
 * {@code @Unmatched List<String> overrides}, then calls {@code ConfigLoader.forRegistry().load(configFile, overrides)}.
 *
 * <h2>Errors</h2>
 * Every problem is reported, each with its place ({@code file:line} or {@code argument --key}) and in the
 * form {@code Invalid value X for configuration Y: why}; an unknown key lists the closest declared keys.
 * Secret values never appear in an error.
 */
public final class ConfigLoader {
    /** The argument that names the config file in {@link #load(List)}. */
    public static final String CONFIG_FILE_ARG = "--config";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
    private final List<ConfigPrefix> prefixes;

    public ConfigLoader(Collection<? extends ConfigOption<?>> options, Collection<ConfigPrefix> prefixes) {
        for (ConfigOption<?> option : options) {
            if (this.options.put(option.key(), option) != null) {
                throw new IllegalArgumentException("configuration key declared twice: " + option.key());
            }
        }
        this.prefixes = List.copyOf(prefixes);
    }

    /** A loader that knows every option and prefix in {@link OptionsRegistry}. */
    public static ConfigLoader forRegistry() {
        return new ConfigLoader(OptionsRegistry.options(), OptionsRegistry.prefixes());
    }

    /**
     * Loads from arguments alone: {@code --config FILE} (optional, at most once) names the file, every
     * other argument is an override.
     */
    public Configuration load(List<String> args) {
        Path file = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String fileName = null;
            if (arg.equals(CONFIG_FILE_ARG)) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(CONFIG_FILE_ARG, CONFIG_FILE_ARG + " needs a file name");
                }
                fileName = args.get(++i);
            } else if (arg.startsWith(CONFIG_FILE_ARG + "=")) {
                fileName = arg.substring(CONFIG_FILE_ARG.length() + 1);
            } else {
                overrides.add(arg);
            }
            if (fileName != null) {
                if (file != null) {
                    throw new ConfigException(CONFIG_FILE_ARG, CONFIG_FILE_ARG + " given twice (" + file + ", " + fileName + ")");
                }
                file = Path.of(fileName);
            }
        }
        return load(file, overrides);
    }

    /**
     * @param file the config file, or {@code null} for none
     * @param overrides {@code --key value} / {@code --key=value} arguments; they win over the file
     */
    public Configuration load(Path file, List<String> overrides) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (file != null) {
            entries.addAll(parseFile(file, problems));
        }
        entries.addAll(parseArgs(overrides, problems));

        // The last spelling of a key wins (arguments come after the file); an overridden value is not checked.
        Map<String, Entry> effective = new LinkedHashMap<>();
        entries.forEach(e -> effective.put(e.key, e));

        Configuration config = new Configuration();
        for (Entry e : effective.values()) {
            String problem = check(e);
            if (problem != null) {
                problems.add(e.where + ": " + problem);
                continue;
            }
            config.setString(e.key, e.value);
            ConfigOption<?> option = options.get(e.key);
            if (option != null && option.type().isSecret()) {
                config.markSecret(e.key);
            }
        }
        if (!problems.isEmpty()) {
            String message = problems.size() == 1 ? problems.get(0)
                    : problems.size() + " configuration errors:\n  " + String.join("\n  ", problems);
            throw new ConfigException(entries.isEmpty() ? null : entries.get(0).key, message);
        }
        return config;
    }

    /** Null when the entry is acceptable, else why not (never containing a secret value). */
    private String check(Entry e) {
        ConfigOption<?> option = options.get(e.key);
        if (option != null) {
            try {
                option.parse(e.value);
                return null;
            } catch (ConfigException ex) {
                return ex.getMessage();
            }
        }
        for (ConfigPrefix p : prefixes) {
            if (p.covers(e.key)) {
                return null;
            }
        }
        List<String> close = closeMatches(e.key);
        return "Unknown configuration key '" + e.key + "'. "
                + (close.isEmpty() ? "No declared key is close to it." : "Did you mean: " + String.join(", ", close) + "?")
                + " Every key is listed in docs/options.md (bin/snapdelta options).";
    }

    // ---- file -------------------------------------------------------------------------------------------

    private List<Entry> parseFile(Path file, List<String> problems) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(null, file + ": Cannot read configuration file: not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException(null, file + ": Cannot read configuration file: " + e);
        }
        return parseText(file.toString(), text, problems);
    }

    /** Parses file text; {@code source} names it in errors. Package-private for tests. */
    List<Entry> parseText(String source, String text, List<String> problems) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String raw = lines[n - 1];
            String line = raw.strip();
            String where = source + ":" + n;
            if (line.isEmpty() || line.startsWith("#") || line.equals("---")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0))) {
                problems.add(where + ": indented line: nested YAML is not supported, write the flat dotted key (e.g. kafka.bootstrap-servers: ...)");
                continue;
            }
            int colon = line.indexOf(':');
            int equals = line.indexOf('=');
            int sep = colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
            if (sep < 0) {
                problems.add(where + ": expected 'key: value' or 'key=value'");
                continue;
            }
            String key = line.substring(0, sep).strip();
            if (!KEY.matcher(key).matches()) {
                problems.add(where + ": '" + key + "' is not a configuration key (letters, digits, '.', '-', '_')");
                continue;
            }
            String rest = line.substring(sep + 1).strip();
            if (rest.isEmpty() && line.charAt(sep) == ':') {
                problems.add(where + ": key " + key + " has no value: nested YAML is not supported, write the flat dotted key; write \"\" for an empty value");
                continue;
            }
            String value;
            try {
                value = parseValue(rest);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": value of " + key + " " + e.getMessage());
                continue;
            }
            Integer previous = firstLine.putIfAbsent(key, n);
            if (previous != null) {
                problems.add(where + ": key " + key + " is set twice (" + source + ":" + previous + " and " + where + ")");
                continue;
            }
            entries.add(new Entry(key, value, where));
        }
        return entries;
    }

    /** Unquotes, strips a trailing {@code  # comment}, turns a flow list {@code [a, b]} into {@code a,b}. */
    private static String parseValue(String rest) {
        if (rest.startsWith("\"") || rest.startsWith("'")) {
            char quote = rest.charAt(0);
            StringBuilder out = new StringBuilder();
            int i = 1;
            boolean closed = false;
            while (i < rest.length()) {
                char c = rest.charAt(i);
                if (quote == '"' && c == '\\' && i + 1 < rest.length()) {
                    char next = rest.charAt(i + 1);
                    if (next != '"' && next != '\\') {
                        throw new IllegalArgumentException("has an unsupported escape \\" + next + " (only \\\" and \\\\)");
                    }
                    out.append(next);
                    i += 2;
                } else if (quote == '\'' && c == '\'' && i + 1 < rest.length() && rest.charAt(i + 1) == '\'') {
                    out.append('\'');
                    i += 2;
                } else if (c == quote) {
                    closed = true;
                    i++;
                    break;
                } else {
                    out.append(c);
                    i++;
                }
            }
            if (!closed) {
                throw new IllegalArgumentException("has an unclosed quote " + quote);
            }
            String after = rest.substring(i).strip();
            if (!after.isEmpty() && !after.startsWith("#")) {
                throw new IllegalArgumentException("has text after the closing quote");
            }
            return out.toString();
        }
        String value = stripComment(rest);
        if (value.startsWith("[") && value.endsWith("]")) {
            List<String> items = new ArrayList<>();
            for (String item : value.substring(1, value.length() - 1).split(",")) {
                String t = item.strip();
                if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
                    t = t.substring(1, t.length() - 1);
                }
                if (!t.isEmpty()) {
                    items.add(t);
                }
            }
            return String.join(",", items);
        }
        return value;
    }

    private static String stripComment(String value) {
        for (int i = 1; i < value.length(); i++) {
            if (value.charAt(i) == '#' && Character.isWhitespace(value.charAt(i - 1))) {
                return value.substring(0, i).strip();
            }
        }
        return value;
    }

    // ---- arguments --------------------------------------------------------------------------------------

    private List<Entry> parseArgs(List<String> args, List<String> problems) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = Objects.requireNonNull(args.get(i), "argument");
            if (!arg.startsWith("--") || arg.length() == 2) {
                problems.add("argument '" + arg + "': expected --key value or --key=value");
                continue;
            }
            String body = arg.substring(2);
            int eq = body.indexOf('=');
            String key;
            String value;
            if (eq >= 0) {
                key = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else {
                key = body;
                boolean hasValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                ConfigOption<?> option = options.get(key);
                if (hasValue) {
                    value = args.get(++i);
                } else if (option != null && option.type() == OptionType.BOOLEAN) {
                    value = "true";
                } else {
                    problems.add("argument --" + key + ": needs a value (--" + key + " VALUE or --" + key + "=VALUE)");
                    continue;
                }
            }
            entries.add(new Entry(key, value, "argument --" + key));
        }
        return entries;
    }

    // ---- suggestions ------------------------------------------------------------------------------------

    /** Up to three declared keys or prefixes close to an unknown key, closest first. */
    List<String> closeMatches(String unknown) {
        List<String> candidates = new ArrayList<>(options.keySet());
        prefixes.forEach(p -> candidates.add(p.prefix() + "..."));
        String lastSegment = unknown.substring(unknown.lastIndexOf('.') + 1);
        record Scored(String key, int score) { }
        List<Scored> scored = new ArrayList<>();
        for (String c : candidates) {
            String bare = c.endsWith("...") ? c.substring(0, c.length() - 3) : c;
            int d = levenshtein(unknown, bare);
            if (c.endsWith("...") && unknown.startsWith(bare.substring(0, bare.indexOf('.') + 1))) {
                d = Math.min(d, levenshtein(unknown.substring(0, Math.min(unknown.length(), bare.length())), bare));
            }
            boolean sameLeaf = bare.endsWith("." + lastSegment) || bare.equals(lastSegment);
            if (d <= Math.max(2, unknown.length() / 4) || sameLeaf) {
                scored.add(new Scored(c, sameLeaf ? Math.min(d, 1) : d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::key));
        return scored.stream().limit(3).map(Scored::key).toList();
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One {@code key = value} with where it came from. */
    record Entry(String key, String value, String where) {
    }
}
