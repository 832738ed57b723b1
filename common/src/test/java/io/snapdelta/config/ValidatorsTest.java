package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorsTest {

    @Test
    void rangesAcceptTheirBoundsAndDescribeThemInFileSpelling() {
        Validator<Duration> v = Validators.between(Duration.ofSeconds(1), Duration.ofMinutes(15));
        assertNull(v.check(Duration.ofSeconds(1)));
        assertNull(v.check(Duration.ofMinutes(15)));
        assertEquals("must be between 1s and 15min", v.check(Duration.ofMillis(999)));
        assertEquals("must be between 1s and 15min", v.check(Duration.ofMinutes(16)));
        assertEquals("[1s,...,15min]", v.describe());
        assertEquals("must be at least 64mb", Validators.atLeast(MemorySize.parse("64mb")).check(MemorySize.parse("1mb")));
        assertEquals("[1,...]", Validators.atLeast(1).describe());
        assertThrows(IllegalArgumentException.class, () -> Validators.between(2, 1));
    }

    @Test
    void positiveDurationRejectsZeroAndNegative() {
        assertEquals("must be positive", Validators.positiveDuration().check(Duration.ZERO));
        assertEquals("must be positive", Validators.positiveDuration().check(Duration.ofSeconds(-1)));
        assertNull(Validators.positiveDuration().check(Duration.ofMillis(1)));
    }

    @Test
    void hostPortListChecksEveryEntry() {
        Validator<List<String>> v = Validators.hostPortList();
        assertNull(v.check(List.of("127.0.0.1:9092", "broker-1.example:19092", "[::1]:9092")));
        assertEquals("must name at least one host:port", v.check(List.of()));
        assertEquals("entry 'localhost' is not host:port", v.check(List.of("localhost")));
        assertEquals("entry 'h:0' has a port outside 1..65535", v.check(List.of("h:1", "h:0")));
        assertEquals("entry 'h:http' has a port that is not a number", v.check(List.of("h:http")));
        assertEquals("entry 'a b:1' has an invalid host 'a b'", v.check(List.of("a b:1")));
    }

    @Test
    void urlOneOfNonEmptyAndCombined() {
        assertNull(Validators.emptyOrHttpUrl().check(""));
        assertNull(Validators.emptyOrHttpUrl().check("https://s3.eu-west-1.amazonaws.com"));
        assertEquals("must be an http:// or https:// URL with a host", Validators.emptyOrHttpUrl().check("127.0.0.1:9000"));
        assertEquals("must be one of A, B", Validators.oneOf("A", "B").check("a"));
        assertEquals("must not be empty", Validators.nonEmpty().check("  "));
        Validator<Integer> both = Validators.all(Validators.atLeast(1), Validators.between(0, 10));
        assertEquals("must be at least 1", both.check(0));
        assertEquals("must be between 0 and 10", both.check(11));
        assertEquals("[1,...]; [0,...,10]", both.describe());
    }

    @Test
    void declaredOptionsRejectBadValuesWithTheirValidators() {
        assertEquals("Invalid value snap_shots for configuration s3.bucket: is not a valid bucket name "
                        + "(3-63 of lowercase letters, digits, '.', '-'; starts and ends with a letter or digit)",
                assertThrows(ConfigException.class, () -> S3Options.BUCKET_NAME.parse("snap_shots")).getMessage());
        assertEquals("Invalid value a/b for configuration kafka.dead-letter-topic: is not a legal Kafka topic name (1-249 of [A-Za-z0-9._-])",
                assertThrows(ConfigException.class, () -> KafkaOptions.DEAD_LETTER_TOPIC.parse("a/b")).getMessage());
        assertEquals("Invalid value ok,b@d for configuration kafka.input-topics: 'b@d' is not a legal Kafka topic name (1-249 of [A-Za-z0-9._-])",
                assertThrows(ConfigException.class, () -> KafkaOptions.INPUT_TOPICS.parse("ok,b@d")).getMessage());
        assertEquals("Invalid value SASL for configuration kafka.security-protocol: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                assertThrows(ConfigException.class, () -> KafkaOptions.SECURITY_PROTOCOL.parse("SASL")).getMessage());
    }
}
