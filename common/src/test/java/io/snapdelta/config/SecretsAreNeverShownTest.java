package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsAreNeverShownTest {
    private static final String S3_SECRET = "wJalrXUtnFEMI-K7MDENG";
    private static final String SASL_SECRET = "kafka-pa55word";
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";

    @TempDir
    Path dir;

    @Test
    void loadedConfigurationPrintsEverySecretAsHidden() throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "s3.secret-key: " + S3_SECRET + "\n"
                + "s3.access-key: " + ACCESS_KEY + "\n"
                + "kafka.properties.sasl.jaas.config: \"PlainLoginModule required username=\\\"u\\\" password=\\\"" + SASL_SECRET + "\\\";\"\n"
                + "kafka.properties.ssl.truststore.password: " + SASL_SECRET + "\n"
                + "kafka.group-id: visible\n");
        Configuration c = ConfigLoader.forRegistry().load(f, List.of("--kafka.sasl.password", SASL_SECRET));
        String shown = c.toString();
        assertFalse(shown.contains(S3_SECRET), shown);
        assertFalse(shown.contains(SASL_SECRET), shown);
        assertFalse(shown.contains(ACCESS_KEY), shown);
        assertTrue(shown.contains("s3.secret-key=[hidden]"), shown);
        assertTrue(shown.contains("kafka.properties.sasl.jaas.config=[hidden]"), shown);
        assertTrue(shown.contains("kafka.sasl.password=[hidden]"), shown);
        assertTrue(shown.contains("kafka.group-id=visible"), shown);
        assertEquals(S3_SECRET, c.get(S3Options.SECRET_KEY).value(), "the program still gets the secret");
        assertEquals("[hidden]", c.get(S3Options.SECRET_KEY).toString());
    }

    @Test
    void aDeclaredPasswordOptionIsHiddenEvenWhenItsKeyDoesNotLookSecret() {
        ConfigOption<Password> token = ConfigOption.key("replica.auth").passwordType().noDefaultValue().description("t");
        ConfigLoader loader = new ConfigLoader(List.of(token), List.of());
        Configuration loaded = loader.load(null, List.of("--replica.auth", SASL_SECRET));
        assertEquals("{replica.auth=[hidden]}", loaded.toString());
        Configuration set = new Configuration().set(token, new Password(SASL_SECRET));
        assertEquals("{replica.auth=[hidden]}", set.toString());
        assertEquals(SASL_SECRET, set.get(token).value());
    }

    @Test
    void errorsAboutSecretValuesNeverContainThem() {
        ConfigOption<Password> longEnough = ConfigOption.key("t.secret").passwordType().noDefaultValue()
                .validator(p -> p.value().length() < 40 ? "must be at least 40 characters" : null).description("p");
        ConfigLoader loader = new ConfigLoader(List.of(longEnough), List.of(KafkaOptions.CLIENT_PROPERTIES));
        ConfigException invalid = assertThrows(ConfigException.class, () -> loader.load(null, List.of("--t.secret=" + SASL_SECRET)));
        assertEquals("argument --t.secret: Invalid value [hidden] for configuration t.secret: must be at least 40 characters", invalid.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> loader.load(null, List.of("--t.secrets", SASL_SECRET)));
        assertFalse(unknown.getMessage().contains(SASL_SECRET), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("Did you mean: t.secret"), unknown.getMessage());
        ConfigException direct = assertThrows(ConfigException.class, () -> longEnough.validate(new Password(SASL_SECRET)));
        assertFalse(direct.getMessage().contains(SASL_SECRET), direct.getMessage());
    }

    @Test
    void aBadLineInAFileNeverEchoesItsValue() throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "s3.secret-key: \"" + S3_SECRET + "\" trailing\nkafka.sasl.pasword: " + SASL_SECRET + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.forRegistry().load(f, List.of()));
        assertFalse(e.getMessage().contains(S3_SECRET), e.getMessage());
        assertFalse(e.getMessage().contains(SASL_SECRET), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean: kafka.sasl.password"), e.getMessage());
    }
}
