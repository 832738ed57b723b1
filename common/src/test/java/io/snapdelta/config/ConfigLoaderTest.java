package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.InputFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = ConfigLoader.forRegistry();

    private Path file(String text) throws IOException {
        Path f = dir.resolve("snapdelta.yaml");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void readsYamlAndPropertiesLinesCommentsQuotesAndFlowLists() throws IOException {
        Path f = file("""
                # change-event input
                ---
                kafka.bootstrap-servers: 127.0.0.1:9092, 127.0.0.1:9093   # two brokers
                kafka.input-topics: [orders, "customers"]
                kafka.transaction-timeout=90s
                kafka.group-id: 'it''s#mine'
                kafka.properties.sasl.jaas.config: "x required password=\\"p#1\\";"
                s3.endpoint = http://127.0.0.1:9000
                kafka.properties.client.id=
                """);
        Configuration c = loader.load(f, List.of());
        assertEquals(List.of("127.0.0.1:9092", "127.0.0.1:9093"), c.get(KafkaOptions.BOOTSTRAP_SERVERS));
        assertEquals(List.of("orders", "customers"), c.get(KafkaOptions.INPUT_TOPICS));
        assertEquals(Duration.ofSeconds(90), c.get(KafkaOptions.TRANSACTION_TIMEOUT));
        assertEquals("it's#mine", c.get(KafkaOptions.GROUP_ID));
        assertEquals("http://127.0.0.1:9000", c.get(S3Options.ENDPOINT));
        assertEquals("x required password=\"p#1\";", c.getPrefixed(KafkaOptions.CLIENT_PROPERTIES).get("sasl.jaas.config"));
        assertEquals("", c.getPrefixed(KafkaOptions.CLIENT_PROPERTIES).get("client.id"));
        assertEquals(InputFormat.DEBEZIUM_JSON, c.get(KafkaOptions.INPUT_FORMAT), "unset options read their default");
    }

    @Test
    void commandLineOverridesWinOverTheFile() throws IOException {
        Path f = file("kafka.input-format: snapdelta-json\nkafka.group-id: from-file\ns3.path-style: false\n");
        Configuration c = loader.load(f, List.of("--kafka.input-format", "snapdelta-avro", "--kafka.group-id=from-args", "--s3.path-style"));
        assertEquals(InputFormat.SNAPDELTA_AVRO, c.get(KafkaOptions.INPUT_FORMAT));
        assertEquals("from-args", c.get(KafkaOptions.GROUP_ID));
        assertTrue(c.get(S3Options.PATH_STYLE), "a bare boolean flag means true");
    }

    @Test
    void anOverriddenInvalidFileValueIsNotAnError() throws IOException {
        Path f = file("kafka.transaction-timeout: soon\n");
        Configuration c = loader.load(f, List.of("--kafka.transaction-timeout", "2min"));
        assertEquals(Duration.ofMinutes(2), c.get(KafkaOptions.TRANSACTION_TIMEOUT));
    }

    @Test
    void configFileArgumentNamesTheFile() throws IOException {
        Path f = file("kafka.group-id: g1\n");
        Configuration c = loader.load(List.of("--config", f.toString(), "--s3.bucket", "snapshots"));
        assertEquals("g1", c.get(KafkaOptions.GROUP_ID));
        assertEquals("snapshots", c.get(S3Options.BUCKET_NAME));
        ConfigException twice = assertThrows(ConfigException.class,
                () -> loader.load(List.of("--config", f.toString(), "--config=" + f)));
        assertTrue(twice.getMessage().contains("--config given twice"), twice.getMessage());
    }

    @Test
    void unknownKeyInFileNamesFileLineAndCloseMatches() throws IOException {
        Path f = file("kafka.group-id: g\n\nkafka.bootstrap-server: 127.0.0.1:9092\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
        assertTrue(e.getMessage().startsWith(f + ":3: Unknown configuration key 'kafka.bootstrap-server'"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean: kafka.bootstrap-servers"), e.getMessage());
    }

    @Test
    void unknownKeyWithoutItsGroupPrefixSuggestsTheFullKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, List.of("--bootstrap-servers", "h:1")));
        assertTrue(e.getMessage().startsWith("argument --bootstrap-servers: Unknown configuration key"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.bootstrap-servers"), e.getMessage());
    }

    @Test
    void misspelledPassThroughPrefixSuggestsThePrefix() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(null, List.of("--kafka.property.linger.ms=5")));
        assertTrue(e.getMessage().contains("kafka.properties...."), e.getMessage());
    }

    @Test
    void unknownKeyFarFromEveryDeclaredKeySaysSo() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, List.of("--zzzzzzzzzzzz=1")));
        assertTrue(e.getMessage().contains("No declared key is close to it"), e.getMessage());
    }

    @Test
    void invalidValueInFileIsReportedWithFileLineKeyValueAndWhy() throws IOException {
        Path f = file("kafka.group-id: g\nkafka.transaction-timeout: 0s\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
        assertEquals(f + ":2: Invalid value 0s for configuration kafka.transaction-timeout: must be between 1s and 1d", e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Path f = file("kafka.input-format: avro\ns3.bucket: B\nnope: 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of("--s3.path-style=yes")));
        String m = e.getMessage();
        assertTrue(m.startsWith("4 configuration errors:"), m);
        assertTrue(m.contains(f + ":1: Invalid value avro for configuration kafka.input-format: not a valid Enum"), m);
        assertTrue(m.contains("expected one of debezium-json, snapdelta-json, snapdelta-avro"), m);
        assertTrue(m.contains(f + ":2: Invalid value B for configuration s3.bucket"), m);
        assertTrue(m.contains(f + ":3: Unknown configuration key 'nope'"), m);
        assertTrue(m.contains("argument --s3.path-style: Invalid value yes for configuration s3.path-style: not a valid Boolean"), m);
    }

    @Test
    void nestedYamlIsRejectedWithTheFlatSpellingToUse() throws IOException {
        Path f = file("kafka:\n  bootstrap-servers: h:1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
        assertTrue(e.getMessage().contains(f + ":1: key kafka has no value: nested YAML is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains(f + ":2: indented line: nested YAML is not supported"), e.getMessage());
    }

    @Test
    void malformedLinesAndQuotesAreReportedWithTheirLine() throws IOException {
        Path f = file("just words\nkafka.group-id: \"open\ns3.region: \"a\" b\nbad key: 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
        String m = e.getMessage();
        assertTrue(m.contains(f + ":1: expected 'key: value' or 'key=value'"), m);
        assertTrue(m.contains(f + ":2: value of kafka.group-id has an unclosed quote"), m);
        assertTrue(m.contains(f + ":3: value of s3.region has text after the closing quote"), m);
        assertTrue(m.contains(f + ":4: 'bad key' is not a configuration key"), m);
    }

    @Test
    void aKeySetTwiceInOneFileIsAnError() throws IOException {
        Path f = file("kafka.group-id: a\nkafka.group-id: b\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
        assertTrue(e.getMessage().contains("key kafka.group-id is set twice (" + f + ":1 and " + f + ":2)"), e.getMessage());
    }

    @Test
    void overrideWithoutValueOrWithoutDashesIsAUsageError() {
        ConfigException missing = assertThrows(ConfigException.class, () -> loader.load(null, List.of("--kafka.group-id")));
        assertTrue(missing.getMessage().contains("argument --kafka.group-id: needs a value"), missing.getMessage());
        ConfigException bare = assertThrows(ConfigException.class, () -> loader.load(null, List.of("kafka.group-id=x")));
        assertTrue(bare.getMessage().contains("argument 'kafka.group-id=x': expected --key value or --key=value"), bare.getMessage());
    }

    @Test
    void missingAndUnreadableFilesAreClearErrors() throws IOException {
        Path missing = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(missing, List.of()));
        assertTrue(e.getMessage().startsWith(missing + ": Cannot read configuration file"), e.getMessage());
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'s', '3', '.', 'r', 'e', 'g', 'i', 'o', 'n', ':', ' ', (byte) 0xE9, '\n'});
        ConfigException bad = assertThrows(ConfigException.class, () -> loader.load(latin1, List.of()));
        assertEquals(latin1 + ": Cannot read configuration file: not valid UTF-8", bad.getMessage());
    }

    @Test
    void requiredOptionWithoutValueNamesTheKeyWhenRead() {
        Configuration c = loader.load(null, List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> c.get(KafkaOptions.BOOTSTRAP_SERVERS));
        assertTrue(e.getMessage().startsWith("Missing required configuration kafka.bootstrap-servers"), e.getMessage());
    }

    @Test
    void aLoaderRefusesTheSameKeyDeclaredTwice() {
        assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader(List.of(KafkaOptions.GROUP_ID, KafkaOptions.GROUP_ID), List.of()));
    }

    @Test
    void closeMatchesRankTheNearestKeyFirst() {
        assertEquals("s3.region", loader.closeMatches("s3.regoin").get(0));
        assertFalse(loader.closeMatches("s3.regoin").contains("kafka.bootstrap-servers"));
        assertEquals(3, ConfigLoader.levenshtein("kitten", "sitting"));
    }
}
