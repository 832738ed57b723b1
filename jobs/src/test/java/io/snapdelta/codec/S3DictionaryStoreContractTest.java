package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.BatchLayout;
import io.snapdelta.format.DeltaBatch;
import io.snapdelta.format.DeltaBatchReader;
import io.snapdelta.format.DeltaBatchWriter;
import io.snapdelta.format.SealedBatch;
import io.snapdelta.format.TableSchemaRegistry;
import io.snapdelta.localstack.EmbeddedS3Server;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@link DictionaryStore} contract (spec: "Dictionaries" in schemas/deltas-topic-v1.md) for
 * {@link S3DictionaryStore} against a real S3-protocol server on 127.0.0.1 ({@link EmbeddedS3Server}, S3Proxy),
 * configured the way the job configures it: {@code s3://bucket/prefix} plus the {@code s3.*} options. Lives in
 * jobs because common cannot depend on the local stack.
 */
class S3DictionaryStoreContractTest {
    private static final String BUCKET = "dictionaries-contract";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static EmbeddedS3Server server;
    static S3Client raw;

    @BeforeAll
    static void startServer(@TempDir Path dir) {
        server = EmbeddedS3Server.start(dir);
        server.createBucket(BUCKET);
        raw = server.newClient();
    }

    @AfterAll
    static void stopServer() {
        if (raw != null) {
            raw.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The s3.* options that reach this server, as an operator writes them. */
    static Configuration s3Options(EmbeddedS3Server server) {
        return Configuration.fromMap(Map.of(
                "s3.endpoint", server.endpoint().toString(),
                "s3.region", EmbeddedS3Server.REGION.id(),
                "s3.access-key", server.accessKey(),
                "s3.secret-key", server.secretKey().value(),
                "s3.path-style", "true"));
    }

    /** A store under a prefix no other test uses. */
    private static S3DictionaryStore newStore() {
        return S3DictionaryStore.forLocation("s3://" + BUCKET + "/contract-" + PREFIXES.incrementAndGet(), s3Options(server));
    }

    /** A second store on the same location with its own client, as a replica elsewhere would have. */
    private static S3DictionaryStore sameLocation(S3DictionaryStore store) {
        String prefix = store.keyOf(0).substring(0, store.keyOf(0).indexOf("/dictionaries/"));
        return S3DictionaryStore.forLocation("s3://" + BUCKET + "/" + prefix, s3Options(server));
    }

    private static byte[] object(String key) {
        return raw.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    private static CompressionDictionary dictionary(String text) {
        return CompressionDictionary.of(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIdNobodyPublishedIsUnknown() throws Exception {
        try (S3DictionaryStore store = newStore()) {
            assertTrue(store.fetch(dictionary("never published").id()).isEmpty());
        }
    }

    @Test
    void aPublishedDictionaryIsAnObjectNamedByItsIdAndAnotherClientFetchesItVerified() throws Exception {
        CompressionDictionary d = dictionary("pgbench_accounts pgbench_tellers pgbench_branches");
        try (S3DictionaryStore writer = newStore(); S3DictionaryStore replica = sameLocation(writer)) {
            writer.publish(d);
            String key = writer.keyOf(d.id());
            assertTrue(key.endsWith("/dictionaries/" + CompressionDictionary.idHex(d.id()) + ".zdict"), key);
            assertArrayEquals(d.copyOfBytes(), object(key));
            CompressionDictionary fetched = replica.fetch(d.id()).orElseThrow();
            assertEquals(d, fetched);
            assertArrayEquals(d.copyOfBytes(), fetched.copyOfBytes());
        }
    }

    @Test
    void publishingTheSameBytesAgainIsANoOpAlsoFromAnotherWriter() throws Exception {
        CompressionDictionary d = dictionary("the same dictionary twice");
        try (S3DictionaryStore first = newStore(); S3DictionaryStore second = sameLocation(first)) {
            first.publish(d);
            String etag = raw.headObject(b -> b.bucket(BUCKET).key(first.keyOf(d.id()))).eTag();
            first.publish(dictionary("the same dictionary twice"));
            second.publish(d);
            assertEquals(etag, raw.headObject(b -> b.bucket(BUCKET).key(first.keyOf(d.id()))).eTag());
            assertEquals(d, second.fetch(d.id()).orElseThrow());
        }
    }

    @Test
    void concurrentWritersPublishingOneDictionaryAllSucceedAndOneObjectRemains() throws Exception {
        CompressionDictionary d = dictionary("raced by four writers at once");
        S3DictionaryStore origin = newStore();
        List<S3DictionaryStore> writers = List.of(origin, sameLocation(origin), sameLocation(origin), sameLocation(origin));
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (S3DictionaryStore w : writers) {
                Callable<Void> publish = () -> {
                    w.publish(d);
                    return null;
                };
                done.add(pool.submit(publish));
            }
            for (Future<Void> f : done) {
                f.get(); // each one either created the object or found the same bytes there
            }
        } finally {
            pool.shutdownNow();
            writers.forEach(S3DictionaryStore::close);
        }
        assertArrayEquals(d.copyOfBytes(), object(origin.keyOf(d.id())));
    }

    @Test
    void publishingDifferentBytesUnderAnExistingIdFailsAndLeavesTheObjectAlone() throws Exception {
        CompressionDictionary d = dictionary("what the id promises");
        byte[] squatter = "other bytes under the same id".getBytes(StandardCharsets.UTF_8);
        try (S3DictionaryStore store = newStore()) {
            String key = store.keyOf(d.id());
            raw.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(squatter));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.publish(d));
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains("different bytes"), e.getMessage());
            assertArrayEquals(squatter, object(key), "create-only: the existing object must not be overwritten");
        }
    }

    @Test
    void aFetchedObjectWhoseBytesDoNotHashToItsIdIsRefusedAsDamaged() throws Exception {
        CompressionDictionary d = dictionary("to be damaged in the bucket");
        try (S3DictionaryStore store = newStore()) {
            store.publish(d);
            byte[] damaged = d.copyOfBytes();
            damaged[0] ^= 1;
            raw.putObject(b -> b.bucket(BUCKET).key(store.keyOf(d.id())), RequestBody.fromBytes(damaged));
            IOException e = assertThrows(IOException.class, () -> store.fetch(d.id()));
            assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains(store.keyOf(d.id())), e.getMessage());
        }
    }

    @Test
    void aWrongSecretFailsPublishAndFetchWithTheObjectNamedNeverAsUnknown() {
        Map<String, String> wrong = new java.util.HashMap<>(s3Options(server).toMap());
        wrong.put("s3.secret-key", "not-the-secret");
        CompressionDictionary d = dictionary("refused");
        try (S3DictionaryStore store = S3DictionaryStore.forLocation("s3://" + BUCKET + "/wrong-secret", Configuration.fromMap(wrong))) {
            IOException publish = assertThrows(IOException.class, () -> store.publish(d));
            assertTrue(publish.getMessage().contains(store.keyOf(d.id())), publish.getMessage());
            IOException fetch = assertThrows(IOException.class, () -> store.fetch(d.id()));
            assertTrue(fetch.getMessage().contains(store.keyOf(d.id())), fetch.getMessage());
            assertTrue(!publish.getMessage().contains("not-the-secret") && !fetch.getMessage().contains("not-the-secret"));
        }
    }

    @Test
    void aLocationThatIsNotAnS3UriIsRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3DictionaryStore.forLocation("file:///tmp/dicts", s3Options(server)));
        assertTrue(e.getMessage().contains("file:///tmp/dicts"), e.getMessage());
    }

    /**
     * Publish before use: a writer compressing with trained dictionaries publishes each one to S3 before it
     * returns the first batch naming it, so a replica that only has the bucket decodes every batch at once.
     */
    @Test
    void everyBatchNamingADictionaryDecodesAtOnceFromTheBucketAlone() throws Exception {
        DeltaFormatOptions options = DeltaFormatOptions.defaults()
                .with(DeltaFormatOptions.CODEC, DeltaFormatOptions.CodecMode.ZSTD_DICT)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 16)
                .with(DeltaFormatOptions.DICTIONARY_SIZE, new io.snapdelta.config.MemorySize(2048));
        TableId history = TableId.of("public", "pgbench_history");
        RowSchema keySchema = RowSchema.of(new String[] {"hid"}, new FieldType[] {FieldType.INT64});
        RowSchema rowSchema = RowSchema.of(new String[] {"hid", "tid", "bid", "aid", "delta", "note"},
                new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.STRING});
        Set<Integer> dictionariesSeen = new HashSet<>();
        long hid = 0;
        try (S3DictionaryStore writerStore = newStore(); S3DictionaryStore replicaStore = sameLocation(writerStore);
             DeltaBatchWriter writer = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.create(options, writerStore));
             DeltaBatchReader replica = new DeltaBatchReader(options, new TableSchemaRegistry(), replicaStore)) {
            byte[] digest = new byte[BatchLayout.DIGEST_LENGTH];
            for (int seq = 0; seq < 40; seq++) {
                List<DeltaOp> ops = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    hid++;
                    ops.add(new DeltaOp.Insert(history, Row.of(keySchema, hid), Row.of(rowSchema, hid, hid % 10, 1L,
                            (hid * 7919) % 100_000, (hid * 31) % 5000 - 2500, "teller " + hid % 10 + " branch 1 account " + (hid * 7919) % 100_000 + " filler " + "x".repeat((int) (hid % 13)))));
                }
                byte[] sealed = writer.write(new DeltaBatch(0, seq, Version.ZERO, Version.ZERO, ops, digest, digest));
                SealedBatch decoded = replica.read(sealed, (t, k) -> null);
                assertEquals(ops, decoded.ops(), "batch " + seq);
                if (decoded.header().codec() == CodecId.ZSTD_DICT) {
                    dictionariesSeen.add(decoded.header().dictionaryId());
                }
            }
            assertTrue(!dictionariesSeen.isEmpty(), "no batch used a trained dictionary; last decision " + writer.selector().lastDecision());
            for (int id : dictionariesSeen) {
                assertTrue(object(writerStore.keyOf(id)).length > 0, "dictionary " + CompressionDictionary.idHex(id) + " in the bucket");
            }
        }
    }
}
