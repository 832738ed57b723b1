package io.snapdelta.config;

import java.util.Locale;

/** Recognises keys that hold secrets even when they are not declared options (pass-through Kafka / S3 props). */
public final class SecretKeys {
    private SecretKeys() {
    }

    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas.config")
                || k.contains("credential") || k.endsWith(".token") || k.contains("access-key") || k.contains("access.key");
    }
}
