package io.snapdelta.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validators with a docs description, so the options reference prints the valid range. Bounds print the
 * way a config file writes them ({@code 30s}, {@code 64mb}), never as ISO-8601 or raw bytes.
 */
public final class Validators {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]");

    private Validators() {
    }

    public static <T extends Comparable<T>> Validator<T> atLeast(T min) {
        return new Validator<>() {
            @Override
            public String check(T value) {
                return value.compareTo(min) < 0 ? "must be at least " + show(min) : null;
            }

            @Override
            public String describe() {
                return "[" + show(min) + ",...]";
            }
        };
    }

    public static <T extends Comparable<T>> Validator<T> between(T min, T max) {
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("empty range: " + show(min) + " > " + show(max));
        }
        return new Validator<>() {
            @Override
            public String check(T value) {
                return value.compareTo(min) < 0 || value.compareTo(max) > 0
                        ? "must be between " + show(min) + " and " + show(max) : null;
            }

            @Override
            public String describe() {
                return "[" + show(min) + ",...," + show(max) + "]";
            }
        };
    }

    /** -1 (a sentinel such as "the operating system's default") or a value in {@code [min, max]}. */
    public static Validator<Integer> minusOneOrBetween(int min, int max) {
        Validator<Integer> range = between(min, max);
        return new Validator<>() {
            @Override
            public String check(Integer value) {
                return value == -1 ? null : range.check(value) == null ? null : "must be -1 or between " + min + " and " + max;
            }

            @Override
            public String describe() {
                return "-1 or " + range.describe();
            }
        };
    }

    public static Validator<Duration> positiveDuration() {
        return new Validator<>() {
            @Override
            public String check(Duration value) {
                return value.isNegative() || value.isZero() ? "must be positive" : null;
            }

            @Override
            public String describe() {
                return "> 0";
            }
        };
    }

    public static Validator<String> nonEmpty() {
        return new Validator<>() {
            @Override
            public String check(String value) {
                return value.isBlank() ? "must not be empty" : null;
            }

            @Override
            public String describe() {
                return "non-empty";
            }
        };
    }

    /** One of a fixed set of strings, compared exactly (use an enum option where the set is ours). */
    public static Validator<String> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return new Validator<>() {
            @Override
            public String check(String value) {
                return values.contains(value) ? null : "must be one of " + String.join(", ", values);
            }

            @Override
            public String describe() {
                return String.join(", ", values);
            }
        };
    }

    public static Validator<List<String>> nonEmptyList() {
        return new Validator<>() {
            @Override
            public String check(List<String> value) {
                return value.isEmpty() ? "must name at least one value" : null;
            }

            @Override
            public String describe() {
                return "at least one value";
            }
        };
    }

    /** {@code host:port[,host:port...]}, at least one; the port in 1..65535; IPv6 hosts in brackets. */
    public static Validator<List<String>> hostPortList() {
        return new Validator<>() {
            @Override
            public String check(List<String> value) {
                if (value.isEmpty()) {
                    return "must name at least one host:port";
                }
                for (String entry : value) {
                    String problem = checkHostPort(entry);
                    if (problem != null) {
                        return "entry '" + entry + "' " + problem;
                    }
                }
                return null;
            }

            @Override
            public String describe() {
                return "host:port[,host:port...]";
            }
        };
    }

    /** Empty, or an absolute {@code http://} / {@code https://} URL. */
    public static Validator<String> emptyOrHttpUrl() {
        return new Validator<>() {
            @Override
            public String check(String value) {
                if (value.isEmpty()) {
                    return null;
                }
                if (!value.startsWith("http://") && !value.startsWith("https://")) {
                    return "must be an http:// or https:// URL with a host";
                }
                try {
                    java.net.URI uri = new java.net.URI(value);
                    String scheme = uri.getScheme();
                    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                        return "must be an http:// or https:// URL with a host";
                    }
                    return null;
                } catch (java.net.URISyntaxException e) {
                    return "is not a URL (" + e.getReason() + ")";
                }
            }

            @Override
            public String describe() {
                return "empty, or http(s)://host[:port]";
            }
        };
    }

    /** Combines validators: the first problem wins; the docs show every description that is not empty. */
    @SafeVarargs
    public static <T> Validator<T> all(Validator<? super T>... validators) {
        List<Validator<? super T>> list = Arrays.asList(validators);
        return new Validator<>() {
            @Override
            public String check(T value) {
                for (Validator<? super T> v : list) {
                    String problem = v.check(value);
                    if (problem != null) {
                        return problem;
                    }
                }
                return null;
            }

            @Override
            public String describe() {
                return String.join("; ", list.stream().map(Validator::describe).filter(d -> !d.isEmpty()).toList());
            }
        };
    }

    private static String checkHostPort(String entry) {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            return "is not host:port";
        }
        String host = entry.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            return "has an invalid host '" + host + "'";
        }
        try {
            int port = Integer.parseInt(entry.substring(colon + 1));
            return port < 1 || port > 65535 ? "has a port outside 1..65535" : null;
        } catch (NumberFormatException e) {
            return "has a port that is not a number";
        }
    }

    /** A bound as a config file writes it. */
    static String show(Object value) {
        if (value instanceof Duration d) {
            return OptionType.formatDuration(d);
        }
        return String.valueOf(value);
    }
}
