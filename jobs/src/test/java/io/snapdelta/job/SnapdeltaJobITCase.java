package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.config.Configuration;
import io.snapdelta.ingest.DeadLetter;
import io.snapdelta.ingest.DebeziumJsonParser;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.ParserLimits;
import io.snapdelta.ingest.ParseErrorKind;
import io.snapdelta.ingest.SnapdeltaJsonWriter;
import io.snapdelta.testing.MalformedCorpus;
import io.snapdelta.workload.PgbenchDebeziumWorkload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The job on a Flink MiniCluster (RocksDB, exactly-once checkpoints) against a real Kafka broker: good and
 * malformed records in two input topics, the job bounded at the topics' end offsets so it finishes by itself.
 * Every bad record must be in the dead-letter topic (read_committed) with its bytes untouched and headers
 * naming where it came from and why; every good one must come through (counted, and in the valid-events
 * topic as snapdelta JSON); tombstones are counted, not dead-lettered.
 */
class SnapdeltaJobITCase extends KafkaAndFlinkServers {
    private static final String LINES_TOPIC = "cdc.lines";
    private static final String KEYED_TOPIC = "cdc.keyed";
    private static final String DLQ = "it.dead-letters";
    private static final String EVENTS = "it.events";
    private static final String DELTAS = "it.deltas";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);


    /** A record as produced, and what the job must do with it. */
    private record Sent(String topic, int partition, long offset, byte[] key, byte[] value, ParseErrorKind expectedError,
                        boolean tombstone) {
        String position() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicUntouchedWithReasonsAndGoodOnesComeThrough() throws Exception {
        kafka.createTopic(LINES_TOPIC, 1);
        kafka.createTopic(KEYED_TOPIC, 2);
        kafka.createTopic(DLQ, 1);
        kafka.createTopic(EVENTS, 2);
        // Every output topic exists before the job starts: the sinks' pooling transaction naming lists the open
        // transactions on them at start (kafka.transaction-naming; a first produce no longer creates them).
        kafka.createTopic(DELTAS, 2);

        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // Topic 1: the capture line form ({"key":..,"value":..} as the value, no Kafka key), with the
            // workload's malformed lines spread through it.
            PgbenchDebeziumWorkload lines = new PgbenchDebeziumWorkload(200, 150, 1);
            List<byte[]> bad = lines.malformedLines();
            List<ParseErrorKind> badKinds = List.of(ParseErrorKind.MALFORMED, ParseErrorKind.INVALID_VALUE, ParseErrorKind.EMPTY,
                    ParseErrorKind.WRONG_TYPE, ParseErrorKind.MISSING_FIELD, ParseErrorKind.INVALID_UTF8, ParseErrorKind.MALFORMED);
            for (byte[] v : lines.linesWithMalformed()) {
                int b = indexOf(bad, v);
                sent.add(send(producer, LINES_TOPIC, 0, null, v, b < 0 ? null : badKinds.get(b), false));
            }
            // Topic 2: Debezium's topic layout (key bytes = key struct, value bytes = envelope) over two
            // partitions, plus a tombstone and a malformed value whose key must reach the DLQ untouched.
            int i = 0;
            for (byte[] line : new PgbenchDebeziumWorkload(40, 30, 2).lines()) {
                byte[][] kv = splitLine(line);
                sent.add(send(producer, KEYED_TOPIC, i++ % 2, kv[0], kv[1], null, false));
            }
            sent.add(send(producer, KEYED_TOPIC, 1, utf8("{\"aid\":1}"), null, null, true));
            sent.add(send(producer, KEYED_TOPIC, 0, utf8("{\"aid\":5}"), utf8("{\"before\":null,\"after\":{\"aid\":"), ParseErrorKind.MALFORMED, false));
            byte[] binaryKey = {(byte) 0xFF, 0, 1, (byte) 0x80};
            sent.add(send(producer, KEYED_TOPIC, 1, binaryKey, utf8("{\"op\":\"c\"}"), ParseErrorKind.MALFORMED, false));
        }

        Map<String, String> options = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", kafka.bootstrapServers(),
                "kafka.input-topics", LINES_TOPIC + "," + KEYED_TOPIC,
                "kafka.input-format", "debezium-json",
                "kafka.dead-letter-topic", DLQ,
                "kafka.transaction-timeout", "60s",
                "kafka.transactional-id-prefix", "job-it",
                "job.input.bounded", "true",
                "job.input.starting-offsets", "earliest",
                "job.valid-events-topic", EVENTS,
                "job.checkpoint.interval", "300ms"));
        options.put("deltas.topic", DELTAS);
        Configuration config = Configuration.fromMap(options);
        StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobExecutionResult result = execute(env);

        List<Sent> expectedBad = sent.stream().filter(s -> s.expectedError() != null).toList();
        List<Sent> expectedGood = sent.stream().filter(s -> s.expectedError() == null && !s.tombstone()).toList();
        assertEquals(sent.size(), (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_EVENTS_IN));
        assertEquals(expectedGood.size(), (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_EVENTS_VALID));
        assertEquals(expectedBad.size(), (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_DEAD_LETTERS));
        assertEquals(1L, (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_TOMBSTONES));

        // Every bad record, and nothing else, is in the dead-letter topic: original bytes and the reason.
        Map<String, Sent> badByPosition = new TreeMap<>();
        expectedBad.forEach(s -> badByPosition.put(s.position(), s));
        List<ConsumerRecord<byte[], byte[]>> dead = CommittedRecords.readAll(kafka.bootstrapServers(), DLQ, READ_TIMEOUT);
        Map<String, ConsumerRecord<byte[], byte[]>> deadByPosition = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String pos = header(r, DeadLetter.TOPIC) + "-" + header(r, DeadLetter.PARTITION) + "@" + header(r, DeadLetter.OFFSET);
            assertEquals(null, deadByPosition.put(pos, r), "dead-lettered twice: " + pos);
        }
        assertEquals(badByPosition.keySet(), deadByPosition.keySet());
        for (Sent s : expectedBad) {
            ConsumerRecord<byte[], byte[]> r = deadByPosition.get(s.position());
            assertArrayEquals(s.key(), r.key(), "key of " + s.position());
            assertArrayEquals(s.value(), r.value(), "value of " + s.position());
            assertEquals(s.expectedError().name(), header(r, DeadLetter.CLASS), s.position() + ": " + header(r, DeadLetter.REASON));
            assertEquals("debezium-json", header(r, DeadLetter.FORMAT));
            assertNotNull(header(r, DeadLetter.FIELD_PATH), "no field path header on " + s.position());
            assertFalse(header(r, DeadLetter.REASON).isBlank(), "no reason on " + s.position());
        }

        // Every good record came through: the valid-events topic holds exactly their snapdelta JSON encodings.
        DebeziumJsonParser parser = new DebeziumJsonParser();
        SnapdeltaJsonWriter writer = new SnapdeltaJsonWriter();
        Map<String, Integer> expectedEvents = new HashMap<>();
        for (Sent s : expectedGood) {
            expectedEvents.merge(b64(writer.write(parser.parse(s.key(), s.value()))), 1, Integer::sum);
        }
        Map<String, Integer> actualEvents = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.readAll(kafka.bootstrapServers(), EVENTS, READ_TIMEOUT)) {
            actualEvents.merge(b64(r.value()), 1, Integer::sum);
        }
        assertEquals(expectedGood.size(), actualEvents.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(expectedEvents.equals(actualEvents), "valid-events topic differs from the good input's snapdelta JSON");
    }

    @Test
    void everyDebeziumCorpusRecordIsRoutedAsItsManifestSays() throws Exception {
        assertCorporaRouted("corpus-debezium", MalformedCorpus.limitsOf("debezium"),
                Map.of("corpus.debezium", new Corpus(InputFormat.DEBEZIUM_JSON, MalformedCorpus.debezium())));
    }

    @Test
    void everySnapdeltaJsonAndAvroCorpusRecordIsRoutedAsItsManifestSaysWithPerTopicFormats() throws Exception {
        assertCorporaRouted("corpus-snapdelta", MalformedCorpus.limitsOf("snapdelta-json"),
                Map.of("corpus.snapdelta-json", new Corpus(InputFormat.SNAPDELTA_JSON, MalformedCorpus.snapdeltaJson()),
                        "corpus.snapdelta-avro", new Corpus(InputFormat.SNAPDELTA_AVRO, MalformedCorpus.snapdeltaAvro())));
    }

    private record Corpus(InputFormat format, List<MalformedCorpus.Entry> entries) {
    }

    /**
     * Produces each corpus into its own topic (value = the record's bytes, no key), runs the job bounded with
     * the corpus's parser limits, and checks: every record the manifest calls bad is in the dead-letter topic,
     * once, bytes untouched, with the manifest's error class and field path; the good ones are counted valid,
     * the tombstones counted as tombstones.
     */
    private void assertCorporaRouted(String name, ParserLimits limits, Map<String, Corpus> corpora) throws Exception {
        String dlq = name + ".dead-letters";
        kafka.createTopic(dlq, 1);
        String deltas = name + ".deltas";
        kafka.createTopic(deltas, 1); // before the job starts (pooling transaction naming), see above
        Map<String, MalformedCorpus.Entry> badByPosition = new TreeMap<>();
        Map<String, Corpus> byTopic = new TreeMap<>(corpora);
        long valid = 0;
        long tombstones = 0;
        long total = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (Map.Entry<String, Corpus> c : byTopic.entrySet()) {
                kafka.createTopic(c.getKey(), 1);
                for (MalformedCorpus.Entry e : c.getValue().entries()) {
                    Sent s = send(producer, c.getKey(), 0, null, e.bytes(), null, false);
                    total++;
                    switch (e.expected()) {
                        case "OK" -> valid++;
                        case "TOMBSTONE" -> tombstones++;
                        default -> badByPosition.put(s.position(), e);
                    }
                }
            }
        }
        Map<String, String> values = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", kafka.bootstrapServers(),
                "kafka.input-topics", String.join(",", byTopic.keySet()),
                "kafka.dead-letter-topic", dlq,
                "kafka.transaction-timeout", "60s",
                "kafka.transactional-id-prefix", name,
                "job.input.bounded", "true",
                "job.input.starting-offsets", "earliest",
                "job.checkpoint.interval", "300ms"));
        values.put("deltas.topic", deltas);
        values.put("job.input.topic-formats", byTopic.entrySet().stream()
                .map(c -> c.getKey() + ":" + c.getValue().format().id()).collect(java.util.stream.Collectors.joining(",")));
        values.put("parser.max-record-bytes", Long.toString(limits.maxRecordBytes()) + "b");
        values.put("parser.max-string-length", Integer.toString(limits.maxStringLength()));
        values.put("parser.max-fields", Integer.toString(limits.maxFields()));
        values.put("parser.max-nesting-depth", Integer.toString(limits.maxNestingDepth()));
        Configuration config = Configuration.fromMap(values);
        StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobExecutionResult result = execute(env);

        assertEquals(total, (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_EVENTS_IN));
        assertEquals(valid, (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_EVENTS_VALID));
        assertEquals(tombstones, (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_TOMBSTONES));
        assertEquals(badByPosition.size(), (long) result.<Long>getAccumulatorResult(IngestMetrics.ACC_DEAD_LETTERS));

        Map<String, ConsumerRecord<byte[], byte[]>> deadByPosition = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.readAll(kafka.bootstrapServers(), dlq, READ_TIMEOUT)) {
            String pos = header(r, DeadLetter.TOPIC) + "-" + header(r, DeadLetter.PARTITION) + "@" + header(r, DeadLetter.OFFSET);
            assertEquals(null, deadByPosition.put(pos, r), "dead-lettered twice: " + pos);
        }
        assertEquals(badByPosition.keySet(), deadByPosition.keySet());
        for (Map.Entry<String, MalformedCorpus.Entry> b : badByPosition.entrySet()) {
            ConsumerRecord<byte[], byte[]> r = deadByPosition.get(b.getKey());
            MalformedCorpus.Entry e = b.getValue();
            String topic = header(r, DeadLetter.TOPIC);
            assertEquals(null, r.key(), e.toString());
            assertArrayEquals(e.bytes(), r.value(), "bytes of " + e);
            assertEquals(e.expected(), header(r, DeadLetter.CLASS), e + ": " + header(r, DeadLetter.REASON));
            assertEquals(e.fieldPath(), header(r, DeadLetter.FIELD_PATH), e.toString());
            assertEquals(corpora.get(topic).format().id(), header(r, DeadLetter.FORMAT), e.toString());
            assertFalse(header(r, DeadLetter.REASON).isBlank(), "no reason for " + e);
        }
    }

    private static JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        // Bounded sources: the job ends by itself once both topics are drained and the final checkpoint commits.
        return env.executeAsync("snapdelta job IT").getJobExecutionResult().get(3, TimeUnit.MINUTES);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Sent send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key, byte[] value,
                             ParseErrorKind expectedError, boolean tombstone) throws Exception {
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        return new Sent(topic, md.partition(), md.offset(), key, value, expectedError, tombstone);
    }

    /** {@code {"key":K,"value":V}} -> {K, V}, byte for byte. */
    private static byte[][] splitLine(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        int v = s.indexOf(",\"value\":");
        return new byte[][] {utf8(s.substring("{\"key\":".length(), v)), utf8(s.substring(v + ",\"value\":".length(), s.length() - 1))};
    }

    private static int indexOf(List<byte[]> list, byte[] x) {
        for (int i = 0; i < list.size(); i++) {
            if (java.util.Arrays.equals(list.get(i), x)) {
                return i;
            }
        }
        return -1;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
