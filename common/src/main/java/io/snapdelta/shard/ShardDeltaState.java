package io.snapdelta.shard;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.ShardOptions;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.DigestVersion;
import io.snapdelta.digest.RowHasher;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowOrder;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The per-shard producer logic, Flink-free: version-aware dedup, version tombstones, field-level diff
 * against the stored row, coalescing inside the open batch, sealing after N source changes, and the
 * shard's state digest. The Flink operator wraps it over RocksDB; the bandwidth benchmark drives it
 * over a heap store. One instance per shard, driven by one thread.
 *
 * <p>Rules (each has a test in {@code ShardDeltaStateTest}):
 * <ul>
 *   <li>An event whose version is {@code <=} the version stored for its key (live or tombstone) is dropped
 *       and counted: equal → duplicate, lower → stale.</li>
 *   <li>Every accepted event's row is a full image and replaces the stored one (snapshot reads, inserts
 *       and updates are upserts); a delete leaves a tombstone with its version, cleaned once the source
 *       time has advanced past the delete by the tombstone retention.</li>
 *   <li>An accepted event that leaves the row as it was is a counted no-op: nothing travels.</li>
 *   <li>Within the open batch each key travels as its net effect from the batch's start to its end:
 *       absent→absent nothing, absent→row insert, row→absent delete, row→other row update (the receiver
 *       diffs the fields), row→same row nothing.</li>
 * </ul>
 */
public final class ShardDeltaState {
    private final int shard;
    private final ShardStateStore store;
    /**
     * The store when it is the heap store, which marks the keys the open batch touched in the slots its look-up
     * loads ({@link InMemoryShardStateStore#markLast}): then a change finds its key's {@link Touched} without a
     * probe of {@link #touchedSlots}, which stays empty. Null for other stores.
     */
    private final InMemoryShardStateStore markingStore;
    /** Whether the open batch marks its keys in {@link #markingStore} (not a batch restored from a checkpoint). */
    private boolean marking;
    /** The open batch's mark epoch: marks of earlier batches are stale. */
    private int markEpoch = 1;
    /** Keys a batch marks at most (the marks' numbers); a larger batch finds the rest in {@link #touchedSlots}. Tests lower it. */
    int markableKeys = 1 << InMemoryShardStateStore.MARK_BITS;
    private final int batchMaxChanges;
    private final long tombstoneRetentionMicros;
    /**
     * The shard's state digest version, fixed for its life ({@link #useDigestVersion}, {@link #restore}): the digest's
     * lanes and the entry hashes stored with the rows are of this version. A new shard takes the current format's
     * (state digest v2); a shard restored from a checkpoint written before v2 existed keeps v1.
     */
    private DigestVersion digestVersion = CURRENT_DIGEST_VERSION;
    private StateDigest digest = new StateDigest(digestVersion);
    private RowHasher hasher = new RowHasher(digestVersion);
    /** The digest version of the current delta batch format ({@link io.snapdelta.format.BatchLayout#CURRENT_FORMAT_VERSION}). */
    public static final DigestVersion CURRENT_DIGEST_VERSION =
            io.snapdelta.format.BatchLayout.digestVersion(io.snapdelta.format.BatchLayout.CURRENT_FORMAT_VERSION);
    /** Entry hash lanes on their way into a {@link StoredEntry} or the digest (entries copy them). */
    private final long[] laneScratch = new long[StateDigest.LANES];
    private final ShardCounters counters = new ShardCounters();

    /**
     * Keys touched by the open batch, with the row each held when the batch opened and the row it holds
     * now, so that sealing needs no store lookup (a store read can be a RocksDB get and a decode); in the
     * order the batch first touched them: nearly sorted for scans, so sealing sorts fast.
     */
    private final List<Touched> openTouchedOrder = new ArrayList<>();
    /**
     * The same keys as an open-addressing set by (table, key) ({@link OpenSlots} probing; no deletions, emptied
     * at seal): a change allocates no map key or node, and a single integer key compares by its cached value.
     */
    private Touched[] touchedSlots = new Touched[64];
    private int[] touchedHashes = new int[64];
    private int touchedShift = 32 - 6;
    private final List<DeltaOp> openStream = new ArrayList<>();
    /** Touched keys whose row waits to be hashed ({@link Touched#unhashed}; skipped if null by then). */
    private final List<Touched> unhashedKeys = new ArrayList<>();
    private StateDigest openDigestBefore = new StateDigest(digestVersion);
    private long openChanges;
    private long openApplied;
    private Version openFirst;
    private Version openLast;
    private long nextSequence;
    private long maxSourceMicros = Long.MIN_VALUE;
    private long lastPurgeMicros = Long.MIN_VALUE;

