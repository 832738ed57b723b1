package io.snapdelta.replica;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of replaying a deltas topic: one {@link ShardReport} per followed shard, the records no
 * shard could claim, and totals.
 */
public record VerificationReport(List<ShardReport> shards, List<Problem> unattributed, long recordsRead) {
    public VerificationReport {
        shards = List.copyOf(shards);
        unattributed = List.copyOf(unattributed);
    }

    public long batches() {
        return shards.stream().mapToLong(ShardReport::batches).sum();
    }

    public long bytes() {
        return shards.stream().mapToLong(ShardReport::bytes).sum();
    }

    public long ops() {
        return shards.stream().mapToLong(ShardReport::ops).sum();
    }

    public long rows() {
        return shards.stream().mapToLong(ShardReport::rows).sum();
    }

    public long duplicates() {
        return shards.stream().mapToLong(ShardReport::duplicates).sum();
    }

    public long gaps() {
        return shards.stream().mapToLong(ShardReport::gaps).sum();
    }

    public long corruptBatches() {
        return shards.stream().mapToLong(ShardReport::corruptBatches).sum();
    }

    public long digestMismatches() {
        return shards.stream().mapToLong(ShardReport::digestMismatches).sum();
    }

    public long divergences() {
        return shards.stream().mapToLong(ShardReport::divergences).sum();
    }

    public long misrouted() {
        return shards.stream().mapToLong(ShardReport::misrouted).sum() + unattributed.size();
    }

    /** True if every followed shard applied to the end with no problem and no record went unclaimed. */
    public boolean clean() {
        return unattributed.isEmpty() && shards.stream().allMatch(ShardReport::clean);
    }

    public ShardReport shard(int shard) {
        for (ShardReport r : shards) {
            if (r.shard() == shard) {
                return r;
            }
        }
        throw new IllegalArgumentException("shard " + shard + " was not followed");
    }

    /**
     * Compares each followed shard's replayed final digest and last sequence with the producer's. A shard
     * the producer did not report counts as the empty state with no batch; shards the producer reports
     * but this verifier does not follow are not compared (a replica may follow a subset). Returns one line
     * per difference (empty: every followed shard matches).
     */
    public List<String> compareWith(Map<Integer, ShardFinal> producer) {
        List<String> diffs = new ArrayList<>();
        String empty = new io.snapdelta.digest.StateDigest().toHex();
        for (ShardReport r : shards) {
            ShardFinal f = producer.getOrDefault(r.shard(), new ShardFinal(r.shard(), -1, empty));
            if (!f.digest().equalsIgnoreCase(r.finalDigest())) {
                diffs.add("shard " + r.shard() + ": replayed digest " + r.finalDigest() + " after sequence " + r.lastSequence()
                        + ", the job's " + f.digest() + " after sequence " + f.lastSequence());
            } else if (f.lastSequence() != r.lastSequence()) {
                diffs.add("shard " + r.shard() + ": replayed up to sequence " + r.lastSequence() + ", the job sealed up to "
                        + f.lastSequence() + " (same digest)");
            }
        }
        return diffs;
    }

    /** Per-shard figures as JSON-friendly maps (for summaries). */
    public List<Map<String, Object>> shardsAsMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ShardReport r : shards) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shard", r.shard());
            m.put("batches", r.batches());
            m.put("last_sequence", r.lastSequence());
            m.put("final_digest", r.finalDigest());
            m.put("rows", r.rows());
            m.put("bytes", r.bytes());
            m.put("ops", r.ops());
            m.put("duplicates", r.duplicates());
            m.put("gaps", r.gaps());
            m.put("corrupt_batches", r.corruptBatches());
            m.put("digest_mismatches", r.digestMismatches());
            m.put("divergences", r.divergences());
            m.put("misrouted", r.misrouted());
            m.put("conflicting_duplicates", r.conflictingDuplicates());
            if (r.stopReason() != null) {
                m.put("stopped", r.stopReason());
            }
            out.add(m);
        }
        return out;
    }

    /** A short human summary, one line per shard with a problem. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "verified %d shards: %,d batches, %,d bytes, %,d ops, %,d rows; "
                        + "%d duplicates skipped, %d gaps, %d corrupt, %d digest mismatches, %d divergences, %d misrouted%n",
                shards.size(), batches(), bytes(), ops(), rows(), duplicates(), gaps(), corruptBatches(), digestMismatches(),
                divergences(), misrouted()));
        for (ShardReport r : shards) {
            for (Problem p : r.problems()) {
                sb.append("  ").append(p).append('\n');
            }
        }
        unattributed.forEach(p -> sb.append("  ").append(p).append('\n'));
        return sb.toString();
    }
}
