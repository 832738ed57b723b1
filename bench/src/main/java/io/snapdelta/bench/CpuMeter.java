package io.snapdelta.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time this JVM spends while the job runs, two ways:
 * <ul>
 *   <li>process CPU time ({@code OperatingSystemMXBean.getProcessCpuTime}): every thread of the process,
 *       Java and native (RocksDB's flush and compaction threads, GC, JIT) and the embedded Kafka broker
 *       serving the job. The benchmark's {@code cores} is this divided by wall time;</li>
 *   <li>CPU time of Flink's task threads (names ending in {@code (i/n)#attempt}), sampled every
 *       {@value #SAMPLE_MILLIS} ms with {@link ThreadMXBean} because a finished task's thread is gone before
 *       it can be read: up to one interval per thread is missed, so this is a lower bound.</li>
 * </ul>
 */
final class CpuMeter implements AutoCloseable {
    static final long SAMPLE_MILLIS = 50;
    private static final Pattern FLINK_TASK_THREAD = Pattern.compile(".*\\(\\d+/\\d+\\)#\\d+$");

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startCpu = new HashMap<>();
    private final Map<Long, Long> lastCpu = new HashMap<>();
    private final long processCpu0;
    private final long wall0;
    private final Thread sampler;
    private volatile boolean stopping;
    private long processCpuNanos = -1;
    private long wallNanos = -1;

    private CpuMeter() {
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0) {
                startCpu.put(id, cpu);
            }
        }
        processCpu0 = os.getProcessCpuTime();
        wall0 = System.nanoTime();
        sampler = new Thread(this::sampleLoop, "snapdelta-bench-cpu-sampler");
        sampler.setDaemon(true);
    }

    static CpuMeter start() {
        CpuMeter m = new CpuMeter();
        m.sampler.start();
        return m;
    }

    private void sampleLoop() {
        while (!stopping) {
            sample();
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || !FLINK_TASK_THREAD.matcher(info.getThreadName()).matches()) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                synchronized (lastCpu) {
                    lastCpu.put(info.getThreadId(), cpu);
                }
            }
        }
    }

    /** Stops measuring (idempotent). */
    @Override
    public void close() throws InterruptedException {
        if (wallNanos >= 0) {
            return;
        }
        processCpuNanos = os.getProcessCpuTime() - processCpu0;
        wallNanos = System.nanoTime() - wall0;
        stopping = true;
        sampler.interrupt();
        sampler.join(5_000);
        sample();
    }

    long processCpuNanos() {
        return processCpuNanos;
    }

    long wallNanos() {
        return wallNanos;
    }

    /** CPU of Flink task threads during the measurement (sampled; a lower bound). */
    long taskThreadCpuNanos() {
        long sum = 0;
        synchronized (lastCpu) {
            for (Map.Entry<Long, Long> e : lastCpu.entrySet()) {
                sum += e.getValue() - startCpu.getOrDefault(e.getKey(), 0L);
            }
        }
        return sum;
    }
}
