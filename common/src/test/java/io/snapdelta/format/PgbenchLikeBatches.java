package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic pgbench-like (TPC-B) changes for tests that need realistic ops without the shared capture:
 * each transaction updates one account, one teller and one branch balance by the same delta and inserts
 * a history row. Keeps the state, so every op's before image is what a receiver would hold.
 */
final class PgbenchLikeBatches {
    static final TableId ACCOUNTS = TableId.of("public", "pgbench_accounts");
    static final TableId TELLERS = TableId.of("public", "pgbench_tellers");
    static final TableId BRANCHES = TableId.of("public", "pgbench_branches");
    static final TableId HISTORY = TableId.of("public", "pgbench_history");
    static final RowSchema ACCOUNT = RowSchema.of(new String[] {"aid", "bid", "abalance", "filler"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.STRING});
    static final RowSchema TELLER = RowSchema.of(new String[] {"tid", "bid", "tbalance", "filler"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.STRING});
    static final RowSchema BRANCH = RowSchema.of(new String[] {"bid", "bbalance", "filler"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.STRING});
    static final RowSchema HIST = RowSchema.of(new String[] {"tid", "bid", "aid", "delta", "mtime", "filler", "hid"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.INT64,
                FieldType.TIMESTAMP_MICROS, FieldType.STRING, FieldType.INT64});
    static final RowSchema AID = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
    static final RowSchema TID = RowSchema.of(new String[] {"tid"}, new FieldType[] {FieldType.INT64});
    static final RowSchema BID = RowSchema.of(new String[] {"bid"}, new FieldType[] {FieldType.INT64});
    static final RowSchema HID = RowSchema.of(new String[] {"hid"}, new FieldType[] {FieldType.INT64});

    final Map<TableId, Map<Row, Row>> state = new HashMap<>();
    private final SplittableRandom random;
    private final int accounts;
    private long hid;
    private long mtime = 1_795_000_000_000_000L;

    PgbenchLikeBatches(long seed, int accounts) {
        this.random = new SplittableRandom(seed);
        this.accounts = accounts;
        String pad = " ".repeat(84);
        for (long a = 1; a <= accounts; a++) {
            put(ACCOUNTS, Row.of(AID, a), Row.of(ACCOUNT, a, 1L, 0L, pad));
        }
        for (long t = 1; t <= 10; t++) {
            put(TELLERS, Row.of(TID, t), Row.of(TELLER, t, 1L, 0L, null));
        }
        put(BRANCHES, Row.of(BID, 1L), Row.of(BRANCH, 1L, 0L, null));
    }

    private void put(TableId t, Row key, Row row) {
        state.computeIfAbsent(t, x -> new HashMap<>()).put(key, row);
    }

    RowLookup lookup() {
        return (t, key) -> state.getOrDefault(t, Map.of()).get(key);
    }

    /** {@code changes} ops (a multiple of 4), applied to the state as they are produced. */
    List<DeltaOp> next(int changes) {
        List<DeltaOp> ops = new ArrayList<>(changes);
        for (int i = 0; i < changes / 4; i++) {
            long aid = 1 + random.nextInt(accounts);
            long tid = 1 + random.nextInt(10);
            long delta = random.nextInt(-5000, 5001);
            mtime += random.nextInt(200, 3000);
            ops.add(bump(ACCOUNTS, Row.of(AID, aid), 2, delta));
            ops.add(bump(TELLERS, Row.of(TID, tid), 2, delta));
            ops.add(bump(BRANCHES, Row.of(BID, 1L), 1, delta));
            Row h = Row.of(HIST, tid, 1L, aid, delta, mtime, null, ++hid);
            put(HISTORY, Row.of(HID, hid), h);
            ops.add(new DeltaOp.Insert(HISTORY, Row.of(HID, hid), h));
        }
        return ops;
    }

    private DeltaOp bump(TableId t, Row key, int field, long delta) {
        Row before = state.get(t).get(key);
        Object[] v = new Object[before.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = before.get(i);
        }
        v[field] = (Long) v[field] + delta;
        Row after = Row.of(before.schema(), v);
        put(t, key, after);
        return new DeltaOp.Update(t, key, before, after);
    }
}
