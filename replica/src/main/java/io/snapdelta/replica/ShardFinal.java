package io.snapdelta.replica;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A shard's final state as the producer (the job) reports it: its state digest (hex, as
 * {@code StateDigest.toHex()}) and the sequence of its last batch (-1 if it sealed none).
 */
public record ShardFinal(int shard, long lastSequence, String digest) {
    public ShardFinal {
        Objects.requireNonNull(digest, "digest");
    }

    /**
     * Parses the job's accumulator {@code snapdelta.shard-final} (schemas/deltas-topic-v1.md): shard id to
     * {@code "<last sequence>:<digest hex>"}.
     *
     * @throws IllegalArgumentException naming the shard and the value when an entry is not of that form
     */
    public static Map<Integer, ShardFinal> parseAccumulator(Map<?, ?> value) {
        Map<Integer, ShardFinal> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : value.entrySet()) {
            if (!(e.getKey() instanceof Integer shard) || !(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException("snapdelta.shard-final entry " + e.getKey() + " -> " + e.getValue()
                        + ": expected an Integer shard id and a \"<last sequence>:<digest hex>\" string");
            }
            int colon = s.indexOf(':');
            try {
                if (colon < 1 || s.length() - colon - 1 != 64) {
                    throw new NumberFormatException("not <last sequence>:<64 hex digits>");
                }
                long seq = Long.parseLong(s.substring(0, colon));
                String hex = s.substring(colon + 1);
                java.util.HexFormat.of().parseHex(hex);
                out.put(shard, new ShardFinal(shard, seq, hex));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("snapdelta.shard-final of shard " + shard + " is '" + s
                        + "': expected \"<last sequence>:<digest hex>\" (" + bad.getMessage() + ")", bad);
            }
        }
        return out;
    }
}
