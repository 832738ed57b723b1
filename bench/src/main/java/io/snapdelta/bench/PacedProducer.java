package io.snapdelta.bench;

import io.snapdelta.localstack.InputProducer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces records at a sustained rate: record {@code i} is sent at {@code start + i / rate} (never early; at most
 * about a {@link #TICK_NANOS tick} late by design; when the producer falls behind it sends at once and the lag is
 * reported). The producer lingers
 * {@value #LINGER_MS} ms, Kafka 4's default and so what a Debezium connector's producer does unless told
 * otherwise: at 20,000 records/s a producer that lingers 0 ms sends a request per record or two, and the
 * embedded broker that shares the job's 2 cores then spent about half a core on them. Latency is measured
 * from the append, so the linger does not shorten it. The acknowledgement of record {@code i} gives its Kafka
 * timestamp, which on a {@code message.timestamp.type=LogAppendTime} topic is the broker's append time.
 */
final class PacedProducer {
    static final int LINGER_MS = 5;

    /**
     * The shortest the producer sleeps: it wakes at most once per tick and then sends every record that is due. Parking
     * until each record's own due time (50 us apart at 20,000/s) cost the process ~1 CPU s of futex calls and context
     * switches per 9 s latency run (6.7% of its CPU samples, async-profiler, session 17), CPU the job under test shares
     * on 2 cores. A record then leaves up to a tick late, well inside the producer's {@value #LINGER_MS} ms linger;
     * latency counts from the broker's append, so this does not shorten it.
     */
    static final long TICK_NANOS = 1_000_000;

    /**
     * @param appendMillis per record, the timestamp the broker acknowledged
     * @param achievedRate records / (last send - first send)
     * @param maxLagMillis the furthest behind schedule a send was
     */
    record Result(long[] appendMillis, double achievedRate, double maxLagMillis) {
    }

    private PacedProducer() {
    }

    static Result produce(List<byte[]> values, String topic, String bootstrapServers, double rate) throws IOException {
        int n = values.size();
        long[] append = new long[n];
        Arrays.fill(append, Long.MIN_VALUE);
        AtomicReference<Exception> failure = new AtomicReference<>();
        double nanosPerRecord = 1e9 / rate;
        long maxLag = 0;
        long start;
        long lastSend;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                InputProducer.producerProperties(bootstrapServers, "snapdelta-bench-paced-input", LINGER_MS),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            start = System.nanoTime();
            lastSend = start;
            for (int i = 0; i < n && failure.get() == null; i++) {
                long due = start + (long) (i * nanosPerRecord);
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(Math.max(due - now, TICK_NANOS));
                }
                maxLag = Math.max(maxLag, now - due);
                final int index = i;
                producer.send(new ProducerRecord<>(topic, 0, null, null, values.get(i)), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        append[index] = md.timestamp();
                    }
                });
                lastSend = now;
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("producing into " + topic + " failed", failure.get());
        }
        for (int i = 0; i < n; i++) {
            if (append[i] == Long.MIN_VALUE) {
                throw new IOException("record " + i + " of " + n + " was never acknowledged by " + topic);
            }
        }
        double seconds = (lastSend - start) / 1e9;
        return new Result(append, n < 2 || seconds <= 0 ? rate : (n - 1) / seconds, maxLag / 1e6);
    }
}
