package io.snapdelta.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A small synthetic capture shaped like {@code ../shared/data/pgbench-small}: Debezium JSON lines
 * ({@code {"key":KEY,"value":ENVELOPE}}, PostgreSQL connector, no schema wrapping) of pgbench's four
 * tables: a snapshot ({@code r}) of accounts, branches and tellers, then transactions of accounts
 * {@code u}, tellers {@code u}, branches {@code u}, history {@code c}, in commit order with
 * {@code source.sequence} = [lsn of the previous commit, lsn of this change].
 *
 * <p>Optionally ({@code deleteShare}) some transactions are followed by one that deletes an earlier history
 * row, as Debezium captures it with {@code REPLICA IDENTITY FULL}: a {@code d} event whose {@code before} is the
 * whole row, then the Kafka tombstone Debezium emits after a delete by default ({@code tombstones.on.delete}),
 * a line whose value is {@code null}. Half of the deletes pick one of the {@value #RECENT_HISTORY} most recently
 * inserted rows (likely in the batch that inserted it: insert and delete coalesce to nothing), the other half
 * any earlier row.
 *
 * <p>Deterministic for a given seed. Used as the built-in workload of {@code bin/snapdelta local} and by
 * tests that need valid Debezium records without the shared data set.
 */
public final class PgbenchDebeziumWorkload {
    private static final String FILLER_84 = " ".repeat(84);
    /** The most recent history rows a "recent" delete picks from. */
    static final int RECENT_HISTORY = 64;

    private final int accounts;
    private final int tellers;
    private final int transactions;
    private final long seed;
    /** Exponent of the Zipf distribution of the accounts a transaction updates; 0: uniform (pgbench's default). */
    private final double accountSkew;
    /** Share of transactions followed by a transaction deleting an earlier history row; 0: none. */
    private final double deleteShare;

    /**
     * @param accounts rows of pgbench_accounts in the snapshot (one branch; tellers = max(1, accounts / 100))
     * @param transactions pgbench transactions after the snapshot, 4 events each
     */
    public PgbenchDebeziumWorkload(int accounts, int transactions, long seed) {
        this(accounts, transactions, seed, 0);
    }

    /**
     * A skewed capture: each transaction's account is drawn from a Zipf distribution with exponent
     * {@code accountSkew} over the accounts, account 1 the hottest (what pgbench's {@code random_zipfian(1,
     * :naccounts, s)} draws in a custom script); 0 draws uniformly, exactly as the three-argument constructor.
     */
    public PgbenchDebeziumWorkload(int accounts, int transactions, long seed, double accountSkew) {
        this(accounts, transactions, seed, accountSkew, 0);
    }

    /**
     * A skewed capture with deletes: after each transaction, with probability {@code deleteShare}, a transaction
     * deleting one earlier history row (see the class comment). The deletes draw from a generator of their own,
     * so the transactions draw the accounts, tellers and deltas of the capture without deletes (their lsns,
     * transaction ids and times shift). 0: exactly the four-argument constructor.
     */
    public PgbenchDebeziumWorkload(int accounts, int transactions, long seed, double accountSkew, double deleteShare) {
        if (!(deleteShare >= 0 && deleteShare <= 1)) {
            throw new IllegalArgumentException("the delete share must be between 0 and 1, got " + deleteShare);
        }
        if (accounts < 1 || transactions < 0) {
            throw new IllegalArgumentException("need at least one account and a non-negative number of transactions");
        }
        if (!(accountSkew >= 0) || Double.isInfinite(accountSkew)) {
            throw new IllegalArgumentException("the account skew must be a finite exponent >= 0, got " + accountSkew);
        }
        this.accounts = accounts;
        this.tellers = Math.max(1, accounts / 100);
        this.transactions = transactions;
        this.seed = seed;
        this.accountSkew = accountSkew;
        this.deleteShare = deleteShare;
    }

    /**
     * Number of lines {@link #lines()} returns: accounts + 1 branch + tellers + 4 per transaction + 2 per
     * delete (the {@code d} event and its tombstone).
     */
    public int eventCount() {
        return eventCount(deletes());
    }

    /** {@link #eventCount()} for the delete plan {@code deletes} ({@link #deletes()}), drawn once by the caller. */
    private int eventCount(int[] deletes) {
        int count = 0;
        for (int victim : deletes) {
            count += victim != 0 ? 1 : 0;
        }
        return accounts + 1 + tellers + 4 * transactions + 2 * count;
    }

    /**
     * By transaction (index = its hid), the history row the transaction after it deletes, 0 for none. A draw
     * of a row deleted already deletes nothing. Drawn from a generator of its own, seeded from the capture's.
     */
    int[] deletes() {
        int[] byTransaction = new int[transactions + 1];
        if (deleteShare == 0) {
            return byTransaction;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DE1E7E5L);
        boolean[] deleted = new boolean[transactions + 1];
        for (int hid = 1; hid <= transactions; hid++) {
            if (rnd.nextDouble() >= deleteShare) {
                continue;
            }
            int victim = rnd.nextBoolean() ? hid - rnd.nextInt(Math.min(hid, RECENT_HISTORY)) : 1 + rnd.nextInt(hid);
            if (!deleted[victim]) {
                deleted[victim] = true;
                byTransaction[hid] = victim;
            }
        }
        return byTransaction;
    }

    /** cdf[k] = P(rank <= k), rank 0 the hottest, weights 1 / (k + 1)^s; the last entry is exactly 1. */
    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += Math.pow(k + 1, -s);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        cdf[n - 1] = 1.0;
        return cdf;
    }

    /** The rank whose cdf interval holds {@code u} in [0, 1). */
    static int zipfRank(double[] cdf, double u) {
        int i = java.util.Arrays.binarySearch(cdf, u);
        int rank = i >= 0 ? i + 1 : -i - 1; // cdf[rank - 1] <= u < cdf[rank]
        return Math.min(rank, cdf.length - 1);
    }

    public List<byte[]> lines() {
        int[] deletes = deletes();
        List<byte[]> out = new ArrayList<>(eventCount(deletes));
        forEachLine(deletes, out::add);
        return out;
    }

    /**
     * Hands the lines of {@link #lines()} to {@code out} one at a time, in the same order, without holding
     * them: for captures larger than the heap ({@code bench generate}).
     */
    public void forEachLine(Consumer<byte[]> out) {
        forEachLine(deletes(), out);
    }

    private void forEachLine(int[] deletes, Consumer<byte[]> out) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] zipfCdf = accountSkew == 0 ? null : zipfCdf(accounts, accountSkew);
        long lsn = 79_471_320L;
        long tsMicros = 1_795_584_123_780_850L;
        long txId = 6803;
        long[] abalance = new long[accounts + 1];
        long[] tbalance = new long[tellers + 1];
        long bbalance = 0;

        for (int aid = 1; aid <= accounts; aid++) {
            out.accept(line("{\"aid\":" + aid + "}", null,
                    "{\"aid\":" + aid + ",\"bid\":1,\"abalance\":0,\"filler\":\"" + FILLER_84 + "\"}",
                    "r", "pgbench_accounts", snapshotMarker(aid == 1, false), null, lsn, txId, tsMicros));
        }
        out.accept(line("{\"bid\":1}", null, "{\"bid\":1,\"bbalance\":0,\"filler\":null}",
                "r", "pgbench_branches", snapshotMarker(false, false), null, lsn, txId, tsMicros));
        for (int tid = 1; tid <= tellers; tid++) {
            out.accept(line("{\"tid\":" + tid + "}", null, "{\"tid\":" + tid + ",\"bid\":1,\"tbalance\":0,\"filler\":null}",
                    "r", "pgbench_tellers", snapshotMarker(false, tid == tellers), null, lsn, txId, tsMicros));
        }

        // The rows deletes will need as their before image, kept only for those.
        String[] deletedRows = new String[transactions + 1];
        for (int victim : deletes) {
            if (victim != 0) {
                deletedRows[victim] = "";
            }
        }
        long previousCommit = -1; // the first streamed transaction has no previous commit in the slot: null
        for (int hid = 1; hid <= transactions; hid++) {
            txId++;
            tsMicros += 1000 + rnd.nextInt(5000);
            // Uniform draws use the generator exactly as before, so uniform captures stay byte-identical.
            int aid = zipfCdf == null ? 1 + rnd.nextInt(accounts) : 1 + zipfRank(zipfCdf, rnd.nextDouble());
            int tid = 1 + rnd.nextInt(tellers);
            long delta = rnd.nextInt(10_001) - 5000;
            String prev = previousCommit < 0 ? null : Long.toString(previousCommit);

            long a0 = abalance[aid];
            abalance[aid] += delta;
            lsn += 160;
            out.accept(line("{\"aid\":" + aid + "}",
                    "{\"aid\":" + aid + ",\"bid\":1,\"abalance\":" + a0 + ",\"filler\":\"" + FILLER_84 + "\"}",
                    "{\"aid\":" + aid + ",\"bid\":1,\"abalance\":" + abalance[aid] + ",\"filler\":\"" + FILLER_84 + "\"}",
                    "u", "pgbench_accounts", "false", prev, lsn, txId, tsMicros));
            long t0 = tbalance[tid];
            tbalance[tid] += delta;
            lsn += 344;
            out.accept(line("{\"tid\":" + tid + "}",
                    "{\"tid\":" + tid + ",\"bid\":1,\"tbalance\":" + t0 + ",\"filler\":null}",
                    "{\"tid\":" + tid + ",\"bid\":1,\"tbalance\":" + tbalance[tid] + ",\"filler\":null}",
                    "u", "pgbench_tellers", "false", prev, lsn, txId, tsMicros));
            long b0 = bbalance;
            bbalance += delta;
            lsn += 496;
            out.accept(line("{\"bid\":1}",
                    "{\"bid\":1,\"bbalance\":" + b0 + ",\"filler\":null}",
                    "{\"bid\":1,\"bbalance\":" + bbalance + ",\"filler\":null}",
                    "u", "pgbench_branches", "false", prev, lsn, txId, tsMicros));
            lsn += 192;
            String history = "{\"tid\":" + tid + ",\"bid\":1,\"aid\":" + aid + ",\"delta\":" + delta + ",\"mtime\":" + (tsMicros - 2330)
                    + ",\"filler\":null,\"hid\":" + hid + "}";
            if (deletedRows[hid] != null) {
                deletedRows[hid] = history;
            }
            out.accept(line("{\"hid\":" + hid + "}", null, history, "c", "pgbench_history", "false", prev, lsn, txId, tsMicros));
            lsn += 64; // the commit record
            previousCommit = lsn;
            int victim = deletes[hid];
            if (victim != 0) { // a transaction of its own: DELETE FROM pgbench_history WHERE hid = victim
                txId++;
                tsMicros += 250; // not drawn: the transactions draw what they draw without deletes
                lsn += 128;
                String key = "{\"hid\":" + victim + "}";
                out.accept(line(key, deletedRows[victim], null, "d", "pgbench_history", "false", Long.toString(previousCommit), lsn, txId,
                        tsMicros));
                out.accept(("{\"key\":" + key + ",\"value\":null}").getBytes(StandardCharsets.UTF_8));
                deletedRows[victim] = null;
                lsn += 64;
                previousCommit = lsn;
            }
        }
    }

    /**
     * Records no parser may accept, one per kind of damage, each built from a valid line of this workload:
     * what the built-in run of {@code bin/snapdelta local} mixes in so the dead-letter path is visible.
     */
    public List<byte[]> malformedLines() {
        String good = new String(lines().get(eventCount() - 1), StandardCharsets.UTF_8); // a history insert
        List<byte[]> out = new ArrayList<>();
        out.add(good.substring(0, good.length() / 2).getBytes(StandardCharsets.UTF_8));            // truncated JSON
        out.add(good.replace("\"op\":\"c\"", "\"op\":\"x\"").getBytes(StandardCharsets.UTF_8));  // unknown op
        out.add(new byte[0]);                                                                         // empty line
        out.add(good.replace("\"op\":\"c\"", "\"op\":7").getBytes(StandardCharsets.UTF_8));      // op is a number
        out.add(good.replaceFirst("\"after\":\\{[^}]*\\}", "\"after\":null").getBytes(StandardCharsets.UTF_8)); // insert without after
        byte[] utf8 = good.getBytes(StandardCharsets.UTF_8);
        int at = good.indexOf("pgbench_history") + 2;
        utf8[at] = (byte) 0xC3; // a lead byte followed by ASCII: invalid UTF-8 inside the table name
        out.add(utf8);
        out.add(good.replace("\"key\":{", "\"key\":{\"hid\":").getBytes(StandardCharsets.UTF_8));  // broken key JSON
        return out;
    }

    /**
     * {@link #lines()} with {@link #malformedLines()} spread evenly through it: the built-in workload.
     */
    public List<byte[]> linesWithMalformed() {
        List<byte[]> good = lines();
        List<byte[]> bad = malformedLines();
        List<byte[]> out = new ArrayList<>(good.size() + bad.size());
        int every = Math.max(1, good.size() / (bad.size() + 1));
        int b = 0;
        for (int i = 0; i < good.size(); i++) {
            if (i > 0 && i % every == 0 && b < bad.size()) {
                out.add(bad.get(b++));
            }
            out.add(good.get(i));
        }
        while (b < bad.size()) {
            out.add(bad.get(b++));
        }
        return out;
    }

    private static String snapshotMarker(boolean first, boolean last) {
        return first ? "first" : last ? "last" : "true";
    }

    private static byte[] line(String key, String before, String after, String op, String table, String snapshot,
                               String previousCommitLsn, long lsn, long txId, long tsMicros) {
        long tsMs = tsMicros / 1000;
        String sequence = "[" + (previousCommitLsn == null ? "null" : "\\\"" + previousCommitLsn + "\\\"") + ",\\\"" + lsn + "\\\"]";
        String value = "{\"before\":" + before + ",\"after\":" + after
                + ",\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"name\":\"bench\",\"ts_ms\":" + tsMs
                + ",\"snapshot\":\"" + snapshot + "\",\"db\":\"bench_small\",\"sequence\":\"" + sequence + "\",\"ts_us\":" + tsMicros
                + ",\"ts_ns\":" + tsMicros * 1000 + ",\"schema\":\"public\",\"table\":\"" + table + "\",\"txId\":" + txId
                + ",\"lsn\":" + lsn + ",\"xmin\":null,\"origin\":null,\"origin_lsn\":null},\"transaction\":null,\"op\":\"" + op
                + "\",\"ts_ms\":" + (tsMs + 300) + ",\"ts_us\":" + (tsMicros + 300_000) + ",\"ts_ns\":" + (tsMicros + 300_000) * 1000 + "}";
        return ("{\"key\":" + key + ",\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8);
    }
}
