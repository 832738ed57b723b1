package io.snapdelta.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the garbage earlier job runs left in this JVM before the next run starts, outside its measurement.
 *
 * <p>Why: {@code bench job} submits a new job for every run, and every run builds its shards' state afresh (with the
 * default 8,192-row cache per shard (16,384 before session 25), all of pgbench-small's 120,000 keys as decoded rows on the heap) and drops it
 * at its end. Those rows live long enough to be promoted, so dozens of finished runs fill the old generation with
 * garbage that a long-running job never makes, and whichever later run the collector chose paid for all of it: in
 * session 16 one measured run spent 2.55 of its 6.04 process CPU s in GC threads, the runs before and after 0.0-0.41,
 * and the first concurrent cycle over 40 runs' garbage (3.6 GB) had a 1,267 ms Remark pause (class unloading of the
 * finished jobs' class loaders) in the middle of the measured latency run. A run's own garbage (every young
 * collection during it) is still counted. The ShardOperatorBench harness does the same between passes. This needs
 * the launcher's heap that never shrinks ({@code -XX:MaxHeapFreeRatio=100}): with a shrinking one, every full
 * collection handed the touched heap back to the kernel and the next run paid for fresh pages again.
 */
final class EarlierRunsGarbage {
    private static final Logger LOG = LoggerFactory.getLogger(EarlierRunsGarbage.class);

    private EarlierRunsGarbage() {
    }

    /** A full collection now ({@code System.gc()}); logs how long it took. */
    static void collect(String beforeWhat) {
        long start = System.nanoTime();
        long collections = collections();
        System.gc();
        LOG.info("Collected earlier runs' garbage before {} in {} ms ({} collection(s))", beforeWhat,
                (System.nanoTime() - start) / 1_000_000, collections() - collections);
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
