package io.snapdelta.format;

import static io.snapdelta.format.ColumnEncoding.*;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.Row;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes the ops of a batch into the uncompressed v1 body (spec: "Body"): schema definitions not yet
 * sent on this stream, the op order, then one columnar section per (table, schema version) in order of
 * first appearance. Reuses its buffers across batches; not thread-safe.
 */
final class BodyEncoder {
    private final TableSchemaRegistry registry;
    private final ByteSink out = new ByteSink(1 << 16);
    private final ColumnWriter columns;
    /** Names the column being written, in the column writer's error messages (text built only on an error). */
    private final ColumnContext column = new ColumnContext();
    private final int version;
    private Object[] scratch = new Object[1024];
    private Object[] scratchOld = new Object[1024];
    private TableSchema lastSchema;
    private final Map<TableSchema, Section> sectionsBySchema = new IdentityHashMap<>();
    private Section lastSection;
    private long batches;
    private int[] sectionOfOpScratch = new int[1024];

    BodyEncoder(TableSchemaRegistry registry, int version) {
        this.registry = registry;
        this.version = version;
        this.columns = new ColumnWriter(out, version);
    }

    /**
     * The ops of one (table, schema version) in the prepared batch, in batch order, and, once a compact
     * layout asked for it, sorted by key ({@link #sort}). Kept per schema across batches (reset at first
     * use in each batch), so that its arrays keep their capacity instead of growing from empty in every batch.
     */
    private static final class Section {
        final TableSchema schema;
        /** Position among the batch's sections; valid while {@link #batch} is the encoder's current batch. */
        int index;
        /** The batch number that last used this section. */
        long batch = -1;
        /** The first {@link #n} entries: the section's ops in batch order and their kinds. */
        DeltaOp[] ops = new DeltaOp[16];
        int[] kinds = new int[16];
        int n;
        int full;
        int updates;
        /** The ops and kinds sorted by key (stable), or the batch-order arrays when already sorted; valid with {@link #sortedValid}. */
        DeltaOp[] sortedOps = new DeltaOp[16];
        int[] sortedKinds = new int[16];
        boolean sortedValid;
        /** While writes are shared ({@link #shareWrites}): this section's last write at each layout (plain, compact). */
        final WrittenSection[] written = {new WrittenSection(), new WrittenSection()};

        Section(TableSchema schema) {
            this.schema = schema;
        }

        /** Starts this section's use in batch number {@code batch} at position {@code index}. */
        void open(long batch, int index) {
            this.batch = batch;
            this.index = index;
            n = 0;
            full = 0;
            updates = 0;
            sortedValid = false;
        }

        void add(DeltaOp op, int kind) {
            if (n == ops.length) {
                ops = java.util.Arrays.copyOf(ops, n * 2);
                kinds = java.util.Arrays.copyOf(kinds, n * 2);
            }
            kinds[n] = kind;
            ops[n++] = op;
        }

        /** Fills the sorted view (once per prepared batch; both bodies' compact writes share it). */
        void sort() {
            if (sortedValid) {
                return;
            }
            sortedValid = true;
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) {
                sorted = KeyOrder.INSTANCE.compare(ops[i - 1].key(), ops[i].key()) <= 0;
            }
            if (sorted) { // e.g. keys from a sequence, inserted in order
                sortedOps = ops;
                sortedKinds = kinds;
                return;
            }
            long[] integerKeys = singleIntegerKeys();
            int[] order = integerKeys != null ? StableIndexSort.byLong(integerKeys, n) : byKeyOrder();
            if (sortedOps == ops || sortedOps.length < n) {
                sortedOps = new DeltaOp[ops.length];
                sortedKinds = new int[ops.length];
            }
            for (int j = 0; j < n; j++) {
                int i = order[j];
                sortedOps[j] = ops[i];
                sortedKinds[j] = kinds[i];
            }
        }

