package io.snapdelta.config;

import java.util.Locale;

/** A number of bytes, written {@code 64mb}, {@code 512kb}, {@code 1gb} or plain bytes. */
public record MemorySize(long bytes) implements Comparable<MemorySize> {
    public MemorySize {
        if (bytes < 0) {
            throw new IllegalArgumentException("memory size must not be negative: " + bytes);
        }
    }

    public static MemorySize parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        String digits = t;
        String[][] units = {{"tb", "1099511627776"}, {"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"},
                {"t", "1099511627776"}, {"g", "1073741824"}, {"m", "1048576"}, {"k", "1024"}, {"b", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                digits = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        return new MemorySize(Math.multiplyExact(Long.parseLong(digits), unit));
    }

    @Override
    public int compareTo(MemorySize o) {
        return Long.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        long[] units = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
        String[] names = {"tb", "gb", "mb", "kb"};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % units[i] == 0) {
                return (bytes / units[i]) + names[i];
            }
        }
        return bytes + "b";
    }
}
