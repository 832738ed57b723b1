package io.snapdelta.config;

import java.util.regex.Pattern;

/**
 * The S3-compatible object store (AWS S3, MinIO, S3Proxy, ...) that holds baseline snapshots and manifests.
 * Empty credentials mean the AWS SDK's default credential chain (environment, profile, instance role).
 */
public final class S3Options {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public static final ConfigOption<String> ENDPOINT = ConfigOption.key("s3.endpoint")
            .stringType().defaultValue("").validator(Validators.emptyOrHttpUrl())
            .description("Endpoint URL of an S3-compatible server, e.g. http://127.0.0.1:9000 for MinIO. "
                    + "Empty: AWS S3 in s3.region.");

    public static final ConfigOption<String> BUCKET_NAME = ConfigOption.key("s3.bucket")
            .stringType().noDefaultValue().validator(bucket())
            .description("Bucket that holds snapshots and manifests. Required.");

    public static final ConfigOption<String> REGION = ConfigOption.key("s3.region")
            .stringType().defaultValue("us-east-1").validator(Validators.nonEmpty())
            .description("Region for request signing (S3-compatible servers usually accept any, commonly us-east-1).");

    public static final ConfigOption<String> ACCESS_KEY = ConfigOption.key("s3.access-key")
            .stringType().defaultValue("")
            .description("Access key id. Empty (with s3.secret-key empty): the AWS default credential chain. Not printed.");

    public static final ConfigOption<Password> SECRET_KEY = ConfigOption.key("s3.secret-key")
            .passwordType().defaultValue(new Password(""))
            .description("Secret access key. Never printed or logged.");

    public static final ConfigOption<Boolean> PATH_STYLE = ConfigOption.key("s3.path-style")
            .booleanType().defaultValue(false)
            .description("Path-style URLs (http://host/bucket/key) instead of virtual-hosted ones "
                    + "(http://bucket.host/key). MinIO and S3Proxy on an IP address or localhost need true.");

    private S3Options() {
    }

    /** Both credentials set, or both empty: one without the other is a mistake, reported naming both keys. */
    public static void checkCredentials(Configuration config) {
        boolean access = !config.get(ACCESS_KEY).isEmpty();
        boolean secret = !config.get(SECRET_KEY).value().isEmpty();
        if (access != secret) {
            throw new ConfigException(access ? SECRET_KEY.key() : ACCESS_KEY.key(),
                    "Set both " + ACCESS_KEY.key() + " and " + SECRET_KEY.key() + ", or neither (default credential chain); only "
                            + (access ? ACCESS_KEY.key() : SECRET_KEY.key()) + " is set");
        }
    }

    private static Validator<String> bucket() {
        return new Validator<>() {
            @Override
            public String check(String value) {
                return BUCKET.matcher(value).matches() && !value.contains("..")
                        ? null : "is not a valid bucket name (3-63 of lowercase letters, digits, '.', '-'; starts and ends with a letter or digit)";
            }

            @Override
            public String describe() {
                return "bucket name (3-63 chars)";
            }
        };
    }
}
