package io.snapdelta.format;

import static io.snapdelta.format.ColumnEncoding.*;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.CorruptBatchException.Kind;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a v1 body in two passes: first every column of every section (bounds and limits checked
 * before each allocation), then the ops in batch order, rebuilding {@code before} from the batch's own
 * earlier ops or the receiver's rows ({@link RowLookup}) and resolving DELTA_OLD integers against it.
 */
final class BodyDecoder {
    private final TableSchemaRegistry registry;
    private final int maxStringLength;
    private final int maxValues;
    private final int maxPadding;
    private int version = 1;
    private final ColumnReader.Scratch scratch = new ColumnReader.Scratch();

    BodyDecoder(TableSchemaRegistry registry, int maxStringLength, int maxValues, int maxPadding) {
        this.registry = registry;
        this.maxStringLength = maxStringLength;
        this.maxValues = maxValues;
        this.maxPadding = maxPadding;
    }

    record Result(List<DeltaOp> ops, List<TableSchema> defined) {
    }

    /** The parsed columns of one section. */
    private static final class Section {
        TableSchema schema;
        int n;
        byte[] kinds;
        ColumnReader.Column[] keys;
        /**
         * Rank-coded sections: per op, the receiver's own key row its rank names (null for inserts), handed
         * out as the op's key so that applying the op finds the held row by identity.
         */
        Row[] heldKeyRows;
        /**
         * Per op, the receiver's handle ({@link RowLookup#locate}) of the row it held under the op's key before
         * the batch (null for inserts and for keys it does not hold), looked up for all ops of the batch before
         * any op is built: see {@link #lookUpReceiverRows}. {@link RowLookup#rowOf} gives the row.
         */
        Object[] handles;
        /** Whether the last op built took its {@code before} from the receiver (not from an earlier op). */
        boolean beforeFromReceiver;
        ColumnReader.Column[] full; // per non-key field
        ColumnReader.Column[] updated; // per non-key field, null when no update changed it
        byte[] bitmaps;
        int bitmapBytes;
        /** Bytes from one update's bitmap to the next: {@link #bitmapBytes}, or 0 when all share one (v3). */
        int bitmapStride;
        // cursors for pass two
        int op;
        int fullRow;
        int update;
        int[] updatedCursor;
        /** The batch's own effect so far on this section's table: key -> row or DELETED. */
        Map<Row, Object> overlay;
        /** Sorted order (no overlay): the previous op's key in this section and the state it left. */
        Row lastKey;
        Object lastState;
    }

    private static final Object DELETED = new Object();

