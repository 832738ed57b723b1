package io.snapdelta.codec;

import io.snapdelta.config.Configuration;
import io.snapdelta.config.S3Options;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Dictionaries as objects {@code <prefix>/dictionaries/<id as 8 lower-case hex digits>.zdict}
 * (schemas/deltas-topic-v1.md) in an S3-compatible bucket. A publish is a create-only put
 * ({@code If-None-Match: *}): a dictionary is content-addressed and immutable, so when the object exists
 * (412, or 409 from a concurrent put) its bytes are compared, never overwritten. A fetch checks the bytes
 * against the id.
 */
public final class S3DictionaryStore implements DictionaryStore, AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3DictionaryStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** A store for {@code s3://bucket/prefix}, with the client settings of the {@code s3.*} options. */
    public static S3DictionaryStore forLocation(String location, Configuration config) {
        URI uri = URI.create(location);
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + location + "' is not s3://<bucket>/<prefix>");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return new S3DictionaryStore(client(config), uri.getHost(), path.startsWith("/") ? path.substring(1) : path);
    }

    /** An S3 client from the {@code s3.*} options (endpoint, region, path style, credentials). */
    public static S3Client client(Configuration config) {
        S3Options.checkCredentials(config);
        S3ClientBuilder b = S3Client.builder().region(Region.of(config.get(S3Options.REGION)))
                .forcePathStyle(config.get(S3Options.PATH_STYLE));
        String endpoint = config.get(S3Options.ENDPOINT);
        if (!endpoint.isEmpty()) {
            b.endpointOverride(URI.create(endpoint));
        }
        String access = config.get(S3Options.ACCESS_KEY);
        b.credentialsProvider(access.isEmpty() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(access, config.get(S3Options.SECRET_KEY).value())));
        return b.build();
    }

    public String keyOf(int id) {
        return (prefix.isEmpty() ? "" : prefix + "/") + "dictionaries/" + CompressionDictionary.idHex(id) + FileDictionaryStore.SUFFIX;
    }

    @Override
    public void publish(CompressionDictionary dictionary) throws IOException {
        String key = keyOf(dictionary.id());
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*").build(),
                    RequestBody.fromBytes(dictionary.bytes()));
        } catch (S3Exception e) {
            if (e.statusCode() != 412 && e.statusCode() != 409) {
                throw new IOException("cannot publish " + dictionary + " to s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
            }
            byte[] held = read(key).orElseThrow(() -> new IOException("s3://" + bucket + "/" + key
                    + " was refused as existing but cannot be read"));
            if (!Arrays.equals(held, dictionary.bytes())) {
                throw new IllegalStateException("s3://" + bucket + "/" + key + " already holds different bytes than " + dictionary);
            }
        }
    }

    @Override
    public Optional<CompressionDictionary> fetch(int id) throws IOException {
        Optional<byte[]> bytes = read(keyOf(id));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        CompressionDictionary d = CompressionDictionary.of(bytes.get());
        if (d.id() != id) {
            throw new IOException("s3://" + bucket + "/" + keyOf(id) + " is damaged: its bytes hash to id " + CompressionDictionary.idHex(d.id()));
        }
        return Optional.of(d);
    }

    private Optional<byte[]> read(String key) throws IOException {
        try {
            return Optional.of(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
