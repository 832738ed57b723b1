package io.snapdelta.shard;

import io.snapdelta.model.ChangeEvent;

/**
 * Look-up hints for a run of upcoming events: loads what their pipelines' state look-ups will wait on, so that
 * on a state far larger than the CPU caches the misses of many events overlap instead of following one another
 * (each event's look-up otherwise waits on its key's slot, then its entry, one cache miss after the other, and
 * between two events' look-ups lie thousands of instructions: no two events' misses overlap). For any driver
 * that holds upcoming events: the bandwidth bench's chunk of parsed events, a Flink operator's mini-batch.
 *
 * <p>Taken in stages over the whole run, each a short loop of independent loads: every event's home slot (from
 * the event alone), then the slots' words and entry references ({@link InMemoryShardStateStore#readHomeSlots}),
 * then the entries. A hint per event between applies was measured slower (each hint's miss then blocks the
 * processor about as long as the look-up it saves). Hints have no effect but on the caches: the events are
 * applied afterwards, in order, and whatever those applies change (inserts, growth, deletes) stays correct.
 * Only pipelines over the heap store ({@link InMemoryShardStateStore}) and keys that are one integer are
 * hinted; the job's RocksDB store is not (a RocksDB get is a JNI call that waits on its own reads).
 * Not thread-safe: one per driving thread.
 */
public final class ShardLookAhead {
    private InMemoryShardStateStore[] stores = new InMemoryShardStateStore[0];
    private int[] homes = new int[0];
    private Object[] entries = new Object[0];
    /** Sum of the values read; kept so that the reads are not dropped (Java has no prefetch instruction). */
    private long sink;

    /**
     * Hints events {@code from} (inclusive) to {@code to} (exclusive) of {@code events}, event {@code j} being
     * bound for {@code pipelines[shardOf[j]]}.
     */
    public void prefetch(ShardPipeline[] pipelines, int[] shardOf, ChangeEvent[] events, int from, int to) {
        int n = to - from;
        if (n > stores.length) {
            stores = new InMemoryShardStateStore[n];
            homes = new int[n];
            entries = new Object[n];
        }
        InMemoryShardStateStore[] s = stores;
        int[] h = homes;
        int m = 0;
        for (int j = from; j < to; j++) {
            if (pipelines[shardOf[j]].state().store() instanceof InMemoryShardStateStore store) {
                ChangeEvent e = events[j];
                int home = store.homeSlotOf(e.table(), e.key());
                if (home >= 0) {
                    s[m] = store;
                    h[m++] = home;
                }
            }
        }
        Object[] en = entries;
        long sum = InMemoryShardStateStore.readHomeSlots(s, h, m, en);
        for (int k = 0; k < m; k++) {
            if (en[k] instanceof StoredEntry e) {
                sum += e.touch();
            }
            en[k] = null; // no reference outlives the call
            s[k] = null;
        }
        sink += sum;
    }
}
