package io.snapdelta.localstack;

import io.snapdelta.ingest.InputFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces an input file into a Kafka topic, one record per line, key {@code null}, value the line's
 * bytes untouched (for snapdelta-avro: the base64-decoded line, see {@code schemas/local-input-files.md}).
 * Idempotent producer, {@code acks=all}: every line is in the topic exactly once, in file order (the
 * topic has one partition) when {@link #produce} returns.
 */
public final class InputProducer {
    private static final Logger LOG = LoggerFactory.getLogger(InputProducer.class);
    private static final long PROGRESS_EVERY = 50_000;

    private InputProducer() {
    }

    /** @return the number of lines read and produced */
    public static long produce(Path file, InputFormat format, String topic, String bootstrapServers) throws IOException {
        Map<String, Object> props = producerProperties(bootstrapServers, "snapdelta-local-input", 20);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long lines = 0;
        try (InputLines in = InputLines.open(file);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] line;
            while ((line = in.next()) != null) {
                byte[] value = recordValue(line, format, in.lineNumber(), file);
                producer.send(new ProducerRecord<>(topic, null, null, value), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                lines++;
                if (failure.get() != null) {
                    break;
                }
                if (lines % PROGRESS_EVERY == 0) {
                    LOG.info("Produced {} lines of {} into {}", lines, file.getFileName(), topic);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("Producing " + file + " into " + topic + " failed after " + lines + " lines", failure.get());
        }
        LOG.info("Produced all {} lines of {} into {}", lines, file, topic);
        return lines;
    }

    /**
     * The producer settings every input producer uses: idempotent, {@code acks=all}, large batches, so each
     * line lands exactly once and in order.
     *
     * @param lingerMs how long the producer waits to fill a batch (0 for latency, ~20 for bulk loading)
     */
    public static Map<String, Object> producerProperties(String bootstrapServers, String clientId, int lingerMs) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG, clientId);
    }

    /** The Kafka record value for one input line: the line itself, or for snapdelta-avro its base64-decoded bytes. */
    public static byte[] recordValue(byte[] line, InputFormat format, long lineNumber, Path file) {
        return format == InputFormat.SNAPDELTA_AVRO ? decodeAvroLine(line, lineNumber, file) : line;
    }

    /** A snapdelta-avro line is the standard base64 of the record's Avro bytes; an empty line is an empty record. */
    public static byte[] decodeAvroLine(byte[] line, long lineNumber, Path file) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        try {
            return Base64.getDecoder().decode(end == line.length ? line : java.util.Arrays.copyOf(line, end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " line " + lineNumber + ": not base64 (" + e.getMessage()
                    + "); snapdelta-avro input lines are the base64 of one Avro record each", e);
        }
    }
}