    Result decode(byte[] body, int length, BatchHeader h, RowLookup lookup) throws CorruptBatchException {
        ByteSource in = new ByteSource(body, 0, length, "body ", Integer.toUnsignedLong(h.shard()), h.sequence());
        version = h.formatVersion();
        DecodeBudget budget = new DecodeBudget(maxValues, maxPadding);
        int totalOps = h.opCount();

        int defCount = in.readCount("schema definition count", in.remaining() / 10);
        List<TableSchema> defined = new ArrayList<>(defCount);
        for (int d = 0; d < defCount; d++) {
            long id = in.readLongBE("schema id");
            int len = in.readCount("schema definition length", in.remaining());
            TableSchema schema = SchemaDefinitions.parse(in, id, len);
            try {
                defined.add(registry.register(schema));
            } catch (IllegalStateException e) {
                throw in.malformed(e.getMessage());
            }
        }

        int sectionCount = in.readCount("section count", totalOps);
        if (totalOps > 0 && sectionCount == 0) {
            throw in.malformed("the header counts " + totalOps + " ops but the body has no sections");
        }
        int order = in.readUnsignedByte("op order mode");
        int[] sectionOfOp = null;
        if (order == ORDER_EXPLICIT) {
            budget.takeValues(in, totalOps, "op order");
            sectionOfOp = new int[totalOps];
            boolean nonDecreasing = true;
            int seen = 0;
            for (int i = 0; i < totalOps; i++) {
                int s = in.readCount("section index of op " + i, sectionCount - 1L);
                if (s > seen) {
                    throw in.malformed("op " + i + " names section " + s + " before section " + seen + " appeared");
                }
                if (s == seen) {
                    seen++;
                }
                nonDecreasing &= i == 0 || s >= sectionOfOp[i - 1];
                sectionOfOp[i] = s;
            }
            if (nonDecreasing) {
                throw in.malformed("explicit op order that is already grouped by section (must be written as grouped)");
            }
        } else if (order != ORDER_GROUPED && !(order == ORDER_SORTED && version >= 2)) {
            throw in.malformed("unknown op order mode " + order);
        }

        Section[] sections = new Section[sectionCount];
        int opsLeft = totalOps;
        int inserts = 0;
        int updates = 0;
        int deletes = 0;
        Map<Long, Integer> seenSchemas = new HashMap<>();
        for (int si = 0; si < sectionCount; si++) {
            Section s = readSection(in, budget, opsLeft, si, seenSchemas, order == ORDER_SORTED, lookup);
            sections[si] = s;
            opsLeft -= s.n;
            for (int i = 0; i < s.n; i++) {
                switch (s.kinds[i]) {
                    case KIND_INSERT -> inserts++;
                    case KIND_DELETE -> deletes++;
                    default -> updates++;
                }
            }
        }
        if (order == ORDER_SORTED) {
            checkSorted(in, sections);
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " trailing bytes after the last section");
        }
        if (inserts != h.insertCount() || updates != h.updateCount() || deletes != h.deleteCount()) {
            throw in.malformed("the body holds " + inserts + "/" + updates + "/" + deletes
                    + " inserts/updates/deletes but the header counts " + h.insertCount() + "/" + h.updateCount()
                    + "/" + h.deleteCount());
        }
        if (sectionOfOp != null) {
            int[] perSection = new int[sectionCount];
            for (int s : sectionOfOp) {
                perSection[s]++;
            }
            for (int s = 0; s < sectionCount; s++) {
                if (perSection[s] != sections[s].n) {
                    throw in.malformed("op order gives section " + s + " " + perSection[s] + " ops but the section holds " + sections[s].n);
                }
            }
        }
        return new Result(assemble(in, budget, sections, sectionOfOp, totalOps, lookup, order == ORDER_SORTED), defined);
    }

    private Section readSection(ByteSource in, DecodeBudget budget, int opsLeft, int si, Map<Long, Integer> seen,
                                boolean sorted, HeldKeys held) throws CorruptBatchException {
        Section s = new Section();
        long id = in.readLongBE("section " + si + " schema id");
        s.schema = registry.byId(id);
        if (s.schema == null) {
            throw in.error(Kind.UNKNOWN_SCHEMA, String.format("section %d uses schema %016x, which neither this batch nor "
                    + "the registry defines (bootstrap the registry from the snapshot, or replay from an earlier batch)", si, id));
        }
        if (seen.putIfAbsent(id, si) != null) {
            throw in.malformed("schema " + String.format("%016x", id) + " has two sections");
        }
        String where = "section " + si + " (" + s.schema.table() + ")";
        s.n = in.readCount(where + " op count", opsLeft);
        if (s.n == 0) {
            throw in.malformed(where + " is empty");
        }
        int kindMode = in.readUnsignedByte(where + " kinds");
        boolean ranked = version >= 3 && (kindMode & KINDS_RANKED_KEYS) != 0;
        if (ranked) {
            if (!sorted) {
                throw in.malformed(where + " codes keys by rank, which only sorted sections may");
            }
            kindMode &= ~KINDS_RANKED_KEYS;
        }
        budget.takeValues(in, s.n, where + " kinds");
        s.kinds = new byte[s.n];
        int full = 0;
        int upd = 0;
        if (kindMode <= KIND_DELETE) {
            java.util.Arrays.fill(s.kinds, (byte) kindMode);
        } else if (kindMode == KINDS_EXPLICIT) {
            int at = in.skip(s.n, where + " kinds");
            boolean same = true;
            for (int i = 0; i < s.n; i++) {
                int k = in.array()[at + i];
                if (k < KIND_INSERT || k > KIND_DELETE) {
                    throw in.malformed(where + " op " + i + " has unknown kind " + k);
                }
                s.kinds[i] = (byte) k;
                same &= k == s.kinds[0];
            }
            if (same) {
                throw in.malformed(where + ": explicit kinds that are all the same (not canonical)");
            }
        } else {
            throw in.malformed(where + ": unknown kinds mode " + kindMode);
        }
        for (byte k : s.kinds) {
            if (k == KIND_INSERT || k == KIND_REPLACE) {
                full++;
            } else if (k == KIND_UPDATE) {
                upd++;
            }
        }
        RowSchema rs = s.schema.rowSchema();
        int[] keyIdx = s.schema.keyIndexesShared();
        int[] nonKey = s.schema.nonKeyIndexesShared();
        ColumnReader columns = new ColumnReader(in, budget, maxStringLength, version, scratch);
        s.keys = new ColumnReader.Column[keyIdx.length];
        int inserts = 0;
        for (byte k : s.kinds) {
            inserts += k == KIND_INSERT ? 1 : 0;
        }
        int valueKeys = ranked ? inserts : s.n;
        if (ranked && inserts == s.n) {
            throw in.malformed(where + " codes keys by rank but has only inserts (not canonical)");
        }
        for (int k = 0; k < keyIdx.length && valueKeys > 0; k++) {
            s.keys[k] = columns.read(rs.type(keyIdx[k]), valueKeys, false, where + " key " + rs.name(keyIdx[k]));
        }
        if (ranked) {
            ColumnReader.Column ranks = columns.readUnboxed(s.n - inserts, where + " key ranks");
            s.keys = keysWithRanks(in, s, ranks, held, where);
        }
        s.full = new ColumnReader.Column[nonKey.length];
        if (full > 0) {
            for (int j = 0; j < nonKey.length; j++) {
                s.full[j] = columns.read(rs.type(nonKey[j]), full, false, where + " field " + rs.name(nonKey[j]));
            }
        }
        s.updated = new ColumnReader.Column[nonKey.length];
        s.updatedCursor = new int[nonKey.length];
        if (upd > 0) {
            s.bitmapBytes = (nonKey.length + 7) >>> 3;
            int mode = version >= 3 ? in.readUnsignedByte(where + " changed-field bitmap mode") : BITMAPS_PER_UPDATE;
            if (mode != BITMAPS_PER_UPDATE && mode != BITMAPS_SHARED) {
                throw in.malformed(where + ": unknown changed-field bitmap mode " + mode);
            }
            long bytes = mode == BITMAPS_SHARED ? s.bitmapBytes : (long) upd * s.bitmapBytes;
            if (bytes > in.remaining()) {
                throw in.malformed(where + " changed-field bitmaps need " + bytes + " bytes but " + in.remaining() + " remain");
            }
            int at = in.skip((int) bytes, where + " changed-field bitmaps");
            s.bitmaps = java.util.Arrays.copyOfRange(in.array(), at, at + (int) bytes);
            s.bitmapStride = mode == BITMAPS_SHARED ? 0 : s.bitmapBytes; // every update reads the shared one
            if (mode == BITMAPS_PER_UPDATE && version >= 3 && sorted && upd > 1 && allBitmapsEqual(s.bitmaps, s.bitmapBytes)) {
                throw in.malformed(where + ": per-update changed-field bitmaps that are all the same in a sorted section (must be shared)");
            }
            if (mode == BITMAPS_SHARED && !sorted) {
                throw in.malformed(where + ": a shared changed-field bitmap in an unsorted section (only sorted sections share one)");
            }
            int unusedBits = nonKey.length & 7;
            int[] changed = new int[nonKey.length];
            for (int u = 0; u < upd; u++) {
                if (unusedBits != 0 && ((s.bitmaps[u * s.bitmapStride + s.bitmapBytes - 1] & 0xFF) >>> unusedBits) != 0) {
                    throw in.malformed(where + " update " + u + " marks a field past the last field as changed");
                }
                for (int j = 0; j < nonKey.length; j++) {
                    if ((s.bitmaps[u * s.bitmapStride + (j >>> 3)] & (1 << (j & 7))) != 0) {
                        changed[j]++;
                    }
                }
            }
            for (int j = 0; j < nonKey.length; j++) {
                if (changed[j] > 0) {
                    s.updated[j] = columns.read(rs.type(nonKey[j]), changed[j], true, where + " updated field " + rs.name(nonKey[j]));
                }
            }
        }
        return s;
    }

    private static boolean allBitmapsEqual(byte[] bitmaps, int bitmapBytes) {
        for (int i = bitmapBytes; i < bitmaps.length; i++) {
            if (bitmaps[i] != bitmaps[i % bitmapBytes]) {
                return false;
            }
        }
        return true;
    }

    /**
     * v3 rank-coded keys (spec v3 §3): the section's key columns with each update, replace and delete op's
     * key looked up by its rank among the keys the receiver held before the batch, the inserts' keys taken in
     * order from the value columns. Ranks must be non-null, non-decreasing and below the held count.
     */
    private static ColumnReader.Column[] keysWithRanks(ByteSource in, Section s, ColumnReader.Column ranks, HeldKeys held,
                                                       String where) throws CorruptBatchException {
        HeldKeyIndex index = held.heldKeys(s.schema.table());
        if (index == null) {
            throw in.error(Kind.STATE_MISMATCH, where + " codes keys by rank among the receiver's keys of "
                    + s.schema.table() + ", but this receiver keeps no index of them (RowLookup.heldKeys)");
        }
        int keyFields = s.schema.keySchema().size();
        Object[][] merged = new Object[keyFields][s.n];
        s.heldKeyRows = new Row[s.n];
        long[] rankValues = ranks.longs();
        boolean[] rankIsNull = ranks.isNull();
        int insert = 0;
        int ranked = 0;
        long previous = 0;
        for (int i = 0; i < s.n; i++) {
            if (s.kinds[i] == KIND_INSERT) {
                continue;
            }
            if (rankIsNull != null && rankIsNull[ranked]) {
                throw in.malformed(where + " key rank " + ranked + " is null");
            }
            long rank = rankValues[ranked];
            if (rank < previous) {
                throw in.malformed(where + " key rank " + ranked + " is " + rank + ", below the previous rank " + previous);
            }
            if (rank >= index.size()) {
                throw in.error(Kind.STATE_MISMATCH, where + " key rank " + ranked + " is " + rank + " but the receiver holds "
                        + index.size() + " keys of " + s.schema.table());
            }
            s.heldKeyRows[i] = index.keyAt(rank);
            previous = rank;
            ranked++;
        }
        // A second pass reads the held keys (cold on a large receiver: their misses overlap in this short loop).
        ranked = 0;
        for (int i = 0; i < s.n; i++) {
            Row key = s.heldKeyRows[i];
            if (key == null) {
                for (int k = 0; k < keyFields; k++) {
                    merged[k][i] = s.keys[k].values()[insert];
                }
                insert++;
                continue;
            }
            if (key.schema() != s.schema.keySchema() && !key.schema().equals(s.schema.keySchema())) {
                throw in.error(Kind.STATE_MISMATCH, where + " key rank " + rankValues[ranked] + " names key " + key
                        + " whose fields differ from the section's key " + s.schema.keySchema());
            }
            for (int k = 0; k < keyFields; k++) {
                merged[k][i] = key.get(k);
            }
            ranked++;
        }
        ColumnReader.Column[] keys = new ColumnReader.Column[keyFields];
        for (int k = 0; k < keyFields; k++) {
            keys[k] = new ColumnReader.Column(merged[k], null);
        }
        return keys;
    }

    /** Sorted order (v2): one section per table, keys non-decreasing within each section. */
    private static void checkSorted(ByteSource in, Section[] sections) throws CorruptBatchException {
        java.util.Set<TableId> tables = new java.util.HashSet<>();
        for (int si = 0; si < sections.length; si++) {
            Section s = sections[si];
            if (!tables.add(s.schema.table())) {
                throw in.malformed("sorted op order but table " + s.schema.table() + " has two sections");
            }
            ColumnReader.Column[] keys = s.keys;
            for (int i = 1; i < s.n; i++) {
                int c = 0;
                for (int k = 0; k < keys.length && c == 0; k++) {
                    c = KeyOrder.compareValues(keys[k].values()[i - 1], keys[k].values()[i]);
                }
                if (c > 0) {
                    throw in.malformed("sorted op order but section " + si + " (" + s.schema.table() + ") op " + i
                            + " has a smaller key than op " + (i - 1));
                }
            }
        }
    }

    /**
     * @param sorted sorted op order (checked): one section per table, keys non-decreasing, so the ops of one
     *     key are adjacent and the state a later op of the batch sees is the previous op's, no map needed
     */
    private DecodedOps assemble(ByteSource in, DecodeBudget budget, Section[] sections, int[] sectionOfOp, int totalOps,
                                   RowLookup lookup, boolean sorted) throws CorruptBatchException {
        long cells = 0;
        for (Section s : sections) {
            cells += (long) s.n * (s.schema.keySchema().size() + s.schema.rowSchema().size());
        }
        budget.takeValues(in, cells, "the batch's rows");
        DeltaOp[] ops = new DeltaOp[totalOps];
        Object[] handles = null; // allocated at the first handle (a batch of inserts has none)
        // One overlay per table (sections of two schema versions of a table share it); no per-op key objects.
        if (!sorted) {
            Map<TableId, Map<Row, Object>> overlays = new HashMap<>();
            for (Section s : sections) {
                // Presized for every op of the table (its sections of all schema versions): no rehashing.
                int n = 0;
                for (Section o : sections) {
                    if (o.schema.table().equals(s.schema.table())) {
                        n += o.n;
                    }
                }
                int capacity = (int) Math.min(1 << 20, n * 4L / 3 + 1);
                s.overlay = overlays.computeIfAbsent(s.schema.table(), t -> new HashMap<>(capacity));
            }
        }
        for (Section s : sections) {
            lookUpReceiverRows(s, lookup);
        }
        int si = 0;
        for (int i = 0; i < totalOps; i++) {
            Section s;
            if (sectionOfOp != null) {
                s = sections[sectionOfOp[i]];
            } else {
                while (sections[si].op == sections[si].n) {
                    si++;
                }
                s = sections[si];
            }
            s.beforeFromReceiver = false;
            DeltaOp op = nextOp(in, s, lookup, i);
            ops[i] = op;
            if (s.beforeFromReceiver) {
                if (handles == null) {
                    handles = new Object[totalOps];
                }
                handles[i] = s.handles[s.op - 1];
            }
            Object state = op instanceof DeltaOp.Delete ? DELETED : op instanceof DeltaOp.Insert ins ? ins.after()
                    : ((DeltaOp.Update) op).after();
            if (s.overlay != null) {
                s.overlay.put(op.key(), state);
            } else {
                s.lastKey = op.key();
                s.lastState = state;
            }
        }
        return new DecodedOps(ops, handles, lookup);
    }

    /**
     * Builds the keys of the section's ops and looks up the receiver's row of each update, replace and
     * delete, reading the row's values once. On a large receiver every lookup misses the cache several
     * times (slot, held row, its values, their boxes); taken in stages over all the section's keys (the
     * receiver's {@link RowLookup#locateAll}, then the rows, then their values), the misses of consecutive ops
     * overlap, where between the building of whole ops they would be taken one after the other.
     */
    private void lookUpReceiverRows(Section s, RowLookup lookup) {
        TableSchema schema = s.schema;
        TableId table = schema.table();
        int[] keyIdx = schema.keyIndexesShared();
        if (s.heldKeyRows == null) {
            s.heldKeyRows = new Row[s.n];
        }
        Row[] keys = s.heldKeyRows;
        Object[] handles = new Object[s.n];
        Row[] wanted = null;
        for (int j = 0; j < s.n; j++) {
            Row key = keys[j];
            if (key == null) {
                Object[] keyValues = new Object[keyIdx.length];
                for (int k = 0; k < keyIdx.length; k++) {
                    keyValues[k] = s.keys[k].values()[j];
                }
                key = Row.wrapTrusted(schema.keySchema(), keyValues);
                keys[j] = key;
            }
            if (s.kinds[j] != KIND_INSERT) {
                if (wanted == null) {
                    wanted = new Row[s.n];
                }
                wanted[j] = key;
            }
        }
        s.handles = handles;
        if (wanted == null) {
            return;
        }
        lookup.locateAll(table, wanted, s.n, handles);
        Row[] rows = new Row[s.n];
        long touched = 0;
        for (int j = 0; j < s.n; j++) {
            if (handles[j] != null) {
                Row row = lookup.rowOf(handles[j]);
                rows[j] = row;
                touched += row.size();
            }
        }
        for (int j = 0; j < s.n; j++) {
            Row row = rows[j];
            if (row != null) {
                for (int x = 0, n = row.size(); x < n; x++) {
                    if (row.get(x) instanceof Long v) {
                        touched += v;
                    }
                }
            }
        }
        this.touched += touched;
    }

    /**
     * Sum of the values {@link #lookUpReceiverRows} read ahead; kept so the reads are not optimised away.
     * Without the read-ahead of the values the decode + apply path took ~2% more CPU (in-JVM A/B, 4 JVMs x 20
     * rounds, paired medians 1.018-1.050), so the extra loop pays for itself.
     */
    private long touched;

    private DeltaOp nextOp(ByteSource in, Section s, RowLookup lookup, int opIndex)
            throws CorruptBatchException {
        TableSchema schema = s.schema;
        int j = s.op++;
        int[] keyIdx = schema.keyIndexesShared();
        int[] nonKey = schema.nonKeyIndexesShared();
        Row key = s.heldKeyRows[j];
        TableId table = schema.table();
        int kind = s.kinds[j];
        if (kind == KIND_INSERT || kind == KIND_REPLACE) {
            Object[] row = new Object[schema.rowSchema().size()];
            for (int k = 0; k < keyIdx.length; k++) {
                row[keyIdx[k]] = key.get(k);
            }
            int f = s.fullRow++;
            for (int x = 0; x < nonKey.length; x++) {
                row[nonKey[x]] = s.full[x].values()[f];
            }
            Row after = Row.wrapTrusted(schema.rowSchema(), row);
            if (kind == KIND_INSERT) {
                return new DeltaOp.Insert(table, key, after);
            }
            return new DeltaOp.Update(table, key, held(in, s, receiverRow(lookup, s, j), table, key, opIndex, "replace"), after);
        }
        Row before = held(in, s, receiverRow(lookup, s, j), table, key, opIndex, kind == KIND_DELETE ? "delete" : "update");
        if (kind == KIND_DELETE) {
            return new DeltaOp.Delete(table, key, before);
        }
        if (before.schema() != schema.rowSchema() && !before.schema().equals(schema.rowSchema())) {
            throw in.error(Kind.STATE_MISMATCH, "op " + opIndex + " updates " + table + " key " + key
                    + " against schema " + schema.rowSchema() + " but the receiver holds the row with schema " + before.schema());
        }
        Object[] row = new Object[before.size()];
        for (int x = 0; x < row.length; x++) {
            row[x] = before.get(x);
        }
        int u = s.update++;
        for (int x = 0; x < nonKey.length; x++) {
            if ((s.bitmaps[u * s.bitmapStride + (x >>> 3)] & (1 << (x & 7))) == 0) {
                continue;
            }
            ColumnReader.Column c = s.updated[x];
            int at = s.updatedCursor[x]++;
            Object v = c.values()[at];
            if (v == ColumnReader.PENDING_OLD) {
                Object old = before.get(nonKey[x]);
                if (!(old instanceof Long o)) {
                    throw in.error(Kind.STATE_MISMATCH, "op " + opIndex + " codes " + table + "." + schema.rowSchema().name(nonKey[x])
                            + " of key " + key + " against the held value, but the receiver holds " + old);
                }
                v = o + c.oldDeltas()[at];
            }
            row[nonKey[x]] = v;
        }
        return new DeltaOp.Update(table, key, before, Row.wrapTrusted(schema.rowSchema(), row));
    }

    /** The receiver's row of op {@code j}'s key before the batch, or null. */
    private static Row receiverRow(RowLookup lookup, Section s, int j) {
        Object handle = s.handles[j];
        return handle == null ? null : lookup.rowOf(handle);
    }

    /** @param receiverRow the receiver's row of the key before the batch (null if it held none) */
    private static Row held(ByteSource in, Section s, Row receiverRow, TableId table, Row key,
                            int opIndex, String what) throws CorruptBatchException {
        Object o = s.overlay != null ? s.overlay.get(key) : s.lastKey != null && s.lastKey.equals(key) ? s.lastState : null;
        s.beforeFromReceiver = o == null;
        Row row = o == DELETED ? null : o != null ? (Row) o : receiverRow;
        if (row == null) {
            throw in.error(Kind.STATE_MISMATCH, "op " + opIndex + " is a " + what + " of " + table + " key " + key
                    + " but the receiver holds no such row");
        }
        return row;
    }

    static boolean isInteger(FieldType t) {
        return t == FieldType.INT64 || t == FieldType.TIMESTAMP_MICROS || t == FieldType.DATE;
    }
}
