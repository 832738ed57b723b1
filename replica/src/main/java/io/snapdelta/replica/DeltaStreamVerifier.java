package io.snapdelta.replica;

import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.shard.ReplicaShardState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Replays the deltas topic into one empty {@link ReplicaShardState} per followed shard and checks every
 * batch on the way (see {@link ShardStreamVerifier} for the rules). Feed it the committed records in
 * partition order ({@link DeltaTopicReader} does), then take the {@link VerificationReport} and, for an
 * export, the replayed states. Records of shards it does not follow are passed over. Not thread-safe.
 */
public final class DeltaStreamVerifier implements AutoCloseable {
    private final TreeMap<Integer, ShardStreamVerifier> shards = new TreeMap<>();
    private final List<Problem> unattributed = new ArrayList<>();
    private long recordsRead;

    /** Follows {@code shards} (each reported, also if the topic holds no batch of it). */
    public DeltaStreamVerifier(Collection<Integer> shards, DeltaFormatOptions options, DictionaryStore dictionaries) {
        Objects.requireNonNull(options, "options");
        for (int s : new TreeSet<>(shards)) {
            if (s < 0) {
                throw new IllegalArgumentException("shard ids are non-negative, got " + s);
            }
            this.shards.put(s, new ShardStreamVerifier(s, options, dictionaries));
        }
        if (this.shards.isEmpty()) {
            throw new IllegalArgumentException("a verifier follows at least one shard");
        }
    }

    /** Follows every shard of a deployment with {@code shardCount} shards (0 .. shardCount-1). */
    public static DeltaStreamVerifier allShards(int shardCount, DeltaFormatOptions options, DictionaryStore dictionaries) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shard count must be at least 1, got " + shardCount);
        }
        List<Integer> all = new ArrayList<>(shardCount);
        for (int s = 0; s < shardCount; s++) {
            all.add(s);
        }
        return new DeltaStreamVerifier(all, options, dictionaries);
    }

    public java.util.Set<Integer> shards() {
        return java.util.Collections.unmodifiableSet(shards.keySet());
    }

    /**
     * Verifies and applies one committed record. {@code partitions} is the topic's partition count (for the
     * partition check; 0 skips it).
     */
    public void accept(DeltaRecord r, int partitions) {
        recordsRead++;
        byte[] key = r.key();
        if (key == null || key.length != 4) {
            if (unattributed.size() < ShardStreamVerifier.MAX_PROBLEMS) {
                unattributed.add(new Problem(ProblemKind.MISROUTED, -1, -1, r.partition(), r.offset(), "record key is "
                        + (key == null ? "null" : key.length + " bytes") + ", expected the shard id as 4 bytes; not applied"));
            }
            return;
        }
        long shard = ((key[0] & 0xFFL) << 24) | ((key[1] & 0xFF) << 16) | ((key[2] & 0xFF) << 8) | (key[3] & 0xFF);
        ShardStreamVerifier v = shard > Integer.MAX_VALUE ? null : shards.get((int) shard);
        if (v != null) {
            v.accept(r, partitions);
        }
    }

    /** The replayed state of a followed shard (as far as it applied cleanly). */
    public ReplicaShardState replica(int shard) {
        ShardStreamVerifier v = shards.get(shard);
        if (v == null) {
            throw new IllegalArgumentException("shard " + shard + " is not followed by this verifier; it follows " + shards.keySet());
        }
        return v.replica();
    }

    /** The replayed states of every followed shard, by shard. */
    public Map<Integer, ReplicaShardState> replicas() {
        Map<Integer, ReplicaShardState> m = new TreeMap<>();
        shards.forEach((s, v) -> m.put(s, v.replica()));
        return m;
    }

    public VerificationReport report() {
        List<ShardReport> reports = new ArrayList<>(shards.size());
        shards.values().forEach(v -> reports.add(v.report()));
        return new VerificationReport(reports, unattributed, recordsRead);
    }

    @Override
    public void close() {
        shards.values().forEach(ShardStreamVerifier::close);
    }
}
