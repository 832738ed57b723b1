package io.snapdelta.shard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one shard did, cumulative since it was created. Plain fields written by the shard's single thread;
 * the Flink operator exports them as metrics, the benchmark prints them.
 */
public final class ShardCounters {
    /** Source changes taken (every event routed to the shard). */
    public long sourceChanges;
    public long snapshotReads;
    public long inserts;
    public long updates;
    public long deletes;
    /** Events whose version equalled the stored version: dropped. */
    public long duplicatesDropped;
    /** Events whose version was below the stored version: dropped. */
    public long staleDropped;
    /** Accepted events that left the row exactly as it was (nothing travels). */
    public long noopUpdates;
    /** Accepted deletes of a key that held no row (a tombstone is still recorded). */
    public long deletesOfAbsentKeys;
    /** Accepted events that changed the state. */
    public long appliedChanges;
    /** Applied changes that did not travel as ops of their own because coalescing merged them. */
    public long coalescedChanges;
    public long batchesSealed;
    public long coalescedInsertOps;
    public long coalescedUpdateOps;
    public long coalescedDeleteOps;
    /** Ops in the stream-ordered (uncoalesced) alternative bodies. */
    public long streamOrderedOps;
    public long tombstonesPurged;

    /** Every counter in a fixed order (append new counters at the end: checkpoints store this array). */
    public long[] toArray() {
        return new long[] {sourceChanges, snapshotReads, inserts, updates, deletes, duplicatesDropped, staleDropped,
            noopUpdates, deletesOfAbsentKeys, appliedChanges, coalescedChanges, batchesSealed, coalescedInsertOps,
            coalescedUpdateOps, coalescedDeleteOps, streamOrderedOps, tombstonesPurged};
    }

    /** Sets every counter from {@link #toArray()} output; a shorter array (older checkpoint) leaves the rest 0. */
    public void setFrom(long[] a) {
        long[] v = java.util.Arrays.copyOf(a, toArray().length);
        int i = 0;
        sourceChanges = v[i++];
        snapshotReads = v[i++];
        inserts = v[i++];
        updates = v[i++];
        deletes = v[i++];
        duplicatesDropped = v[i++];
        staleDropped = v[i++];
        noopUpdates = v[i++];
        deletesOfAbsentKeys = v[i++];
        appliedChanges = v[i++];
        coalescedChanges = v[i++];
        batchesSealed = v[i++];
        coalescedInsertOps = v[i++];
        coalescedUpdateOps = v[i++];
        coalescedDeleteOps = v[i++];
        streamOrderedOps = v[i++];
        tombstonesPurged = v[i];
    }

    public long coalescedOps() {
        return coalescedInsertOps + coalescedUpdateOps + coalescedDeleteOps;
    }

    public void addAll(ShardCounters o) {
        sourceChanges += o.sourceChanges;
        snapshotReads += o.snapshotReads;
        inserts += o.inserts;
        updates += o.updates;
        deletes += o.deletes;
        duplicatesDropped += o.duplicatesDropped;
        staleDropped += o.staleDropped;
        noopUpdates += o.noopUpdates;
        deletesOfAbsentKeys += o.deletesOfAbsentKeys;
        appliedChanges += o.appliedChanges;
        coalescedChanges += o.coalescedChanges;
        batchesSealed += o.batchesSealed;
        coalescedInsertOps += o.coalescedInsertOps;
        coalescedUpdateOps += o.coalescedUpdateOps;
        coalescedDeleteOps += o.coalescedDeleteOps;
        streamOrderedOps += o.streamOrderedOps;
        tombstonesPurged += o.tombstonesPurged;
    }

    /** Stable names (snake_case) and values, for JSON output and metrics. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("source_changes", sourceChanges);
        m.put("snapshot_reads", snapshotReads);
        m.put("inserts", inserts);
        m.put("updates", updates);
        m.put("deletes", deletes);
        m.put("duplicates_dropped", duplicatesDropped);
        m.put("stale_dropped", staleDropped);
        m.put("noop_updates", noopUpdates);
        m.put("deletes_of_absent_keys", deletesOfAbsentKeys);
        m.put("applied_changes", appliedChanges);
        m.put("coalesced", coalescedChanges);
        m.put("batches", batchesSealed);
        m.put("insert_ops", coalescedInsertOps);
        m.put("update_ops", coalescedUpdateOps);
        m.put("delete_ops", coalescedDeleteOps);
        m.put("stream_ordered_ops", streamOrderedOps);
        m.put("tombstones_purged", tombstonesPurged);
        return m;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
