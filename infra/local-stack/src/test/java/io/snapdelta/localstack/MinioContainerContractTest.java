package io.snapdelta.localstack;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.DisabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The same S3 contract against a real MinIO in Docker, as a second opinion on the embedded server. Where
 * Docker is absent it reports itself as not run; {@link EmbeddedS3ServerContractTest} proves the same
 * contract against the embedded S3 server on every machine.
 */
@DisabledIf(value = "dockerIsMissing", disabledReason = "Docker is not available, so MinIO cannot run here; "
        + "the same S3 contract is proven against the embedded S3 server by EmbeddedS3ServerContractTest")
@Testcontainers(disabledWithoutDocker = true)
class MinioContainerContractTest extends S3Contract {
    /** Pinned: a real MinIO release tag (not run here, this machine has no Docker). */
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

    @Container
    static final MinIOContainer MINIO = new MinIOContainer(MINIO_IMAGE);

    private static S3Client client;

    static boolean dockerIsMissing() {
        return !DockerClientFactory.instance().isDockerAvailable();
    }

    @BeforeAll
    static void connect() {
        client = S3Client.builder().endpointOverride(URI.create(MINIO.getS3URL()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(MINIO.getUserName(), MINIO.getPassword())))
                .build();
        client.createBucket(b -> b.bucket("snapdelta-contract"));
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected S3Client client() {
        return client;
    }

    @Override
    protected String bucket() {
        return "snapdelta-contract";
    }
}
