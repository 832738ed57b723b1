package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 contract, proven against the embedded S3Proxy server over HTTP on 127.0.0.1. */
class EmbeddedS3ServerContractTest extends S3Contract {
    private static EmbeddedS3Server server;
    private static S3Client client;

    @BeforeAll
    static void startServer(@TempDir Path dir) {
        server = EmbeddedS3Server.start(dir);
        server.createBucket("snapdelta-contract");
        client = server.newClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @Override
    protected S3Client client() {
        return client;
    }

    @Override
    protected String bucket() {
        return "snapdelta-contract";
    }

    @Test
    void requestsSignedWithAWrongSecretAreRejected() {
        try (S3Client intruder = S3Client.builder().endpointOverride(server.endpoint())
                .region(EmbeddedS3Server.REGION).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), "not-the-secret")))
                .build()) {
            S3Exception e = assertThrows(S3Exception.class, () -> intruder.listObjectsV2(b -> b.bucket(bucket())));
            assertEquals(403, e.statusCode());
        }
    }

    @Test
    void secretKeyNeverAppearsInItsStringForm() {
        assertEquals("[hidden]", server.secretKey().toString());
        assertFalse(server.secretKey().value().isEmpty());
    }

    @Test
    void createBucketIsIdempotentAndStoresUnderTheDataDir() {
        server.createBucket("snapdelta-contract");
        assertTrue(Files.isDirectory(server.dataDir().resolve("snapdelta-contract")));
    }

    @Test
    void closeStopsTheServerAndDeletesItsData(@TempDir Path parent) {
        EmbeddedS3Server other = EmbeddedS3Server.start(parent);
        other.createBucket("short-lived");
        Path data = other.dataDir();
        other.close();
        other.close(); // idempotent
        assertFalse(Files.exists(data), "close() must delete " + data);
        try (S3Client s3 = other.newClient()) {
            assertThrows(Exception.class, s3::listBuckets, "server still answers after close()");
        }
    }
}