    /**
     * A key the open batch touched: its row when the batch opened, and its row now (if known). Reused from
     * {@link #touchedPool} batch after batch (set by {@link #reset}, emptied at seal): no object per touched
     * key, and a batch's entries sit where the previous batch's were instead of scattered among the events'
     * garbage, which matters because sealing reads them all thousands of events after they were written.
     */
    private static final class Touched {
        TableId table;
        Row key;
        /** {@link TableKey#hashCode()} of (table, key). */
        int hash;
        RowSchema keySchema;
        Row start;
        /** The single integer key's value, when {@link #longKey}: sealing sorts on it without reading the key row. */
        long sortKey;
        boolean longKey;
        Row end;
        /** False only for keys of a restored open batch until they are touched again: read the store at seal. */
        boolean endKnown;
        /**
         * The stream op of a key the batch touched exactly once (and not before a restore): its net effect is
         * that op, so the coalesced body reuses the object (no second op, and equal bodies compare by identity).
         */
        DeltaOp onlyOp;
        /**
         * The entry this batch stored for the key without its entry hash, whose row the digest does not hold yet
         * ({@link #hashUnhashedRows}); null when the digest holds the key's row (or it has none).
         */
        StoredEntry unhashed;

        Touched reset(TableId table, Row key, int hash, Row start) {
            this.table = table;
            this.key = key;
            this.hash = hash;
            this.keySchema = key.schema();
            this.start = start;
            if (key.size() == 1 && key.get(0) instanceof Long v) {
                this.sortKey = v;
                this.longKey = true;
            } else {
                this.sortKey = 0;
                this.longKey = false;
            }
            this.end = null;
            this.endKnown = false;
            this.onlyOp = null;
            this.unhashed = null;
            return this;
        }

        /** Drops the references to the batch's rows and ops once it is sealed (they need not outlive it). */
        void clear() {
            table = null;
            key = null;
            keySchema = null;
            start = null;
            end = null;
            onlyOp = null;
            unhashed = null;
        }
    }

    /** Touched entries to reuse; the first {@code openTouchedOrder.size()} are in use by the open batch. */
    private Touched[] touchedPool = new Touched[0];

    /** The next free pooled entry, set to (table, key) with its batch-start row. */
    private Touched newTouched(TableId table, Row key, int hash, Row start) {
        int used = openTouchedOrder.size();
        if (used == touchedPool.length) {
            touchedPool = java.util.Arrays.copyOf(touchedPool, Math.max(64, used * 2));
            for (int i = used; i < touchedPool.length; i++) {
                touchedPool[i] = new Touched();
            }
        }
        return touchedPool[used].reset(table, key, hash, start);
    }

    /**
     * {@link TableKey#ORDER} on touched keys, comparing two single integer keys of one table by their cached
     * values: a batch's sort then reads each key row once instead of at every comparison.
     */
    private static final Comparator<Touched> TOUCHED_ORDER = (a, b) -> {
        if (a.longKey && b.longKey && a.table == b.table) {
            return Long.compare(a.sortKey, b.sortKey);
        }
        int c = a.table.compareTo(b.table);
        return c != 0 ? c : RowOrder.INSTANCE.compare(a.key, b.key); // TableKey.ORDER
    };

    /** Scratch of {@link #sortTouched}: per touched key its table's group, the keys of each group, the result. */
    private int[] sortGroup = new int[0];
    private long[] sortKeys = new long[0];
    private Touched[] sortOut = new Touched[0];
    private static final int MAX_SORT_GROUPS = 8;

