package io.snapdelta.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import io.snapdelta.config.Password;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A real S3-protocol server (S3Proxy with a filesystem blob store) inside this JVM, on 127.0.0.1 with a
 * free port, requiring AWS signature v2/v4 with credentials generated per instance.
 *
 * <p>Verified behaviour that snapdelta relies on (see {@code EmbeddedS3ServerContractTest}): put, get,
 * list with prefix and pagination, delete, and an {@code If-None-Match: *} put that is refused with 412
 * when the key exists (atomic: S3Proxy publishes such a put with a hard link). {@code If-Match} is
 * honoured but is <em>not</em> atomic under concurrent writers, so nothing should depend on it.
 *
 * <p>The secret key is a {@link Password}: it prints as {@code [hidden]} and is never logged.
 */
public final class EmbeddedS3Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);
    /** The region clients should sign for; S3Proxy accepts any, this one is what {@link #newClient()} uses. */
    public static final Region REGION = Region.US_EAST_1;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Proxy proxy;
    private final Path dataDir;
    private final URI endpoint;
    private final String accessKey;
    private final Password secretKey;
    private boolean closed;

    private EmbeddedS3Server(S3Proxy proxy, Path dataDir, URI endpoint, String accessKey, Password secretKey) {
        this.proxy = proxy;
        this.dataDir = dataDir;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts a server with its objects in a new directory under {@code java.io.tmpdir}. */
    public static EmbeddedS3Server start() {
        return start(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Starts a server with its objects in a new directory under {@code parentDir} (removed by {@link #close()}). */
    public static EmbeddedS3Server start(Path parentDir) {
        long started = System.nanoTime();
        Path dataDir = WorkDirs.create(parentDir, "s3");
        String accessKey = "snapdelta-" + randomHex(8);
        Password secretKey = new Password(randomHex(20));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dataDir.toString()))
                .endpoint(URI.create("http://" + Loopback.HOST + ":0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey.value())
                // The SDK's multipart upload client sends x-amz-mp-object-size, which S3Proxy rejects with 501 otherwise.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            awaitStarted(proxy);
        } catch (Exception e) {
            stopQuietly(proxy);
            deleteQuietly(dataDir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("S3 server failed to start: " + e.getMessage(), e);
        }
        URI endpoint = URI.create("http://" + Loopback.HOST + ":" + proxy.getPort());
        LOG.info("S3 server (S3Proxy, filesystem store) ready at {} in {} ms; access key {}; data in {}",
                endpoint, (System.nanoTime() - started) / 1_000_000, accessKey, dataDir);
        return new EmbeddedS3Server(proxy, dataDir, endpoint, accessKey, secretKey);
    }

    private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy state is " + proxy.getState() + " after " + STARTUP_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** {@code http://127.0.0.1:<port>}; clients must use path-style addressing. */
    public URI endpoint() {
        return endpoint;
    }

    /** The socket address the server listens on (always 127.0.0.1). */
    public InetSocketAddress address() {
        return new InetSocketAddress(Loopback.HOST, proxy.getPort());
    }

    /** The access key id (not secret; fine to log). */
    public String accessKey() {
        return accessKey;
    }

    /** The secret access key; {@code toString()} is {@code [hidden]}, use {@code value()} to sign requests. */
    public Password secretKey() {
        return secretKey;
    }

    /** Where the filesystem blob store keeps buckets (one directory each); removed by {@link #close()}. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * A new AWS SDK v2 client for this server: path-style, region us-east-1, this server's credentials.
     * The caller closes it.
     */
    public S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKey, secretKey.value())))
                .build();
    }

    /**
     * Creates a bucket through the S3 API (a bucket that already exists is fine). Names follow S3's rules:
     * 3-63 characters, lower-case letters, digits, dots and hyphens.
     */
    public void createBucket(String name) {
        try (S3Client s3 = newClient()) {
            s3.createBucket(b -> b.bucket(name));
        } catch (BucketAlreadyOwnedByYouException e) {
            LOG.debug("bucket {} already exists", name);
        }
    }

    /** Stops the server and deletes its objects. Calling it twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        stopQuietly(proxy);
        deleteQuietly(dataDir);
        LOG.info("S3 server {} stopped in {} ms", endpoint, (System.nanoTime() - started) / 1_000_000);
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("S3Proxy did not stop cleanly", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            WorkDirs.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete S3 data directory {}", dir, e);
        }
    }
}
