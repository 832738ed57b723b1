package io.snapdelta.config;

import io.snapdelta.ingest.InputFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kafka: the change-event input, the dead-letter topic, the transactional producer of the job and the
 * client security settings. Anything else the Kafka clients accept goes under {@link #CLIENT_PROPERTIES}.
 */
public final class KafkaOptions {
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public static final ConfigOption<List<String>> BOOTSTRAP_SERVERS = ConfigOption.key("kafka.bootstrap-servers")
            .stringListType().noDefaultValue().validator(Validators.hostPortList())
            .description("Kafka brokers to bootstrap from, comma separated. Required.");

    public static final ConfigOption<List<String>> INPUT_TOPICS = ConfigOption.key("kafka.input-topics")
            .stringListType().noDefaultValue().validator(topics())
            .description("Topics of change events to read, comma separated; every topic carries kafka.input-format. Required.");

    public static final ConfigOption<InputFormat> INPUT_FORMAT = ConfigOption.key("kafka.input-format")
            .enumType(InputFormat.class, InputFormat::id).defaultValue(InputFormat.DEBEZIUM_JSON)
            .description("Format of the change events on the input topics; each is specified in schemas/.");

    public static final ConfigOption<String> GROUP_ID = ConfigOption.key("kafka.group-id")
            .stringType().defaultValue("snapdelta").validator(Validators.nonEmpty())
            .description("Consumer group id the job reads the input topics with (offsets are committed on checkpoints).");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOption.key("kafka.dead-letter-topic")
            .stringType().defaultValue("snapdelta.dead-letters").validator(topic())
            .description("Topic that receives every input record that cannot be parsed or validated: the original "
                    + "key and value bytes, and headers naming source topic, partition, offset, error class, field and reason.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOption.key("kafka.transactional-id-prefix")
            .stringType().defaultValue("snapdelta").validator(Validators.nonEmpty())
            .description("Prefix of the transactional ids of the job's exactly-once producers. Must be unique per "
                    + "job on a Kafka cluster: two jobs sharing it fence each other's transactions.");

    public static final ConfigOption<TransactionNaming> TRANSACTION_NAMING = ConfigOption.key("kafka.transaction-naming")
            .enumType(TransactionNaming.class, TransactionNaming::id).defaultValue(TransactionNaming.POOLING)
            .description("How the job's exactly-once sinks name their transactions (Flink Kafka connector "
                    + "TransactionNamingStrategy). The broker keeps every transactional id it has seen for "
                    + "transactional.id.expiration.ms (broker default 7 days). 'pooling': ids are reused from a small "
                    + "pool per sink subtask, so the broker holds a few ids per sink subtask whatever the checkpoint "
                    + "interval; lingering transactions are found at every start by listing the open transactions of "
                    + "the producers on the output topics, so the output topics (dead letters, deltas, valid events) "
                    + "must exist before the job starts (checked at submission) and the job's principal needs Describe "
                    + "and Read on them plus the DescribeProducers and ListTransactions admin calls; needs Kafka 3.0+. "
                    + "'incrementing': a new id per checkpoint per sink subtask (one a second per subtask and sink at a "
                    + "1 s interval: ~86,400 a day each, kept 7 days), no listing, the topics may be auto-created. "
                    + "Switching from pooling to incrementing is not supported by the connector; switching to pooling "
                    + "needs a checkpoint or savepoint taken with connector 4.x+ (every snapdelta checkpoint qualifies).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOption.key("kafka.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(15))
            .validator(Validators.between(Duration.ofSeconds(1), Duration.ofDays(1)))
            .description("Producer transaction timeout (transaction.timeout.ms). Must not exceed the broker's "
                    + "transaction.max.timeout.ms (broker default 15min), or the producer fails at start-up with "
                    + "InvalidTxnTimeoutException. Must exceed the checkpoint interval plus the longest expected "
                    + "job restart: a transaction that times out before its checkpoint commits is aborted and its "
                    + "records are lost from the output topics.");

    public static final ConfigOption<Integer> SOURCE_RECEIVE_BUFFER_BYTES = ConfigOption.key("kafka.source.receive-buffer-bytes")
            .intType().defaultValue(-1).validator(Validators.minusOneOrBetween(1024, Integer.MAX_VALUE))
            .description("TCP receive buffer of the job's input consumers, in bytes (the consumer's receive.buffer.bytes; "
                    + "Kafka's default is 65536). -1 leaves it to the operating system, which on Linux grows it with the "
                    + "connection's throughput (TCP autotuning, up to net.ipv4.tcp_rmem's maximum). A catching-up job reads "
                    + "its input in fetches of up to 1 MB per partition, and a 64 KB window makes the broker send each one "
                    + "in many small writes and wake-ups: with -1 the input consumers spent less CPU in 10 of 11 measured "
                    + "pairs and the embedded broker in 8 (docs/benchmark-log.md \"Session 28\"). "
                    + "kafka.properties.receive.buffer.bytes, if given, wins.");

    public static final ConfigOption<String> SECURITY_PROTOCOL = ConfigOption.key("kafka.security-protocol")
            .stringType().defaultValue("PLAINTEXT").validator(Validators.oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"))
            .description("Kafka client security.protocol.");

    public static final ConfigOption<String> SASL_MECHANISM = ConfigOption.key("kafka.sasl.mechanism")
            .stringType().defaultValue("PLAIN").validator(Validators.oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"))
            .description("SASL mechanism when kafka.security-protocol is SASL_PLAINTEXT or SASL_SSL.");

    public static final ConfigOption<String> SASL_USERNAME = ConfigOption.key("kafka.sasl.username")
            .stringType().defaultValue("")
            .description("SASL user name; with kafka.sasl.password it becomes the client's sasl.jaas.config. "
                    + "Empty: set sasl.jaas.config yourself under kafka.properties.");

    public static final ConfigOption<Password> SASL_PASSWORD = ConfigOption.key("kafka.sasl.password")
            .passwordType().defaultValue(new Password(""))
            .description("SASL password. Never printed or logged.");

    public static final ConfigPrefix CLIENT_PROPERTIES = ConfigPrefix.of("kafka.properties.",
            "Passed to every Kafka client (consumer, producer, admin) with the prefix removed, after and over the "
                    + "settings above, e.g. kafka.properties.ssl.truststore.location or kafka.properties.sasl.jaas.config. "
                    + "Values of keys that look secret (password, secret, sasl.jaas.config, ...) are never printed.");

    private KafkaOptions() {
    }

    /** Values of {@link #TRANSACTION_NAMING}; the job maps each to the connector's strategy of the same name. */
    public enum TransactionNaming {
        POOLING("pooling"), INCREMENTING("incrementing");

        private final String id;

        TransactionNaming(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * The Kafka client properties these options amount to: {@code bootstrap.servers}, security and SASL
     * settings, then every {@link #CLIENT_PROPERTIES} entry (which wins). Holds secrets: never log it.
     */
    public static Map<String, String> clientProperties(Configuration config) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", String.join(",", config.get(BOOTSTRAP_SERVERS)));
        String protocol = config.get(SECURITY_PROTOCOL);
        props.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = config.get(SASL_MECHANISM);
            props.put("sasl.mechanism", mechanism);
            String user = config.get(SASL_USERNAME);
            if (!user.isEmpty()) {
                String module = mechanism.equals("PLAIN")
                        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
                props.put("sasl.jaas.config", module + " required username=\"" + jaasQuote(user)
                        + "\" password=\"" + jaasQuote(config.get(SASL_PASSWORD).value()) + "\";");
            }
        }
        props.putAll(config.getPrefixed(CLIENT_PROPERTIES));
        return props;
    }

    private static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static Validator<String> topic() {
        return new Validator<>() {
            @Override
            public String check(String value) {
                return TOPIC.matcher(value).matches() ? null : "is not a legal Kafka topic name (1-249 of [A-Za-z0-9._-])";
            }

            @Override
            public String describe() {
                return "topic name";
            }
        };
    }

    private static Validator<List<String>> topics() {
        Validator<String> one = topic();
        return new Validator<>() {
            @Override
            public String check(List<String> value) {
                if (value.isEmpty()) {
                    return "must name at least one topic";
                }
                for (String t : value) {
                    String problem = one.check(t);
                    if (problem != null) {
                        return "'" + t + "' " + problem;
                    }
                }
                return null;
            }

            @Override
            public String describe() {
                return "one or more topic names";
            }
        };
    }
}
