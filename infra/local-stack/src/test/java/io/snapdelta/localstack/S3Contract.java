package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 behaviour snapdelta relies on, as a contract every S3 implementation we run against must pass
 * (subclasses supply the server). Each test works under its own random key prefix in {@link #bucket()}.
 */
abstract class S3Contract {
    /** A client for the server under test (owned by the subclass). */
    protected abstract S3Client client();

    /** An existing bucket on the server under test. */
    protected abstract String bucket();

    private String prefix;

    @BeforeEach
    void uniquePrefix() {
        prefix = "contract-" + UUID.randomUUID() + "/";
    }

    @Test
    void putThenGetReturnsTheSameBytes() {
        byte[] small = "hello snapdelta".getBytes(StandardCharsets.UTF_8);
        byte[] large = new byte[1 << 20];
        new Random(42).nextBytes(large);
        put(prefix + "small", small);
        put(prefix + "large", large);

        assertArrayEquals(small, get(prefix + "small"));
        assertArrayEquals(large, get(prefix + "large"));
        assertEquals(large.length, client().headObject(b -> b.bucket(bucket()).key(prefix + "large")).contentLength());
    }

    @Test
    void listWithPrefixPagesThroughExactlyTheMatchingKeysInOrder() {
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String key = prefix + "a/" + String.format("%020d", i) + ".json";
            wanted.add(key);
            put(key, ("object " + i).getBytes(StandardCharsets.UTF_8));
        }
        put(prefix + "b/outside.json", new byte[] {1});
        put(prefix + "a-sibling", new byte[] {2}); // shares the textual prefix "a" but not "a/"

        List<String> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String continuation = token;
            ListObjectsV2Response page = client().listObjectsV2(b -> b.bucket(bucket()).prefix(prefix + "a/")
                    .maxKeys(3).continuationToken(continuation));
            assertTrue(page.contents().size() <= 3, "page larger than maxKeys: " + page.contents().size());
            page.contents().stream().map(S3Object::key).forEach(listed::add);
            token = page.isTruncated() ? page.nextContinuationToken() : null;
            pages++;
        } while (token != null && pages < 10);

        assertEquals(wanted, listed);
        assertEquals(3, pages, "7 keys with maxKeys=3 must take 3 pages");
    }

    @Test
    void deletedObjectIsGoneFromGetAndList() {
        put(prefix + "doomed", new byte[] {7});
        put(prefix + "kept", new byte[] {8});

        client().deleteObject(b -> b.bucket(bucket()).key(prefix + "doomed"));

        assertThrows(NoSuchKeyException.class, () -> get(prefix + "doomed"));
        List<String> left = client().listObjectsV2(b -> b.bucket(bucket()).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
        assertEquals(List.of(prefix + "kept"), left);
    }

    @Test
    void createOnlyPutIsRefusedWith412WhenTheKeyExistsAndLeavesTheContentUnchanged() {
        String key = prefix + "manifests/" + String.format("%020d", 1) + ".json";
        byte[] first = "{\"manifest\":1,\"writer\":\"first\"}".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"manifest\":1,\"writer\":\"second\"}".getBytes(StandardCharsets.UTF_8);

        assertNotNull(client().putObject(b -> b.bucket(bucket()).key(key).ifNoneMatch("*"),
                RequestBody.fromBytes(first)).eTag());
        S3Exception refused = assertThrows(S3Exception.class, () -> client().putObject(
                b -> b.bucket(bucket()).key(key).ifNoneMatch("*"), RequestBody.fromBytes(second)));

        assertEquals(412, refused.statusCode(), "expected 412 Precondition Failed, got " + refused);
        assertArrayEquals(first, get(key));
    }

    @Test
    void getOfAMissingKeyIs404NoSuchKey() {
        NoSuchKeyException e = assertThrows(NoSuchKeyException.class, () -> get(prefix + "never-written"));
        assertEquals(404, e.statusCode());
        assertFalse(e.getMessage().isEmpty());
    }

    private void put(String key, byte[] bytes) {
        client().putObject(b -> b.bucket(bucket()).key(key), RequestBody.fromBytes(bytes));
    }

    private byte[] get(String key) {
        return client().getObjectAsBytes(b -> b.bucket(bucket()).key(key)).asByteArray();
    }
}