        /**
         * Each op's key as a long when every key is a single integer (the common case), else null: those
         * sort as primitives. A boxed comparator sort here made C2 recompile TimSort over and over, its
         * profile shared with every other comparator in the JVM.
         */
        private long[] singleIntegerKeys() {
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                Row key = ops[i].key();
                if (key.size() != 1 || !(key.get(0) instanceof Long v)) {
                    return null;
                }
                keys[i] = v;
            }
            return keys;
        }

        private int[] byKeyOrder() {
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = i;
            }
            DeltaOp[] o = ops;
            java.util.Arrays.sort(boxed, (a, b) -> KeyOrder.INSTANCE.compare(o[a].key(), o[b].key()));
            int[] order = new int[boxed.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = boxed[i];
            }
            return order;
        }

        /** Drops the references to the batch's ops (they need not outlive it). */
        void release() {
            java.util.Arrays.fill(ops, 0, n, null);
            if (sortedOps != ops) {
                java.util.Arrays.fill(sortedOps, 0, Math.min(n, sortedOps.length), null);
            }
            sortedValid = false;
        }
    }

    /**
     * One section as a write left it: its ops (by identity) and kinds in written order, whether it was sorted,
     * the receiver's keys it was ranked against, and its bytes. Another write of a section with the same ops in
     * the same order, at the same layout and against the same keys, writes the same bytes (rows are immutable,
     * and a column's bytes depend on its values alone), so it copies them.
     */
    private static final class WrittenSection {
        DeltaOp[] ops = new DeltaOp[16];
        int[] kinds = new int[16];
        int n = -1;
        boolean sorted;
        HeldKeys held;
        byte[] bytes = new byte[256];
        int length;

        boolean matches(DeltaOp[] ops, int[] kinds, int n, boolean sorted, HeldKeys held) {
            if (this.n != n || this.sorted != sorted || this.held != held) {
                return false;
            }
            DeltaOp[] o = this.ops;
            int[] k = this.kinds;
            for (int i = 0; i < n; i++) {
                if (o[i] != ops[i] || k[i] != kinds[i]) {
                    return false;
                }
            }
            return true;
        }

        void remember(DeltaOp[] ops, int[] kinds, int n, boolean sorted, HeldKeys held, byte[] from, int start, int end) {
            if (this.ops.length < n) {
                this.ops = new DeltaOp[Math.max(n, this.ops.length * 2)];
                this.kinds = new int[this.ops.length];
            }
            System.arraycopy(ops, 0, this.ops, 0, n);
            System.arraycopy(kinds, 0, this.kinds, 0, n);
            java.util.Arrays.fill(this.ops, n, Math.max(n, this.n), null);
            this.n = n;
            this.sorted = sorted;
            this.held = held;
            length = end - start;
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            System.arraycopy(from, start, bytes, 0, length);
        }

        void forget() {
            if (n > 0) {
                java.util.Arrays.fill(ops, 0, n, null);
            }
            n = -1;
            held = null;
        }
    }

    /** Sections whose last write per layout is kept for the next writes ({@link #shareWrites}). */
    private final List<Section> remembered = new ArrayList<>();
    private boolean shareWrites;
    /** Sections copied from an earlier write so far (for tests). */
    long sectionsCopied;

    /**
     * From {@code true} until {@code false}: each section written is remembered (per layout), and a later write
     * of a section with the same ops in the same order, at the same layout and against the same receiver keys
     * copies its bytes instead of encoding them again. For the writes of one batch's two bodies (a body probe):
     * a key the batch changed once is the same op object in both bodies, so e.g. the sorted sections of the
     * tables whose keys the batch touches once are equal. The caller guarantees that the receiver keys do not
     * change in between. {@code false} drops what was remembered.
     */
    void shareWrites(boolean share) {
        shareWrites = share;
        if (!share) {
            for (Section s : remembered) {
                s.written[0].forget();
                s.written[1].forget();
            }
            remembered.clear();
        }
    }

    private static boolean oneSectionPerTable(List<Section> sections) {
        Set<io.snapdelta.model.TableId> tables = new java.util.HashSet<>();
        for (Section s : sections) {
            if (!tables.add(s.schema.table())) {
                return false;
            }
        }
        return true;
    }

    /** Encodes; {@code emitted} holds the schema ids this stream has already defined and is updated. */
    ByteSink encode(List<DeltaOp> ops, Set<Long> emitted) {
        return encode(ops, emitted, true, HeldKeys.NONE);
    }

    /** {@link #prepare}, {@link #write} and {@link #release} in one: one layout of one batch. */
    ByteSink encode(List<DeltaOp> ops, Set<Long> emitted, boolean compact, HeldKeys held) {
        prepare(ops);
        try {
            return write(emitted, compact, held);
        } finally {
            release();
        }
    }

    /** The sections of the prepared batch, in order of first appearance. */
    private final List<Section> sections = new ArrayList<>();
    /** The prepared batch's op count (-1: none prepared) and whether its ops are grouped by section. */
    private int preparedOps = -1;
    private boolean grouped;

    /**
     * Reads, checks and groups {@code ops} into sections for {@link #write}, which may then write the batch
     * at either layout (the layout probe writes both) without reading the ops' classes, schemas and keys
     * again. Throws, naming the op, when a key disagrees with its row.
     */
    void prepare(List<DeltaOp> ops) {
        release();
        long batch = ++batches;
        int size = ops.size();
        if (sectionOfOpScratch.length < size) {
            sectionOfOpScratch = new int[Math.max(size, sectionOfOpScratch.length * 2)];
        }
        int[] sectionOfOp = sectionOfOpScratch;
        boolean grouped = true;
        touched += touch(ops, size);
        for (int i = 0; i < size; i++) {
            DeltaOp op = ops.get(i);
            Row key = op.key();
            Row shape;
            int kind;
            if (op instanceof DeltaOp.Insert ins) {
                shape = ins.after();
                kind = KIND_INSERT;
            } else if (op instanceof DeltaOp.Update u) {
                shape = u.after();
                Row before = u.before();
                kind = before.schema() == shape.schema() || before.schema().equals(shape.schema()) ? KIND_UPDATE : KIND_REPLACE;
            } else {
                shape = ((DeltaOp.Delete) op).before();
                kind = KIND_DELETE;
            }
            TableSchema schema = schemaOf(op.table(), shape.schema(), key.schema());
            Section s = lastSection != null && lastSection.schema == schema ? lastSection : sectionOf(schema);
            lastSection = s;
            if (s.batch != batch) {
                s.open(batch, sections.size());
                sections.add(s);
            }
            if (kind == KIND_UPDATE) {
                checkKeyIn(((DeltaOp.Update) op).before(), op, schema, i);
            }
            checkKeyIn(shape, op, schema, i);
            s.add(op, kind);
            if (kind == KIND_INSERT || kind == KIND_REPLACE) {
                s.full++;
            } else if (kind == KIND_UPDATE) {
                s.updates++;
            }
            int idx = s.index;
            if (i > 0 && idx < sectionOfOp[i - 1]) {
                grouped = false;
            }
            sectionOfOp[i] = idx;
        }
        this.grouped = grouped;
        preparedOps = size;
    }

    /** What {@link #touch} read, kept in a field so that the compiler cannot drop the reads. */
    private int touched;

    /**
     * Reads each op's key and rows and the lengths of their value arrays in a short loop ahead of the main
     * one. The ops were built from events long out of the caches, and each is a chain of dependent loads
     * (op, row, value array); the main loop does so much per op that it waits on one op's chain at a time,
     * while in this loop the chains of many ops are in flight at once. Reading the values themselves too
     * (every boxed value and string) did not pay.
     */
    private static int touch(List<DeltaOp> ops, int size) {
        int h = 0;
        for (int i = 0; i < size; i++) {
            DeltaOp op = ops.get(i);
            if (op instanceof DeltaOp.Insert ins) {
                h += ins.key().size() + ins.after().size();
            } else if (op instanceof DeltaOp.Update u) {
                h += u.key().size() + u.before().size() + u.after().size();
            } else if (op instanceof DeltaOp.Delete d) {
                h += d.key().size() + d.before().size();
            }
        }
        return h;
    }

    /** The prepared batch's inserts, updates (replacing ones included) and deletes, for its header. */
    io.snapdelta.delta.OpCounts preparedCounts() {
        int inserts = 0;
        int updates = 0;
        int deletes = 0;
        for (Section s : sections) {
            int[] kinds = s.kinds;
            for (int i = 0, n = s.n; i < n; i++) {
                switch (kinds[i]) {
                    case KIND_INSERT -> inserts++;
                    case KIND_DELETE -> deletes++;
                    default -> updates++;
                }
            }
        }
        return new io.snapdelta.delta.OpCounts(inserts, updates, deletes);
    }

    /**
     * Writes the prepared batch ({@link #prepare}) at one layout; the returned sink is reused by the next write.
     *
     * @param emitted the schema ids this stream has already defined; updated
     * @param compact v2 only: sorted sections and bit-packed integer columns; false writes v2's plain
     *     layout (batch order, varint integers), which lets the codec match values that several tables of
     *     one transaction share when they are in one batch
     */
    ByteSink write(Set<Long> emitted, boolean compact, HeldKeys held) {
        if (preparedOps < 0) {
            throw new IllegalStateException("no prepared batch");
        }
        out.reset();
        columns.packIntegers(compact);
        List<TableSchema> toDefine = new ArrayList<>();
        for (Section s : sections) {
            if (!emitted.contains(s.schema.id())) {
                toDefine.add(s.schema);
            }
        }
        out.writeVarInt(toDefine.size());
        for (TableSchema t : toDefine) {
            out.writeLongBE(t.id());
            byte[] def = t.canonicalShared();
            out.writeVarInt(def.length);
            out.writeBytes(def, 0, def.length);
            emitted.add(t.id());
        }
        out.writeVarInt(sections.size());
        boolean sorted = version >= 2 && compact && oneSectionPerTable(sections);
        if (sorted) {
            // Ops on different keys commute, so each table's ops may travel sorted by key (stable: the ops
            // of one key keep their order). Sorted keys delta-code to the gaps between them.
            out.writeByte(ORDER_SORTED);
            for (Section s : sections) {
                s.sort();
            }
        } else {
            out.writeByte(grouped ? ORDER_GROUPED : ORDER_EXPLICIT);
        }
        if (!grouped && !sorted) {
            int[] sectionOfOp = sectionOfOpScratch;
            for (int i = 0; i < preparedOps; i++) {
                out.writeVarInt(sectionOfOp[i]);
            }
        }
        for (Section s : sections) {
            DeltaOp[] ops = sorted ? s.sortedOps : s.ops;
            int[] kinds = sorted ? s.sortedKinds : s.kinds;
            WrittenSection w = shareWrites ? s.written[compact ? 1 : 0] : null;
            if (w != null && w.matches(ops, kinds, s.n, sorted, held)) {
                out.writeBytes(w.bytes, 0, w.length);
                sectionsCopied++;
                continue;
            }
            int start = out.position();
            writeSection(s, ops, kinds, sorted && version >= 3 ? ranksOf(s, ops, kinds, held) : null, sorted);
            if (w != null) {
                if (w.n < 0 && s.written[compact ? 0 : 1].n < 0) {
                    remembered.add(s);
                }
                w.remember(ops, kinds, s.n, sorted, held, out.array(), start, out.position());
            }
        }
        return out;
    }

    /** Drops the prepared batch's ops (now, not when the schema next appears). */
    void release() {
        for (Section s : sections) {
            s.release();
        }
        sections.clear();
        preparedOps = -1;
    }

    /** The reusable section of {@code schema} (one per schema the encoder has seen; schemas are few). */
    private Section sectionOf(TableSchema schema) {
        Section s = sectionsBySchema.get(schema);
        if (s == null) {
            s = new Section(schema);
            sectionsBySchema.put(schema, s);
        }
        return s;
    }

    /**
     * The registry's schema for these rows, remembering the last {@value #RECENT_SCHEMAS} answers by the
     * identity of what was asked: consecutive ops are mostly of one table, a stream-ordered body cycles
     * through the few tables of its transactions, and the tables and interned row schemas are shared
     * instances. The registry itself hashes a key record per call.
     */
    private TableSchema schemaOf(io.snapdelta.model.TableId table, io.snapdelta.model.RowSchema rowSchema,
                                 io.snapdelta.model.RowSchema keySchema) {
        TableSchema last = lastSchema;
        if (last != null && table == recentTables[lastRecent] && rowSchema == recentRows[lastRecent]
                && keySchema == recentKeys[lastRecent]) {
            return last;
        }
        for (int i = 0; i < RECENT_SCHEMAS; i++) {
            if (table == recentTables[i] && rowSchema == recentRows[i] && keySchema == recentKeys[i]) {
                lastRecent = i;
                lastSchema = recentSchemas[i];
                return lastSchema;
            }
        }
        TableSchema s = registry.forRows(table, rowSchema, keySchema);
        int i = nextRecent;
        nextRecent = (i + 1) % RECENT_SCHEMAS;
        recentTables[i] = table;
        recentRows[i] = rowSchema;
        recentKeys[i] = keySchema;
        recentSchemas[i] = s;
        lastRecent = i;
        lastSchema = s;
        return s;
    }

    private static final int RECENT_SCHEMAS = 8;
    private final io.snapdelta.model.TableId[] recentTables = new io.snapdelta.model.TableId[RECENT_SCHEMAS];
    private final io.snapdelta.model.RowSchema[] recentRows = new io.snapdelta.model.RowSchema[RECENT_SCHEMAS];
    private final io.snapdelta.model.RowSchema[] recentKeys = new io.snapdelta.model.RowSchema[RECENT_SCHEMAS];
    private final TableSchema[] recentSchemas = new TableSchema[RECENT_SCHEMAS];
    private int nextRecent;
    private int lastRecent;

    static List<DeltaOp> wireOrder(List<DeltaOp> ops) {
        Map<io.snapdelta.model.TableId, List<DeltaOp>> byTable = new java.util.LinkedHashMap<>();
        Map<io.snapdelta.model.TableId, io.snapdelta.model.RowSchema> schemaOf = new java.util.HashMap<>();
        for (DeltaOp op : ops) {
            io.snapdelta.model.RowSchema shape = (op instanceof DeltaOp.Delete d ? d.before() : after(op)).schema();
            io.snapdelta.model.RowSchema seen = schemaOf.putIfAbsent(op.table(), shape);
            if (seen != null && seen != shape && !seen.equals(shape)) {
                return List.copyOf(ops);
            }
            byTable.computeIfAbsent(op.table(), t -> new ArrayList<>()).add(op);
        }
        List<DeltaOp> out = new ArrayList<>(ops.size());
        for (List<DeltaOp> table : byTable.values()) {
            table.sort((a, b) -> KeyOrder.INSTANCE.compare(a.key(), b.key()));
            out.addAll(table);
        }
        return out;
    }

    private static Row after(DeltaOp op) {
        return op instanceof DeltaOp.Insert ins ? ins.after() : ((DeltaOp.Update) op).after();
    }

    private static void checkKeyIn(Row r, DeltaOp op, TableSchema schema, int index) {
        int[] keys = schema.keyIndexesShared();
        Row key = op.key();
        for (int k = 0; k < keys.length; k++) {
            Object kv = key.get(k);
            Object rv = r.get(keys[k]);
            // The same object (e.g. a small integer from Long's box cache) is equal without being read;
            // valueEquals would load its class first (a cache miss on a value the batch did not touch yet).
            if (kv != rv && !Row.valueEquals(kv, rv)) {
                throw new IllegalArgumentException("op " + index + " (" + op.getClass().getSimpleName() + " on "
                        + op.table() + "): key field '" + schema.keySchema().name(k) + "' is " + key.get(k)
                        + " in the key but " + r.get(keys[k]) + " in the row; a key change must travel as delete + insert");
            }
        }
    }

    /**
     * The changed-field bitmaps, one per update. From v3 a mode byte comes first: {@link #BITMAPS_SHARED}
     * and one bitmap when the section is sorted and every update of it changed the same fields (an account
     * balance, a status column: the usual case), else {@link #BITMAPS_PER_UPDATE} and all of them. The plain
     * layout keeps one per update: measured on pgbench at 1 shard x 10,000, sharing them there made the
     * plain stream-ordered body lose the body probes it used to win (2.158 instead of 1.808 B/change).
     */
    private void writeBitmaps(byte[] bitmaps, int bitmapBytes, boolean sorted) {
        if (version < 3) {
            out.writeBytes(bitmaps, 0, bitmaps.length);
            return;
        }
        boolean shared = sorted;
        for (int i = bitmapBytes; i < bitmaps.length && shared; i++) {
            shared = bitmaps[i] == bitmaps[i % bitmapBytes];
        }
        if (shared) {
            out.writeByte(BITMAPS_SHARED);
            out.writeBytes(bitmaps, 0, bitmapBytes);
        } else {
            out.writeByte(BITMAPS_PER_UPDATE);
            out.writeBytes(bitmaps, 0, bitmaps.length);
        }
    }

    /** Per non-key field, room for {@code n} values: the full rows' columns, gathered in one pass. */
    private Object[][] fieldScratch(int fields, int n) {
        Object[][] f = fieldScratch;
        if (f.length < fields) {
            f = java.util.Arrays.copyOf(f, Math.max(fields, f.length * 2));
            fieldScratch = f;
        }
        for (int j = 0; j < fields; j++) {
            if (f[j] == null || f[j].length < n) {
                f[j] = new Object[Math.max(n, f[j] == null ? 1024 : f[j].length * 2)];
            }
        }
        return f;
    }

    private Object[][] fieldScratch = new Object[8][];

    private Object[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new Object[Math.max(n, scratch.length * 2)];
            scratchOld = new Object[scratch.length];
        }
        return scratch;
    }

    /**
     * v3: the ranks of a sorted section's held keys (its update, replace and delete ops, in section order)
     * among the receiver's keys of the table before the batch, or null when they travel as values: when the
     * section has no such op, when this side keeps no index of the table, or when one of those keys is not
     * held before the batch (in a stream-ordered body a key inserted earlier in the batch can be updated).
     */
    private static long[] ranksOf(Section s, DeltaOp[] ops, int[] kinds, HeldKeys held) {
        int n = s.n;
        int ranked = 0;
        for (int i = 0; i < n; i++) {
            if (kinds[i] != KIND_INSERT) {
                ranked++;
            }
        }
        if (ranked == 0 || !ranksMayPay(ops, kinds, n, ranked)) {
            return null;
        }
        HeldKeyIndex index = held.heldKeys(s.schema.table());
        if (index == null) {
            return null;
        }
        long[] ranks = new long[ranked];
        int m = 0;
        Row firstKey = null;
        Row lastKey = null;
        for (int i = 0; i < n; i++) {
            if (kinds[i] != KIND_INSERT) {
                Row key = ops[i].key();
                long r = index.rankOf(key);
                if (r < 0) {
                    return null;
                }
                ranks[m++] = r;
                firstKey = firstKey == null ? key : firstKey;
                lastKey = key;
            }
        }
        return ranksPay(firstKey, lastKey, ranks) ? ranks : null;
    }

    /**
     * Whether ranks could pass {@link #ranksPay} whatever the ranks turn out to be (they span at least one
     * value): false for a few updates of one integer key (a teller, a branch), so that no index of such a
     * table is built or searched.
     */
    private static boolean ranksMayPay(DeltaOp[] ops, int[] kinds, int n, int ranked) {
        Row first = null;
        Row last = null;
        for (int i = 0; i < n; i++) {
            if (kinds[i] != KIND_INSERT) {
                last = ops[i].key();
                first = first == null ? last : first;
            }
        }
        if (first.size() != 1 || !(first.get(0) instanceof Long a) || !(last.get(0) instanceof Long b)) {
            return true;
        }
        long keySpan = b - a;
        double keyRange = keySpan < 0 ? 0x1p64 : keySpan + 1.0;
        return ranked * StrictMath.log(keyRange) / StrictMath.log(2) > 64;
    }

    /**
     * Whether ranks beat the key values they stand for. Keys other than one integer always lose to ranks
     * (strings, composites). Integer keys gain the bits by which the span of the ranks is narrower than the
     * span of the keys: nothing where the receiver holds most of the key range (one shard, dense ids), log2(S)
     * bits a key for dense ids spread over S shards: about log2(key span / rank span) per ranked key. Below a
     * 64-bit gain the extra column header (when the section's inserts keep a key column) can cost more, so the
     * keys travel as values. Only the sorted section's first and last ranked keys: cheap.
     */
    private static boolean ranksPay(Row firstKey, Row lastKey, long[] ranks) {
        if (firstKey.size() != 1 || !(firstKey.get(0) instanceof Long first) || !(lastKey.get(0) instanceof Long last)) {
            return true;
        }
        long keySpan = last - first; // sorted, so >= 0 unless the span passes 2^63
        double keyRange = keySpan < 0 ? 0x1p64 : keySpan + 1.0;
        double rankRange = ranks[ranks.length - 1] - ranks[0] + 1.0;
        // StrictMath: the same answer on every JVM, so the same bytes (as the integer columns' cost model).
        double gainBits = ranks.length * (StrictMath.log(keyRange) - StrictMath.log(rankRange)) / StrictMath.log(2);
        return gainBits > 64;
    }

    /** @param ranks v3 rank-coded held keys ({@link #ranksOf}), or null to write every key as a value */
    private void writeSection(Section s, DeltaOp[] ops, int[] kinds, long[] ranks, boolean sorted) {
        TableSchema schema = s.schema;
        int n = s.n;
        out.writeLongBE(schema.id());
        out.writeVarInt(n);
        int first = kinds[0];
        boolean sameKind = true;
        for (int i = 0; i < n; i++) {
            sameKind &= kinds[i] == first;
        }
        int rankedFlag = ranks != null ? KINDS_RANKED_KEYS : 0;
        if (sameKind) {
            out.writeByte(first | rankedFlag);
        } else {
            out.writeByte(KINDS_EXPLICIT | rankedFlag);
            for (int i = 0; i < n; i++) {
                out.writeByte(kinds[i]);
            }
        }
        int[] keyIdx = schema.keyIndexesShared();
        int[] nonKey = schema.nonKeyIndexesShared();
        int valueKeys = ranks == null ? n : n - ranks.length;
        for (int k = 0; k < keyIdx.length && valueKeys > 0; k++) {
            Object[] v = scratch(n);
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (ranks == null || kinds[i] == KIND_INSERT) {
                    v[m++] = ops[i].key().get(k);
                }
            }
            columns.write(schema.rowSchema().type(keyIdx[k]), v, m, null, column.at(schema.table(), "key", schema.keySchema().name(k)));
        }
        if (ranks != null) {
            columns.writeLongs(ranks, ranks.length); // as an INT64 column of the boxed ranks would be written
        }
        if (s.full > 0) {
            // One pass over the full rows gathers every non-key column: each op -> row -> value array chain is
            // walked once, not once per field (the section's ops are mostly out of L1 by the next field's pass).
            Object[][] v = fieldScratch(nonKey.length, s.full);
            int m = 0;
            for (int i = 0; i < n; i++) {
                int kind = kinds[i];
                if (kind == KIND_INSERT || kind == KIND_REPLACE) {
                    Row r = after(ops[i]);
                    for (int j = 0; j < nonKey.length; j++) {
                        v[j][m] = r.get(nonKey[j]);
                    }
                    m++;
                }
            }
            for (int j = 0; j < nonKey.length; j++) {
                int f = nonKey[j];
                columns.write(schema.rowSchema().type(f), v[j], m, null, column.at(schema.table(), "field", schema.rowSchema().name(f)));
            }
        }
        if (s.updates > 0) {
            int bitmapBytes = (nonKey.length + 7) >>> 3;
            byte[] bitmaps = new byte[s.updates * bitmapBytes];
            List<DeltaOp.Update> updates = new ArrayList<>(s.updates);
            for (int i = 0; i < n; i++) {
                if (kinds[i] == KIND_UPDATE) {
                    DeltaOp.Update u = (DeltaOp.Update) ops[i];
                    int base = updates.size() * bitmapBytes;
                    for (int j = 0; j < nonKey.length; j++) {
                        if (!Row.valueEquals(u.before().get(nonKey[j]), u.after().get(nonKey[j]))) {
                            bitmaps[base + (j >>> 3)] |= (byte) (1 << (j & 7));
                        }
                    }
                    updates.add(u);
                }
            }
            writeBitmaps(bitmaps, bitmapBytes, sorted);
            for (int j = 0; j < nonKey.length; j++) {
                Object[] v = scratch(s.updates);
                Object[] olds = scratchOld;
                int m = 0;
                for (int u = 0; u < updates.size(); u++) {
                    if ((bitmaps[u * bitmapBytes + (j >>> 3)] & (1 << (j & 7))) != 0) {
                        olds[m] = updates.get(u).before().get(nonKey[j]);
                        v[m++] = updates.get(u).after().get(nonKey[j]);
                    }
                }
                if (m > 0) {
                    columns.write(schema.rowSchema().type(nonKey[j]), v, m, olds,
                            column.at(schema.table(), "updated field", schema.rowSchema().name(nonKey[j])));
                }
            }
        }
    }
}
