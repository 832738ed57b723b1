package io.snapdelta.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapdelta.localstack.EmbeddedKafkaBroker;
import io.snapdelta.replica.CommittedDeltas.Rec;
import io.snapdelta.replica.cli.ReplicaMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/snapdelta replica verify} against a real (embedded) broker: a stream produced Flink-free and
 * committed the way the job commits it, read back by the command with the job's own options.
 */
class ReplicaVerifyCommandTest {
    private static final int SHARDS = 4;
    private static final int PARTITIONS = 3;
    private static EmbeddedKafkaBroker kafka;
    private static ProducedStream stream;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.start();
        stream = ProducedStream.produce(SHARDS, 2000, 200, 50, 7);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The command's exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
    }

    private static Run replica(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReplicaMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String[] verifyArgs(String topic, String... more) {
        List<String> a = new ArrayList<>(List.of("verify", "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--deltas.topic", topic, "--shard.count", String.valueOf(SHARDS), "--idle-timeout", "PT30S"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void aCleanStreamVerifiesWithTheProducersDigestsAndExportsEveryTable() throws Exception {
        String topic = CommittedDeltas.topicWith(kafka, "cli-clean", PARTITIONS,
                stream.batches.stream().map(CommittedDeltas::record).toList());
        Path json = dir.resolve("out/verify.json");
        Path export = dir.resolve("export");
        Run r = replica(verifyArgs(topic, "--json", json.toString(), "--export-dir", export.toString()));

        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("VERIFIED"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.get("verified").asBoolean());
        assertEquals(PARTITIONS, j.get("partitions").asInt());
        assertEquals(stream.batches.size(), j.get("batches").asLong());
        assertEquals(0, j.get("gaps").asLong() + j.get("corrupt_batches").asLong() + j.get("digest_mismatches").asLong());
        assertEquals(0, j.get("problems").size());
        assertEquals(SHARDS, j.get("shards").size());
        for (JsonNode s : j.get("shards")) {
            int shard = s.get("shard").asInt();
            assertEquals(stream.finals.get(shard).digest(), s.get("final_digest").asText());
            assertEquals(stream.finals.get(shard).lastSequence(), s.get("last_sequence").asLong());
            assertTrue(r.out().contains(stream.finals.get(shard).digest()), "the digest of shard " + shard + " is printed");
        }
        // One CSV per table, a header and one line per live row of that table across all shards.
        long items = stream.rows.values().stream().flatMap(m -> m.keySet().stream())
                .filter(k -> k.table().equals(ProducedStream.ITEMS)).count();
        Path itemsCsv = Path.of(j.get("exported").get(ProducedStream.ITEMS.toString()).asText());
        assertEquals(items + 1, Files.readAllLines(itemsCsv).size());
        assertEquals(2, j.get("exported").size());
    }

    @Test
    void aCorruptBatchFailsTheCommandAndNamesTheShardAndBatch() throws Exception {
        ProducedStream.Sealed victim = stream.batch(2, 1);
        List<Rec> records = stream.batches.stream().map(b -> b == victim
                ? new Rec(b.shard(), DeltaStreamVerifierTest.flipBodyByte(b.bytes())) : CommittedDeltas.record(b)).toList();
        String topic = CommittedDeltas.topicWith(kafka, "cli-corrupt", PARTITIONS, records);
        Path json = dir.resolve("verify.json");
        Run r = replica(verifyArgs(topic, "--json", json.toString()));

        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT VERIFIED"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertFalse(j.get("verified").asBoolean());
        assertEquals(1, j.get("corrupt_batches").asLong());
        assertTrue(j.get("problems").get(0).asText().contains("shard 2"), j.get("problems").toString());
        // The other shards still verify to the producer's digests.
        for (JsonNode s : j.get("shards")) {
            if (s.get("shard").asInt() != 2) {
                assertEquals(stream.finals.get(s.get("shard").asInt()).digest(), s.get("final_digest").asText());
            }
        }
    }

    @Test
    void aSubsetOfShardsIsFollowedAlone() throws Exception {
        String topic = CommittedDeltas.topicWith(kafka, "cli-subset", PARTITIONS,
                stream.batches.stream().map(CommittedDeltas::record).toList());
        Path json = dir.resolve("subset.json");
        Run r = replica(verifyArgs(topic, "--shards", "1,3", "--json", json.toString()));

        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, j.get("shards").size());
        assertEquals(stream.finals.get(3).digest(), j.get("shards").get(1).get("final_digest").asText());
        assertEquals(stream.batchCount(1) + stream.batchCount(3), j.get("batches").asLong());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        Run badShard = replica(verifyArgs("any", "--shards", "9"));
        assertEquals(2, badShard.code());
        assertTrue(badShard.err().contains("9 is not a shard of shard.count = 4"), badShard.err());

        Run badOption = replica(verifyArgs("any", "--no-such.option", "1"));
        assertEquals(2, badOption.code());
        assertTrue(badOption.err().contains("no-such.option"), badOption.err());

        Run noSubcommand = replica();
        assertEquals(2, noSubcommand.code());
        assertTrue(noSubcommand.err().contains("verify"), noSubcommand.err());
    }
}