    /**
     * Sorts {@link #openTouchedOrder} by {@link #TOUCHED_ORDER}. Already sorted (snapshot scans, keys from a
     * sequence): one linear check. When every key is a single integer and each table is one object with one
     * key schema (the usual case), the keys are unique per table, so each table's keys are sorted as a
     * {@code long[]} and every entry placed by binary search: each entry is read once, not at every
     * comparison (they are scattered in memory, and the comparisons were cache misses). Otherwise a stable
     * comparison sort. All three give the same order: there are no ties.
     */
    private void sortTouched() {
        List<Touched> order = openTouchedOrder;
        int n = order.size();
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = TOUCHED_ORDER.compare(order.get(i - 1), order.get(i)) <= 0;
        }
        if (sorted) {
            return;
        }
        TableId[] tables = new TableId[MAX_SORT_GROUPS];
        RowSchema[] schemas = new RowSchema[MAX_SORT_GROUPS];
        int[] counts = new int[MAX_SORT_GROUPS];
        int groups = 0;
        if (sortGroup.length < n) {
            sortGroup = new int[n * 2];
            sortKeys = new long[n * 2];
            sortOut = new Touched[n * 2];
        }
        int[] groupOf = sortGroup;
        for (int i = 0; i < n; i++) {
            Touched t = order.get(i);
            int g = 0;
            while (g < groups && tables[g] != t.table) {
                g++;
            }
            if (g == groups) {
                if (groups == MAX_SORT_GROUPS) {
                    order.sort(TOUCHED_ORDER);
                    return;
                }
                for (int h = 0; h < groups; h++) {
                    if (tables[h].equals(t.table)) {
                        order.sort(TOUCHED_ORDER); // one table as two objects: their keys interleave
                        return;
                    }
                }
                tables[g] = t.table;
                schemas[g] = t.keySchema;
                groups++;
            }
            if (!t.longKey || schemas[g] != t.keySchema) {
                order.sort(TOUCHED_ORDER);
                return;
            }
            groupOf[i] = g;
            counts[g]++;
        }
        // Groups in table order; each group's keys at [from[g], from[g] + counts[g]) of sortKeys and the result.
        Integer[] byTable = new Integer[groups];
        for (int g = 0; g < groups; g++) {
            byTable[g] = g;
        }
        java.util.Arrays.sort(byTable, (a, b) -> tables[a].compareTo(tables[b]));
        int[] from = new int[groups];
        int[] fill = new int[groups];
        for (int r = 0, at = 0; r < groups; r++) {
            int g = byTable[r];
            from[g] = at;
            fill[g] = at;
            at += counts[g];
        }
        long[] keys = sortKeys;
        for (int i = 0; i < n; i++) {
            keys[fill[groupOf[i]]++] = order.get(i).sortKey;
        }
        for (int g = 0; g < groups; g++) {
            java.util.Arrays.sort(keys, from[g], from[g] + counts[g]);
        }
        Touched[] out = sortOut;
        for (int i = 0; i < n; i++) {
            Touched t = order.get(i);
            int g = groupOf[i];
            out[java.util.Arrays.binarySearch(keys, from[g], from[g] + counts[g], t.sortKey)] = t;
        }
        for (int i = 0; i < n; i++) {
            order.set(i, out[i]);
            out[i] = null;
        }
    }

    /** The touched entry of (table, key), or null. */
    private Touched findTouched(TableId table, Row key, int hash) {
        Touched[] slots = touchedSlots;
        int[] hashes = touchedHashes;
        int mask = slots.length - 1;
        RowSchema keySchema = key.schema();
        boolean longKey = key.size() == 1 && key.get(0) instanceof Long;
        long value = longKey ? (Long) key.get(0) : 0;
        for (int i = OpenSlots.homeOf(hash, touchedShift); slots[i] != null; i = (i + 1) & mask) {
            Touched t = slots[i];
            if (hashes[i] != hash || !(t.table == table || t.table.equals(table))) {
                continue;
            }
            if (longKey && t.longKey && t.keySchema == keySchema ? t.sortKey == value : t.key == key || t.key.equals(key)) {
                return t;
            }
        }
        return null;
    }

    /** Adds a key not touched yet to the set and to the first-touch order. */
    private void addTouched(Touched t) {
        openTouchedOrder.add(t);
        indexTouched(t);
    }

    /** Enters a key of {@link #openTouchedOrder} into {@link #touchedSlots}. */
    private void indexTouched(Touched t) {
        if (openTouchedOrder.size() > touchedSlots.length - (touchedSlots.length >>> 2) - (touchedSlots.length >>> 3)) {
            Touched[] slots = new Touched[touchedSlots.length * 2];
            int[] hashes = new int[slots.length];
            OpenSlots.rehash(touchedSlots, touchedHashes, slots, hashes, touchedShift - 1);
            touchedSlots = slots;
            touchedHashes = hashes;
            touchedShift--;
        }
        int mask = touchedSlots.length - 1;
        int i = OpenSlots.homeOf(t.hash, touchedShift);
        while (touchedSlots[i] != null) {
            i = (i + 1) & mask;
        }
        touchedSlots[i] = t;
        touchedHashes[i] = t.hash;
    }

    public ShardDeltaState(int shard, ShardStateStore store, int batchMaxChanges, Duration tombstoneRetention) {
        if (batchMaxChanges < 1) {
            throw new IllegalArgumentException("batchMaxChanges must be >= 1, got " + batchMaxChanges);
        }
        this.shard = shard;
        this.store = Objects.requireNonNull(store, "store");
        this.markingStore = store instanceof InMemoryShardStateStore m ? m : null;
        this.marking = markingStore != null;
        this.batchMaxChanges = batchMaxChanges;
        this.tombstoneRetentionMicros = tombstoneRetention.toNanos() / 1000;
    }

    /**
     * What a shard carries across a restart besides its rows and its open batch: the next sequence, the
     * digest (of the state including the open batch's changes), the source clock of tombstone clean-up, and
     * the counters (including the open batch's events). The rows themselves live in the
     * {@link ShardStateStore}, which the caller checkpoints at the same moment, and already hold the open
     * batch's changes; the open batch itself is {@link #openBatch()}.
     */
    public record Progress(long nextSequence, StateDigest digest, long maxSourceMicros, long lastPurgeMicros,
                           long[] counters) {
        public Progress {
            digest = digest.copy();
            counters = counters.clone();
        }
    }

    /** A touched key's row when the open batch opened ({@code row == null}: absent or a tombstone). */
    public record StartRow(TableKey key, Row row) {
        public StartRow {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * The open (unsealed) batch, to checkpoint with {@link Progress} and the rows so that a checkpoint need
     * not seal it: restored with {@link #restoreOpenBatch}, the batch seals to the same bytes as if the run
     * had not been interrupted. Serialized by {@link OpenBatchCodec}.
     *
     * @param sourceChanges source changes the batch has taken (dropped ones included), at least 1
     * @param firstVersion lowest accepted version, or null if every event so far was dropped
     * @param lastVersion highest accepted version, or null with {@code firstVersion}
     * @param digestBefore the shard's digest when the batch opened
     * @param startRows each key an applied change touched, with its row when the batch opened, in
     *     {@link TableKey#ORDER}
     * @param stream the applied changes in arrival order (the stream-ordered body)
     */
    public record OpenBatch(long sourceChanges, Version firstVersion, Version lastVersion, StateDigest digestBefore,
                            List<StartRow> startRows, List<DeltaOp> stream) {
        public OpenBatch {
            if (sourceChanges < 1) {
                throw new IllegalArgumentException("an open batch has taken at least one source change, got " + sourceChanges);
            }
            if ((firstVersion == null) != (lastVersion == null)) {
                throw new IllegalArgumentException("first and last version are both set or both absent");
            }
            if (firstVersion == null && !stream.isEmpty()) {
                throw new IllegalArgumentException("an open batch with applied changes has a version range");
            }
            digestBefore = digestBefore.copy();
            startRows = List.copyOf(startRows);
            stream = List.copyOf(stream);
        }
    }

    /** The progress to checkpoint (with {@link #openBatch()} if a batch is open). */
    public Progress progress() {
        hashUnhashedRows();
        return new Progress(nextSequence, digest, maxSourceMicros, lastPurgeMicros, counters.toArray());
    }

    /**
     * Continues from a checkpointed {@link Progress}; {@code store} must hold the rows of the same checkpoint. The
     * shard continues with the checkpoint's digest version (its stored entry hashes are of that version).
     */
    public void restore(Progress p) {
        if (openChanges != 0 || counters.sourceChanges != 0) {
            throw new IllegalStateException("shard " + shard + " can only be restored before it takes a change");
        }
        switchDigestVersion(p.digest().version());
        nextSequence = p.nextSequence();
        digest.setTo(p.digest());
        openDigestBefore = p.digest().copy();
        maxSourceMicros = p.maxSourceMicros();
        lastPurgeMicros = p.lastPurgeMicros();
        counters.setFrom(p.counters());
    }

    /** The open batch, or {@code null} if no batch is open (nothing taken since the last seal). */
    public OpenBatch openBatch() {
        if (openChanges == 0) {
            return null;
        }
        List<StartRow> start = new ArrayList<>(openTouchedOrder.size());
        for (Touched t : openTouchedOrder) {
            start.add(new StartRow(new TableKey(t.table, t.key), t.start));
        }
        start.sort((a, b) -> TableKey.ORDER.compare(a.key(), b.key()));
        return new OpenBatch(openChanges, openFirst, openLast, openDigestBefore, start, openStream);
    }

    /**
     * Reopens a checkpointed open batch, after {@link #restore(Progress)} of the same checkpoint and before
     * any change; {@code null} (the checkpoint held none) leaves no batch open.
     */
    public void restoreOpenBatch(OpenBatch b) {
        if (openChanges != 0 || !openStream.isEmpty()) {
            throw new IllegalStateException("shard " + shard + " already has an open batch");
        }
        if (b == null) {
            return;
        }
        openChanges = b.sourceChanges();
        openApplied = b.stream().size();
        openFirst = b.firstVersion();
        openLast = b.lastVersion();
        // the codec reads digests without their version: the shard's is the checkpoint's (restored just before)
        openDigestBefore = StateDigest.fromBytes(b.digestBefore().toBytes(), 0, digestVersion);
        marking = false; // the restored keys are not marked: this batch finds its keys in touchedSlots
        for (StartRow r : b.startRows()) {
            TableKey k = r.key();
            addTouched(newTouched(k.table(), k.key(), k.hashCode(), r.row()));
        }
        openStream.addAll(b.stream());
    }

    public static ShardDeltaState fromConfig(int shard, ShardStateStore store, Configuration config) {
        return new ShardDeltaState(shard, store, config.get(ShardOptions.BATCH_MAX_CHANGES),
                config.get(ShardOptions.TOMBSTONE_RETENTION));
    }

    /**
     * Takes one source change. Returns the sealed batch if this change filled the open batch, else
     * {@code null}.
     */
    public ShardBatch apply(ChangeEvent e) {
        counters.sourceChanges++;
        openChanges++;
        switch (e.op()) {
            case SNAPSHOT_READ -> counters.snapshotReads++;
            case INSERT -> counters.inserts++;
            case UPDATE -> counters.updates++;
            case DELETE -> counters.deletes++;
            default -> throw new IllegalStateException("unhandled op " + e.op());
        }
        maxSourceMicros = Math.max(maxSourceMicros, e.sourceTimestampMicros());
        applyToState(e);
        return openChanges >= batchMaxChanges ? seal() : null;
    }

    private void applyToState(ChangeEvent e) {
        TableId table = e.table();
        Row key = e.key();
        StoredEntry stored = store.get(table, key);
        if (stored != null) {
            int c = stored.compareVersion(e.version());
            if (c == 0) {
                counters.duplicatesDropped++;
                return;
            }
            if (c < 0) {
                counters.staleDropped++;
                return;
            }
        }
        if (openFirst == null || e.version().compareTo(openFirst) < 0) {
            openFirst = e.version();
        }
        if (openLast == null || e.version().compareTo(openLast) > 0) {
            openLast = e.version();
        }
        Row old = stored == null ? null : stored.row();
        Row next = e.op() == ChangeOp.DELETE ? null : e.after();
        int hash;
        Touched touched;
        if (marking) {
            hash = 0; // unused: the keys are found by their marks
            int mark = markingStore.lastMark(markEpoch);
            touched = mark < 0 ? null : openTouchedOrder.get(mark);
        } else {
            hash = TableKey.hashOf(table, key);
            touched = findTouched(table, key, hash);
        }
        if (next == null) {
            StoredEntry tombstone = StoredEntry.tombstone(e.version(), e.sourceTimestampMicros());
            store.put(table, key, tombstone);
            if (old == null) {
                counters.deletesOfAbsentKeys++;
                return;
            }
            if (touched != null && touched.unhashed != null) {
                touched.unhashed = null; // the digest never held the deleted row's hash
            } else {
                subtractHash(table, key, stored);
            }
        } else if (touched != null && touched.endKnown) {
            // A key the open batch has already changed: its row is not hashed until the batch is sealed (or the
            // digest read), so a key changed k times in a batch is hashed once, not k times. The row it holds is
            // the one this batch put there, recently read, so a no-op is found by comparing the rows.
            if (old != null && next.equals(old)) {
                StoredEntry same = stored.withVersion(e.version());
                store.put(table, key, same);
                if (touched.unhashed != null) {
                    touched.unhashed = same;
                }
                counters.noopUpdates++;
                return;
            }
            StoredEntry entry = StoredEntry.live(e.version(), next);
            store.put(table, key, entry);
            if (touched.unhashed == null) {
                if (old != null) {
                    subtractHash(table, key, stored);
                }
                unhashedKeys.add(touched);
            }
            touched.unhashed = entry;
        } else {
            // The new row is hashed first: equal rows have equal entry hashes, so where the old entry's cached
            // hash differs the rows differ without reading the old row (cold: it was stored many changes ago;
            // comparing it was ~3% of the bench's encode CPU). Rows are compared only when the hashes match
            // (a no-op update) or the entry keeps no hash.
            hasher.hashEntry(table, key, next, laneScratch);
            if (old != null && (!stored.hasEntryHash() || stored.entryHashEquals(laneScratch)) && next.equals(old)) {
                // Keep the cached hash: the row is the same.
                store.put(table, key, stored.withVersion(e.version()));
                counters.noopUpdates++;
                return;
            }
            store.put(table, key, StoredEntry.live(e.version(), next, laneScratch));
            digest.addLanes(laneScratch);
            if (old != null) {
                subtractHash(table, key, stored);
            }
        }
        counters.appliedChanges++;
        openApplied++;
        DeltaOp op;
        if (old == null) {
            op = new DeltaOp.Insert(table, key, next);
        } else if (next == null) {
            op = new DeltaOp.Delete(table, key, old);
        } else {
            op = new DeltaOp.Update(table, key, old, next);
        }
        openStream.add(op);
        if (touched == null) {
            touched = newTouched(table, key, hash, old);
            touched.onlyOp = op;
            if (marking && openTouchedOrder.size() < markableKeys) {
                markingStore.markLast(markEpoch, openTouchedOrder.size()); // the store's last put was this key
                openTouchedOrder.add(touched);
            } else {
                if (marking) {
                    stopMarking(); // a batch of more keys than marks can number: the rest go to touchedSlots
                    touched.hash = TableKey.hashOf(table, key);
                }
                addTouched(touched);
            }
        } else {
            touched.onlyOp = null;
        }
        touched.end = next;
        touched.endKnown = true;
    }

    /**
     * Hashes the rows the open batch left unhashed ({@link Touched#unhashed}): adds each to the digest and
     * stores it again with its hash cached, so that the digest is that of the state and the store's entries
     * are as if every change had been hashed when applied (the same checkpoint bytes). Called before the
     * digest is read or the batch sealed; a pipeline's checkpoint calls it before the store's bytes are
     * written.
     */
    public void hashUnhashedRows() {
        List<Touched> keys = unhashedKeys;
        for (int i = 0, n = keys.size(); i < n; i++) {
            Touched t = keys.get(i);
            StoredEntry entry = t.unhashed;
            if (entry == null) {
                continue; // deleted since
            }
            t.unhashed = null;
            hasher.hashEntry(t.table, t.key, entry.row(), laneScratch);
            digest.addLanes(laneScratch);
            store.put(t.table, t.key, entry.withEntryHash(laneScratch));
        }
        keys.clear();
    }

    /** Removes a replaced or deleted live entry from the digest, by its cached hash if it has one. */
    private void subtractHash(TableId table, Row key, StoredEntry stored) {
        if (stored.hasEntryHash()) {
            stored.subtractHashFrom(digest);
            return;
        }
        hasher.hashEntry(table, key, stored.row(), laneScratch);
        digest.subtractLanes(laneScratch);
    }

    /** Source changes the open batch has taken (dropped ones included). */
    public long openSourceChanges() {
        return openChanges;
    }

    /** Changes in the open batch that altered the state (what its stream-ordered body would carry). */
    public long openAppliedChanges() {
        return openApplied;
    }

    /** True if the open batch has taken at least one source change since the last seal. */
    public boolean hasOpenChanges() {
        return openChanges > 0;
    }

    /**
     * The keys the last sealed batch inserted and deleted ({@link SealedKeyChanges#sequence()} names it), read from
     * its touched entries for {@link ReceiverKeys#sealed}.
     */
    SealedKeyChanges sealedKeyChanges() {
        return sealedKeyChanges;
    }

    private final SealedKeyChanges sealedKeyChanges = new SealedKeyChanges();

    /**
     * Seals the open batch (also when it is not full, e.g. at the end of the input) and opens the next.
     * Returns {@code null} if the open batch has taken no source change, or only dropped ones (duplicates
     * and stale events): such a batch changes nothing and covers no version, so it is not emitted and
     * consumes no sequence number (its events stay counted in {@link ShardCounters}).
     */
    public ShardBatch seal() {
        if (openChanges == 0) {
            return null;
        }
        if (openFirst == null) {
            openChanges = 0;
            return null;
        }
        hashUnhashedRows();
        sortTouched();
        List<DeltaOp> coalesced = new ArrayList<>(openTouchedOrder.size());
        SealedKeyChanges keyChanges = sealedKeyChanges;
        keyChanges.start(nextSequence);
        for (Touched t : openTouchedOrder) {
            DeltaOp only = t.onlyOp;
            if (only != null) {
                // Touched once: the net effect is that change (an update here never leaves the row as it was).
                // Its kind follows from the rows before and after it, which this entry holds, so the op itself
                // (cold: made a batch ago) is first read by the encoder's touch loop, where misses overlap.
                coalesced.add(only);
                if (t.start == null) {
                    counters.coalescedInsertOps++;
                    keyChanges.add(t.table, t.key, t.keySchema, t.longKey, t.sortKey, true);
                } else if (t.end == null) {
                    counters.coalescedDeleteOps++;
                    keyChanges.add(t.table, t.key, t.keySchema, t.longKey, t.sortKey, false);
                } else {
                    counters.coalescedUpdateOps++;
                }
                continue;
            }
            Row start = t.start;
            Row endRow;
            if (t.endKnown) {
                endRow = t.end;
            } else {
                StoredEntry end = store.get(t.table, t.key);
                endRow = end == null ? null : end.row();
            }
            if (start == null && endRow != null) {
                coalesced.add(new DeltaOp.Insert(t.table, t.key, endRow));
                counters.coalescedInsertOps++;
                keyChanges.add(t.table, t.key, t.keySchema, t.longKey, t.sortKey, true);
            } else if (start != null && endRow == null) {
                coalesced.add(new DeltaOp.Delete(t.table, t.key, start));
                counters.coalescedDeleteOps++;
                keyChanges.add(t.table, t.key, t.keySchema, t.longKey, t.sortKey, false);
            } else if (start != null && !start.equals(endRow)) {
                coalesced.add(new DeltaOp.Update(t.table, t.key, start, endRow));
                counters.coalescedUpdateOps++;
            }
        }
        counters.coalescedChanges += openApplied - coalesced.size();
        counters.streamOrderedOps += openStream.size();
        counters.batchesSealed++;
        ShardBatch batch = new ShardBatch(shard, nextSequence++, openChanges, openFirst, openLast, coalesced,
                openStream, openDigestBefore, digest);
        java.util.Arrays.fill(touchedSlots, null);
        for (int i = 0, n = openTouchedOrder.size(); i < n; i++) {
            openTouchedOrder.get(i).clear();
        }
        openTouchedOrder.clear();
        openStream.clear();
        openDigestBefore = digest.copy();
        openChanges = 0;
        openApplied = 0;
        openFirst = null;
        openLast = null;
        if (markingStore != null) {
            marking = true;
            if (++markEpoch == 1 << InMemoryShardStateStore.MARK_EPOCH_BITS) {
                markingStore.clearMarks();
                markEpoch = 1;
            }
        }
        maybePurgeTombstones();
        return batch;
    }

    /** Enters the open batch's marked keys into {@link #touchedSlots}, where the batch finds its keys until it seals. */
    private void stopMarking() {
        if (!marking) {
            return;
        }
        marking = false;
        for (Touched t : openTouchedOrder) {
            t.hash = TableKey.hashOf(t.table, t.key);
            indexTouched(t);
        }
    }

    /** Cleans tombstones once source time has moved a whole retention period since the last clean-up. */
    private void maybePurgeTombstones() {
        if (maxSourceMicros == Long.MIN_VALUE) {
            return;
        }
        if (lastPurgeMicros == Long.MIN_VALUE) {
            lastPurgeMicros = maxSourceMicros;
            return;
        }
        if (maxSourceMicros - lastPurgeMicros >= tombstoneRetentionMicros) {
            purgeExpiredTombstones();
        }
    }

    /**
     * Removes tombstones of deletes older than the newest source time seen minus the retention. After
     * that, a stale event for such a key is no longer recognised: the retention must exceed the source's
     * reordering horizon.
     */
    public int purgeExpiredTombstones() {
        if (maxSourceMicros == Long.MIN_VALUE) {
            return 0;
        }
        if (!openTouchedOrder.isEmpty()) {
            stopMarking(); // a purged tombstone takes its mark along
        }
        int purged = store.purgeTombstonesBefore(maxSourceMicros - tombstoneRetentionMicros);
        counters.tombstonesPurged += purged;
        lastPurgeMicros = maxSourceMicros;
        return purged;
    }

    public int shard() {
        return shard;
    }

    /** The shard's state digest version (fixed for its life). */
    public DigestVersion digestVersion() {
        return digestVersion;
    }

    /**
     * Sets the digest version of a new shard, before it takes its first change (a pipeline matches it to the
     * format its writer writes: format v3 and older carry digest v1, v4 digest v2). Once the shard has taken a
     * change, or been restored, its version is fixed: asking for another one is an error.
     */
    public void useDigestVersion(DigestVersion version) {
        if (version == digestVersion) {
            return;
        }
        if (!isNew()) {
            throw new IllegalStateException("shard " + shard + " keeps state digest " + digestVersion + " for its life; it has "
                    + "taken changes (next sequence " + nextSequence + "), so it cannot switch to " + version);
        }
        switchDigestVersion(version);
    }

    /** Whether the shard has taken no change and holds the empty state's digest (nothing restored into it). */
    public boolean isNew() {
        return counters.sourceChanges == 0 && openChanges == 0 && nextSequence == 0 && digest.isEmptyStateDigest();
    }

    private void switchDigestVersion(DigestVersion version) {
        if (version == digestVersion) {
            return;
        }
        digestVersion = version;
        digest = new StateDigest(version);
        hasher = new RowHasher(version);
        openDigestBefore = new StateDigest(version);
    }

    /** The digest of the current state (including the open batch's changes); a copy. */
    public StateDigest digest() {
        hashUnhashedRows();
        return digest.copy();
    }

    public ShardCounters counters() {
        return counters;
    }

    public ShardStateStore store() {
        return store;
    }

    /** Sequence number the next sealed batch will carry. */
    public long nextSequence() {
        return nextSequence;
    }
}
