package io.snapdelta.shard;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.DigestVersion;
import io.snapdelta.digest.RowHasher;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.format.HeldKeyIndex;
import io.snapdelta.format.LocatedOps;
import io.snapdelta.format.RowLookup;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The receiving side of one shard: the held rows and the incrementally maintained digest. Applies
 * {@link DeltaOp}s strictly: an insert of a key already held, or an update/delete whose {@code before}
 * differs from the row held, is a divergence and throws {@link StateDivergenceException} (never silently
 * repaired).
 *
 * <p>Each held row keeps its state-digest entry hash, so replacing or deleting it subtracts the stored hash
 * instead of hashing the old row again: one entry hash per change, not two.
 *
 * <p>The digest version is the one the shard's batches name ({@link #beginBatch}: format v1-v3 state digest v1, v4
 * v2), fixed by the first batch (or the first op applied without one, then the current format's) for the replica's
 * life: a stream whose digest version changes from one batch to the next is rejected, since the lanes held are of
 * the other version.
 *
 * <p>The rows live in an open-addressing table (linear probing, backward-shift deletion) of one
 * {@link Held} object per row that carries the table, key, key hash, row and the four hash lanes inline:
 * one allocation per inserted row instead of five (map node, {@link TableKey}, holder, lanes array) and no
 * allocation per update or delete, which keeps the young collections of a large replica short.
 */
public final class ReplicaShardState implements RowLookup {
    static {
        if (StateDigest.LANES != 4) {
            throw new AssertionError("Held stores exactly four digest lanes");
        }
    }

    /**
     * One held row: its table and key, the row (null once removed, so that a stale {@link #locate} handle is
     * recognised) and its entry hash lanes. The key's hash lives in {@link #hashes} only.
     */
    private static class Held {
        final TableId table;
        final Row key;
        Row row;
        long lane0;
        long lane1;
        long lane2;
        long lane3;

        Held(TableId table, Row key) {
            this.table = table;
            this.key = key;
        }

        /** A held row whose key is one integer field: see {@link IntegerKeyHeld}. */
        static Held of(TableId table, Row key) {
            return key.size() == 1 && key.get(0) instanceof Long v ? new IntegerKeyHeld(table, key, v) : new Held(table, key);
        }

        /** The same table and key (called after a hash match in {@link #hashes}, or on a decoder's handle). */
        boolean holds(TableId t, Row k) {
            return key == k || table.equals(t) && key.equals(k);
        }
    }

    /**
     * A held row whose key is one integer field (the common case), with the key's value inline: building a
     * table's rank index ({@link #buildKeyIndex}) then reads one object per row instead of four (entry, key
     * row, its values, the boxed value). The same 64 bytes as a {@link Held} with an int hash field had.
     */
    private static final class IntegerKeyHeld extends Held {
        final long keyValue;

        IntegerKeyHeld(TableId table, Row key, long keyValue) {
            super(table, key);
            this.keyValue = keyValue;
        }
    }

    private static final int MIN_CAPACITY = 16;

    /**
     * Power-of-two slot array; at most {@link #maxSize()} of its slots are used, so probes stay short.
     * {@link #hashes} holds each used slot's key hash, so that a probe compares ints in one array and
     * dereferences a {@link Held} only on a hash match.
     */
    private Held[] slots = new Held[MIN_CAPACITY];
    private int[] hashes = new int[MIN_CAPACITY];
    /** 32 - log2(capacity): a key's home slot is the top bits of its mixed hash. */
    private int shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    private int size;
    private DigestVersion digestVersion = ShardDeltaState.CURRENT_DIGEST_VERSION;
    /** Whether {@link #digestVersion} is fixed (by a batch, or by an op applied). */
    private boolean versionFixed;
    private StateDigest digest = new StateDigest(digestVersion);
    private RowHasher hasher = new RowHasher(digestVersion);
    private final long[] lanes = new long[StateDigest.LANES];
    /**
     * Ordered indexes of the held keys of the tables that a batch coded keys of by rank (format v3), built on
     * first use from the held rows and kept up to date by every insert and delete after that.
     */
    private final Map<TableId, HeldKeyIndex> keyIndexes = new HashMap<>();

    /** A table's key log is dropped past this many keys (20 bytes each, beside entries of 64 bytes and more). */
    static final int MAX_LOGGED_KEYS = 1 << 20;
    /**
     * Per table without an index, the keys inserted into it, in apply order (a dropped log: not followed, after
     * a key that is not one integer, or a full log). Every row of a replica is inserted through {@link #apply}, so a
     * table holds exactly the logged keys whose entries were not deleted since, and its index is built from
     * the log ({@link #heldKeys}) instead of a scan of every slot (whose entries are cache misses: ~12% of a
     * fresh replica's decode + apply CPU in the bandwidth bench).
     */
    private final Map<TableId, IntegerKeyLog<Held>> keyLogs = new HashMap<>();
    /** The table of the last logged insert and its log (inserts come in runs of one table). */
    private TableId lastLogTable;
    private IntegerKeyLog<Held> lastLog;
    /** Per key of a {@link #locateAll} call, its hash; reused from call to call. */
    private int[] lookupHashes = new int[0];
    /** Per op of the batch being applied, its key's hash ({@link #prepareBatch}); reused from batch to batch. */
    private int[] batchHashes = new int[0];
    /**
     * Sum of the slots {@link #prepareBatch} and {@link #locateAll} read ahead; kept so that the reads are not
     * optimised away.
     */
    private long touched;
    /** A logged key still counts while its entry is held (a re-inserted key has a new entry). */
    private static final java.util.function.Predicate<Held> STILL_HELD = h -> h.row != null;

    /**
     * Fibonacci hashing: the top bits of the hash times 2^32/phi. Because the home slot is taken from the
     * top bits, doubling the table sends slot i to 2i or 2i+1, so {@link #resize} writes the new table
     * almost in order instead of scattering cache misses over it.
     */

    private int maxSize() {
        return slots.length - (slots.length >>> 2) - (slots.length >>> 3); // 5/8 of the slots
    }

    private Held find(TableId table, Row key, int hash) {
        Held[] s = slots;
        int[] hs = hashes;
        int mask = s.length - 1;
        for (int i = OpenSlots.homeOf(hash, shift); ; i = (i + 1) & mask) {
            Held h = s[i];
            if (h == null || hs[i] == hash && h.holds(table, key)) {
                return h;
            }
        }
    }

    @Override
    public Row get(TableId table, Row key) {
        Held h = find(table, key, TableKey.hashOf(table, key));
        return h == null ? null : h.row;
    }

    /** This replica's handle of a held row is its {@link Held} entry, which {@link #applyAll} applies through. */
    @Override
    public Object locate(TableId table, Row key) {
        return find(table, key, TableKey.hashOf(table, key));
    }

    /**
     * Finds the keys in two passes over all of them: first each key's hash and a read of its home slot, then
     * the probes. On a large replica the home slots are cache misses (random slots of a table far larger than
     * the cache), and in the first short loop those of consecutive keys overlap.
     */
    @Override
    public void locateAll(TableId table, Row[] keys, int n, Object[] handles) {
        int[] keyHashes = lookupHashes;
        if (keyHashes.length < n) {
            keyHashes = lookupHashes = new int[Math.max(n, 2 * keyHashes.length)];
        }
        Held[] s = slots;
        int[] hs = hashes;
        int tableHash = table.hashCode();
        long sum = 0;
        for (int j = 0; j < n; j++) {
            Row key = keys[j];
            if (key != null) {
                int hash = TableKey.hashOf(tableHash, key);
                keyHashes[j] = hash;
                int home = OpenSlots.homeOf(hash, shift);
                sum += hs[home] + (s[home] == null ? 0 : 1);
            }
        }
        touched += sum;
        for (int j = 0; j < n; j++) {
            Row key = keys[j];
            if (key != null) {
                handles[j] = find(table, key, keyHashes[j]);
            }
        }
    }

    @Override
    public Row rowOf(Object handle) {
        return ((Held) handle).row;
    }

    /** The held keys of {@code table} in order (built on first use: O(held rows) once per table). */
    @Override
    public HeldKeyIndex heldKeys(TableId table) {
        HeldKeyIndex index = keyIndexes.get(table);
        if (index == null) {
            IntegerKeyLog<Held> log = keyLogs.remove(table);
            forgetLastLog();
            if (log == null) {
                index = HeldKeyIndex.of(java.util.List.of()); // never given a row
            } else if (log.dropped()) {
                index = buildKeyIndex(table);
            } else {
                log.retain(STILL_HELD);
                index = log.toIndex();
            }
            keyIndexes.put(table, index);
        }
        return index;
    }

    /** The index built from the scan of every slot, however the table's rows came (for tests). */
    HeldKeyIndex scannedKeyIndex(TableId table) {
        return buildKeyIndex(table);
    }

    private void forgetLastLog() {
        lastLogTable = null;
        lastLog = null;
    }

    /** Logs an inserted key of a table without an index, or drops the table's log. */
    private void logInsert(TableId table, Row key, Held held) {
        IntegerKeyLog<Held> log;
        if (table == lastLogTable) {
            log = lastLog;
        } else {
            log = keyLogs.computeIfAbsent(table, t -> new IntegerKeyLog<>(MAX_LOGGED_KEYS));
            lastLogTable = table;
            lastLog = log;
        }
        if (!(held instanceof IntegerKeyHeld ih) || !log.add(ih.keyValue, key, held)) {
            log.drop(); // the table's index will be built from a scan
        }
    }

    /**
     * One pass over the slots into arrays sized for every held row: keys of one integer field (the common
     * case) are collected with their values (kept inline in the entry, so the keys themselves are not read),
     * so the index sorts primitives without a second pass or boxing; any other key shape falls back to the
     * general build.
     */
    private HeldKeyIndex buildKeyIndex(TableId table) {
        Row[] keys = new Row[size];
        long[] values = new long[size];
        int n = 0;
        boolean integers = true;
        for (Held h : slots) {
            if (h != null && (h.table == table || h.table.equals(table))) {
                keys[n] = h.key;
                if (integers) {
                    if (h instanceof IntegerKeyHeld ih) {
                        values[n] = ih.keyValue;
                    } else {
                        integers = false;
                    }
                }
                n++;
            }
        }
        return integers ? HeldKeyIndex.ofIntegerKeys(values, keys, n)
                : HeldKeyIndex.of(java.util.Arrays.asList(keys).subList(0, n));
    }

    /**
     * Before applying batch {@code sequence} of {@code shard}: the digest version it carries
     * ({@link io.snapdelta.format.BatchHeader#digestVersion()}). The first batch fixes the replica's version; a later
     * batch naming another one is a {@link StateDivergenceException} naming the shard and sequence.
     */
    public void beginBatch(int shard, long sequence, DigestVersion version) {
        if (version == digestVersion) {
            versionFixed = true;
            return;
        }
        if (versionFixed || size != 0) {
            throw new StateDivergenceException("shard " + Integer.toUnsignedString(shard) + " batch " + sequence + " carries state digest "
                    + version + " but the shard's earlier batches carried " + digestVersion
                    + ": a shard's digest version is fixed for its life (format v1-v3: v1, v4: v2)");
        }
        digestVersion = version;
        digest = new StateDigest(version);
        hasher = new RowHasher(version);
        versionFixed = true;
    }

    /** The digest version the replica hashes with. */
    public DigestVersion digestVersion() {
        return digestVersion;
    }

    public void apply(DeltaOp op) {
        apply(op, null, TableKey.hashOf(op.table(), op.key()));
    }

    /**
     * @param handle this replica's {@link #locate} handle of the op's key, found before the op's batch was
     *     decoded, or null: used only while it is still held and holds the op's key, else the row is found
     * @param hash the op's {@link TableKey#hashOf} when {@code handle} is null (else unused: an op applied through
     *     its handle needs no hash, and one whose handle went stale hashes its key here)
     */
    private void apply(DeltaOp op, Held handle, int hash) {
        versionFixed = true;
        TableId table = op.table();
        Row key = op.key();
        if (op instanceof DeltaOp.Insert ins) {
            insert(table, key, handle == null ? hash : TableKey.hashOf(table, key), ins.after());
            return;
        }
        Held held = handle != null && handle.row != null && handle.holds(table, key) ? handle
                : find(table, key, handle == null ? hash : TableKey.hashOf(table, key));
        if (op instanceof DeltaOp.Update upd) {
            if (held == null || !held.row.equals(upd.before())) {
                throw new StateDivergenceException("update of " + table + " key " + key + " expects "
                        + upd.before() + " but holds " + (held == null ? null : held.row));
            }
            subtract(held);
            hasher.hashEntry(table, key, upd.after(), lanes);
            digest.addLanes(lanes);
            held.row = upd.after();
            store(held);
        } else if (op instanceof DeltaOp.Delete del) {
            if (held == null || !held.row.equals(del.before())) {
                throw new StateDivergenceException("delete of " + table + " key " + key + " expects "
                        + del.before() + " but holds " + (held == null ? null : held.row));
            }
            remove(held);
            subtract(held);
            held.row = null;
            HeldKeyIndex index = keyIndexes.isEmpty() ? null : keyIndexes.get(table);
            if (index != null) {
                index.remove(held.key);
            } else {
                IntegerKeyLog<Held> log = keyLogs.get(table);
                if (log != null) {
                    log.staled(STILL_HELD);
                }
            }
        } else {
            throw new IllegalArgumentException("unknown delta op " + op.getClass().getName());
        }
    }

    private void insert(TableId table, Row key, int hash, Row after) {
        Held[] s = slots;
        int[] hs = hashes;
        int mask = s.length - 1;
        int i = OpenSlots.homeOf(hash, shift);
        for (Held h; (h = s[i]) != null; i = (i + 1) & mask) {
            if (hs[i] == hash && h.holds(table, key)) {
                throw new StateDivergenceException("insert of " + table + " key " + key + " which is already held as " + h.row);
            }
        }
        Held held = Held.of(table, key);
        held.row = after;
        hasher.hashEntry(table, key, after, lanes);
        digest.addLanes(lanes);
        store(held);
        s[i] = held;
        hs[i] = hash;
        HeldKeyIndex index = keyIndexes.isEmpty() ? null : keyIndexes.get(table);
        if (index != null) {
            index.add(key);
        } else {
            logInsert(table, key, held);
        }
        if (++size > maxSize()) {
            resize();
        }
    }

    /** Copies the last computed entry hash into the held row. */
    private void store(Held h) {
        h.lane0 = lanes[0];
        h.lane1 = lanes[1];
        h.lane2 = lanes[2];
        h.lane3 = lanes[3];
    }

    private void subtract(Held h) {
        lanes[0] = h.lane0;
        lanes[1] = h.lane1;
        lanes[2] = h.lane2;
        lanes[3] = h.lane3;
        digest.subtractLanes(lanes);
    }

    /** Removes a held row ({@link OpenSlots#removeAt}). */
    private void remove(Held held) {
        int mask = slots.length - 1;
        int gap = OpenSlots.homeOf(TableKey.hashOf(held.table, held.key), shift);
        while (slots[gap] != held) {
            gap = (gap + 1) & mask;
        }
        OpenSlots.removeAt(slots, hashes, shift, gap);
        size--;
    }

    /**
     * Doubles the table. The rows move in a loop of its own rather than {@link OpenSlots#rehash}: there the new
     * array is an {@code Object[]} parameter whose element type the JIT does not know, so every move checks the
     * moved entry's class against it, a read of the entry's header, which is a cache miss per held row on a
     * table last touched batches ago (~2.5x the time of this loop, where the array is a {@code Held[]} allocated
     * right here, so the check is dropped and the entries are not read).
     */
    private void resize() {
        int capacity = slots.length * 2;
        Held[] to = new Held[capacity];
        int[] toHashes = new int[capacity];
        Held[] from = slots;
        int[] fromHashes = hashes;
        int mask = capacity - 1;
        int toShift = shift - 1;
        for (int j = 0; j < from.length; j++) {
            Held h = from[j];
            if (h != null) {
                int hash = fromHashes[j];
                int i = OpenSlots.homeOf(hash, toShift);
                while (to[i] != null) {
                    i = (i + 1) & mask;
                }
                to[i] = h;
                toHashes[i] = hash;
            }
        }
        slots = to;
        hashes = toHashes;
        shift = toShift;
    }

    /**
     * Applies the ops in order. Ops this replica decoded a batch into ({@link LocatedOps} whose lookup is this
     * replica) carry the entries the decoder found for their updates and deletes, which are applied through
     * them: one probe of the table per op instead of two.
     */
    public void applyAll(Iterable<? extends DeltaOp> ops) {
        if (ops instanceof LocatedOps located && located.lookup() == this) {
            int n = located.size();
            int[] keyHashes = prepareBatch(located, n);
            for (int i = 0; i < n; i++) {
                apply(located.get(i), (Held) located.handle(i), keyHashes[i]);
            }
            return;
        }
        for (DeltaOp op : ops) {
            apply(op);
        }
    }

    /**
     * Before a decoded batch is applied: hashes the key of each op without a handle (an op with one is applied
     * through it, so its key row is not touched here), grows the table once for all the batch's inserts, and
     * reads the home slot of every op that will probe (inserts, and updates and deletes without a handle). On a large replica each such probe is a cache miss (a random slot of a table far larger than the
     * cache); in this short loop the misses of consecutive ops overlap, where between the hashing of whole
     * entries they are taken one after the other.
     *
     * @return per op without a handle, its key's hash (valid for the first {@code n} entries)
     */
    private int[] prepareBatch(LocatedOps ops, int n) {
        int[] keyHashes = batchHashes;
        if (keyHashes.length < n) {
            keyHashes = batchHashes = new int[Math.max(n, 2 * keyHashes.length)];
        }
        int inserts = 0;
        TableId lastTable = null; // ops come in runs of one table: its hashCode once per run
        int tableHash = 0;
        for (int i = 0; i < n; i++) {
            DeltaOp op = ops.get(i);
            if (op instanceof DeltaOp.Insert) {
                inserts++;
            }
            if (ops.handle(i) == null) {
                TableId table = op.table();
                if (table != lastTable) {
                    lastTable = table;
                    tableHash = table.hashCode();
                }
                keyHashes[i] = TableKey.hashOf(tableHash, op.key());
            }
        }
        while (size + inserts > maxSize()) {
            resize();
        }
        Held[] s = slots;
        int[] hs = hashes;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (ops.handle(i) == null) {
                int home = OpenSlots.homeOf(keyHashes[i], shift);
                sum += hs[home] + (s[home] == null ? 0 : 1);
            }
        }
        touched += sum;
        return keyHashes;
    }

    public StateDigest digest() {
        return digest.copy();
    }

    /** The digest recomputed from every held row, without the stored hashes (O(state); for verification). */
    public StateDigest recomputeDigest() {
        StateDigest d = new StateDigest(digestVersion);
        for (Held h : slots) {
            if (h != null) {
                d.add(h.table, h.key, h.row);
            }
        }
        return d;
    }

    public int size() {
        return size;
    }

    public void forEach(BiConsumer<TableKey, Row> visitor) {
        for (Held h : slots) {
            if (h != null) {
                visitor.accept(new TableKey(h.table, h.key), h.row);
            }
        }
    }

    /** A snapshot copy of the held rows (O(state); for verification and export). */
    public Map<TableKey, Row> rows() {
        Map<TableKey, Row> copy = new HashMap<>(size * 4 / 3 + 1);
        forEach(copy::put);
        return java.util.Collections.unmodifiableMap(copy);
    }
}
