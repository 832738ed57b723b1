package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OptionsRegistryTest {
    private static final Pattern KEY = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)+");

    @Test
    void findsEveryPublicOptionConstantOfEveryRegisteredClass() {
        List<String> keys = OptionsRegistry.options().stream().map(ConfigOption::key).toList();
        assertTrue(keys.containsAll(List.of("kafka.bootstrap-servers", "kafka.input-topics", "kafka.input-format",
                "kafka.dead-letter-topic", "kafka.transactional-id-prefix", "kafka.transaction-timeout",
                "kafka.sasl.password", "s3.endpoint", "s3.bucket", "s3.region", "s3.access-key", "s3.secret-key",
                "s3.path-style")), keys.toString());
        assertEquals(List.of("kafka.properties."), OptionsRegistry.prefixes().stream().map(ConfigPrefix::prefix).toList());
    }

    @Test
    void keysAreDottedLowercaseUniqueAndDescribed() {
        Set<String> seen = new HashSet<>();
        for (ConfigOption<?> o : OptionsRegistry.options()) {
            assertTrue(KEY.matcher(o.key()).matches(), "key must be dotted lowercase with dashes: " + o.key());
            assertTrue(seen.add(o.key()), "declared twice: " + o.key());
            assertFalse(o.description().isBlank(), "no description: " + o.key());
            assertTrue(o.description().endsWith("."), "description is a sentence: " + o.key());
        }
    }

    @Test
    void secretOptionsAreTypedPasswordOrLookSecret() {
        for (ConfigOption<?> o : OptionsRegistry.options()) {
            if (o.key().contains("password") || o.key().contains("secret")) {
                assertTrue(o.type().isSecret(), o.key() + " holds a secret and must be a Password option");
            }
        }
        assertTrue(SecretKeys.looksSecret(S3Options.ACCESS_KEY.key()));
    }

    @Test
    void everyOptionIsLoadableByItsKeyAndNoPrefixShadowsAnOption() {
        ConfigLoader loader = ConfigLoader.forRegistry();
        for (ConfigOption<?> o : OptionsRegistry.options()) {
            for (ConfigPrefix p : OptionsRegistry.prefixes()) {
                assertFalse(p.covers(o.key()), o.key() + " lies under pass-through prefix " + p);
            }
            assertTrue(loader.closeMatches(o.key() + "x").contains(o.key()), "a one-letter typo of " + o.key() + " suggests it");
        }
    }
}
