package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaOptionsTest {

    @Test
    void plaintextClientPropertiesCarryBootstrapAndPassThroughWhichWins() {
        Configuration c = ConfigLoader.forRegistry().load(null, List.of(
                "--kafka.bootstrap-servers", "127.0.0.1:9092,127.0.0.1:9093",
                "--kafka.properties.linger.ms=5",
                "--kafka.properties.security.protocol", "SSL"));
        Map<String, String> props = KafkaOptions.clientProperties(c);
        assertEquals("127.0.0.1:9092,127.0.0.1:9093", props.get("bootstrap.servers"));
        assertEquals("5", props.get("linger.ms"));
        assertEquals("SSL", props.get("security.protocol"), "kafka.properties.* is applied last");
        assertFalse(props.containsKey("sasl.jaas.config"));
    }

    @Test
    void saslUserAndPasswordBecomeAQuotedJaasConfig() {
        Configuration c = ConfigLoader.forRegistry().load(null, List.of(
                "--kafka.bootstrap-servers", "broker:9093",
                "--kafka.security-protocol", "SASL_SSL",
                "--kafka.sasl.mechanism", "SCRAM-SHA-512",
                "--kafka.sasl.username", "svc",
                "--kafka.sasl.password", "p\"w\\d"));
        Map<String, String> props = KafkaOptions.clientProperties(c);
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"p\\\"w\\\\d\";",
                props.get("sasl.jaas.config"));
        assertTrue(c.toString().contains("kafka.sasl.password=[hidden]"), c.toString());
    }

    @Test
    void s3CredentialsMustComeInPairs() {
        Configuration onlyAccess = ConfigLoader.forRegistry().load(null, List.of("--s3.access-key", "AK"));
        ConfigException e = assertThrows(ConfigException.class, () -> S3Options.checkCredentials(onlyAccess));
        assertEquals("Set both s3.access-key and s3.secret-key, or neither (default credential chain); only s3.access-key is set", e.getMessage());
        S3Options.checkCredentials(ConfigLoader.forRegistry().load(null, List.of()));
        S3Options.checkCredentials(ConfigLoader.forRegistry().load(null, List.of("--s3.access-key", "AK", "--s3.secret-key", "SK")));
    }
}
