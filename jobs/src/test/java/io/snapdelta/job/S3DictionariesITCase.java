package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecId;
import io.snapdelta.codec.S3DictionaryStore;
import io.snapdelta.config.Configuration;
import io.snapdelta.localstack.EmbeddedS3Server;
import io.snapdelta.model.Row;
import io.snapdelta.shard.TableKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The job with {@code delta.codec zstd-dict} publishing its trained dictionaries to a real S3-protocol server
 * ({@code deltas.dictionary-location s3://...}, S3Proxy on 127.0.0.1), on a MiniCluster against a real Kafka
 * broker: a replica that has only the deltas topic and the bucket (its own S3 client) replays every committed
 * batch strictly and reaches the input's state and the job's final digests.
 */
class S3DictionariesITCase extends KafkaAndFlinkServers {
    private static final int SHARDS = 2;
    private static final int DELTA_PARTITIONS = 2;
    private static final String BUCKET = "snapdelta-dicts";
    private static final String PREFIX = "it/job";

    static EmbeddedS3Server s3;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3Server.start(dir);
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static Map<String, String> s3Options() {
        return Map.of("s3.endpoint", s3.endpoint().toString(), "s3.region", EmbeddedS3Server.REGION.id(),
                "s3.access-key", s3.accessKey(), "s3.secret-key", s3.secretKey().value(), "s3.path-style", "true");
    }

    @Test
    void dictionaryCompressedDeltasReplayFromTheTopicAndTheBucketToTheInputsStateAndTheJobsDigests() throws Exception {
        String name = "s3dict";
        kafka.createTopic(name + ".input", 1);
        kafka.createTopic(name + ".dlq", 1);
        kafka.createTopic(name + ".deltas", DELTA_PARTITIONS);
        CaptureSlice slice = CaptureSlice.of(3000, 4000, 50);
        produce(name + ".input", slice.lines);

        Map<String, String> m = shardedJobConfig(name, SHARDS, true);
        m.putAll(s3Options());
        m.put("deltas.dictionary-location", "s3://" + BUCKET + "/" + PREFIX);
        m.put("delta.codec", "zstd-dict");
        m.put("delta.codec.dictionary.training-batches", "16"); // 8 samples: zstd says "nb of samples too low"
        m.put("batch.max-changes", "40");
        m.put("batch.latency-budget", "200ms");
        Configuration config = Configuration.fromMap(m);
        StreamExecutionEnvironment env = flink.environment(SnapdeltaJob.flinkConfiguration(config));
        SnapdeltaJob.define(env, config, Parsers.from(config));
        JobExecutionResult result = env.executeAsync("S3 dictionaries IT").getJobExecutionResult().get(3, TimeUnit.MINUTES);

        DeltasTopicReplay replay;
        try (S3DictionaryStore bucket = S3DictionaryStore.forLocation("s3://" + BUCKET + "/" + PREFIX, Configuration.fromMap(s3Options()))) {
            replay = DeltasTopicReplay.readCommitted(kafka.bootstrapServers(), name + ".deltas", DELTA_PARTITIONS, bucket);
        }
        Map<TableKey, Row> expected = slice.expectedState();
        assertEquals(expected.size(), replay.state().size(), "rows held by the replica");
        assertTrue(expected.equals(replay.state()), "replayed state differs from last-version-wins over the input");
        Map<Integer, String> finals = result.getAccumulatorResult(ShardFinalAccumulator.NAME);
        assertEquals(replay.finals(SHARDS), finals, "the job's final digests and last sequences vs the replayed ones");
        assertTrue(replay.codecs.getOrDefault(CodecId.ZSTD_DICT, 0) > 0, "no committed batch used a dictionary: " + replay.codecs);

        List<String> published;
        try (S3Client client = s3.newClient()) {
            published = client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "/dictionaries/")).contents().stream()
                    .map(S3Object::key).collect(Collectors.toList());
        }
        assertTrue(!published.isEmpty() && published.stream().allMatch(k -> k.matches(PREFIX + "/dictionaries/[0-9a-f]{8}\\.zdict")),
                "dictionary objects: " + published);
    }
}
