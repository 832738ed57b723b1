package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The composed stack starts on loopback only, logs its start-up, never logs secrets, and closes cleanly. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackLifecycleTest {
    @TempDir
    static Path parent;

    private static final List<String> LOGGED = new CopyOnWriteArrayList<>();
    private static Set<InetSocketAddress> listenersBefore;
    private static Set<InetSocketAddress> listenersAfterStart;
    private static LocalStack stack;

    @BeforeAll
    static void startStackWhileCapturingLogs() throws IOException {
        listenersBefore = isLinux() ? ListeningSockets.ofThisProcess() : Set.of();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        Level previous = root.getLevel();
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                LOGGED.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        root.addAppender(capture, Level.INFO, null);
        Configurator.setRootLevel(Level.INFO); // everything at INFO+ from every library during start-up
        try {
            stack = LocalStack.start(parent, 1, Map.of());
            listenersAfterStart = isLinux() ? ListeningSockets.ofThisProcess() : Set.of();
        } finally {
            Configurator.setRootLevel(previous);
            root.removeAppender("capture");
            ctx.updateLoggers();
        }
    }

    @AfterAll
    static void closeStack() {
        stack.close();
    }

    private static boolean isLinux() {
        return OS.LINUX.isCurrentOs();
    }

    @Test
    @Order(1)
    void everyServerReportsA127001AddressAndAnswersThere() throws Exception {
        assertEquals("127.0.0.1", stack.kafka().brokerAddress().getAddress().getHostAddress());
        assertEquals("127.0.0.1", stack.kafka().controllerAddress().getAddress().getHostAddress());
        assertTrue(stack.kafka().bootstrapServers().startsWith("127.0.0.1:"), stack.kafka().bootstrapServers());
        assertEquals("127.0.0.1", stack.s3().endpoint().getHost());
        assertEquals("127.0.0.1", stack.flink().restAddress().getHost());

        stack.kafka().createTopic("lifecycle", 1);
        stack.s3().createBucket("lifecycle");
        try (S3Client s3 = stack.s3().newClient()) {
            s3.putObject(b -> b.bucket("lifecycle").key("k"), RequestBody.fromString("v"));
            assertEquals("v", s3.getObjectAsBytes(b -> b.bucket("lifecycle").key("k")).asUtf8String());
        }
        HttpResponse<String> overview = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.flink().restAddress() + "/overview")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, overview.statusCode(), overview.body());
        assertTrue(overview.body().contains("\"taskmanagers\":1"), overview.body());
        assertTrue(stack.workDir().startsWith(parent));
    }

    @Test
    @Order(1)
    void theTaskManagerHasTheDefaultManagedMemoryForRocksDb() {
        List<com.fasterxml.jackson.databind.JsonNode> taskManagers = new FlinkRestClient(stack.flink().restAddress()).taskManagers();
        assertEquals(1, taskManagers.size(), taskManagers.toString());
        long expected = org.apache.flink.configuration.MemorySize.parse(LocalFlink.DEFAULT_MANAGED_MEMORY).getBytes();
        assertEquals(expected, taskManagers.get(0).path("memoryConfiguration").path("managedMemory").asLong(), taskManagers.toString());
        assertEquals(expected, stack.flink().managedMemory().getBytes());
        assertTrue(LOGGED.stream().anyMatch(l -> l.contains("Flink MiniCluster ready (1 slots, RocksDB, managed memory 1 gb")), LOGGED.toString());
    }

    @Test
    @Order(2)
    @EnabledOnOs(value = OS.LINUX, disabledReason = "reads the kernel's socket table from /proc")
    void everyListeningSocketTheStackOpenedIsBoundTo127001() {
        Set<InetSocketAddress> opened = new HashSet<>(listenersAfterStart);
        opened.removeAll(listenersBefore);
        Set<Integer> ports = new HashSet<>();
        for (InetSocketAddress a : opened) {
            assertEquals("127.0.0.1", a.getAddress().getHostAddress(), "listening on " + a + "; all: " + opened);
            ports.add(a.getPort());
        }
        assertTrue(ports.containsAll(Set.of(stack.kafka().brokerAddress().getPort(),
                        stack.kafka().controllerAddress().getPort(), stack.s3().endpoint().getPort(),
                        stack.flink().restAddress().getPort())),
                "expected the Kafka, controller, S3 and REST ports among " + opened);
    }

    @Test
    @Order(3)
    void startUpTimesAreLoggedAndTheS3SecretIsNot() {
        String secret = stack.s3().secretKey().value();
        assertTrue(LOGGED.size() > 3, "nothing captured: " + LOGGED);
        for (String line : LOGGED) {
            assertFalse(line.contains(secret), "the S3 secret key was logged: " + line);
        }
        for (String started : List.of("Kafka broker (KRaft, combined node) ready at", "S3 server (S3Proxy",
                "Flink MiniCluster ready", "Local stack up in")) {
            assertTrue(LOGGED.stream().anyMatch(l -> l.contains(started) && l.contains(" ms")),
                    "no start-up time logged for '" + started + "'");
        }
    }

    @Test
    @Order(4)
    void closeStopsEveryServerDeletesTheWorkDirAndIsIdempotent() {
        Path workDir = stack.workDir();
        InetSocketAddress kafka = stack.kafka().brokerAddress();
        InetSocketAddress s3 = stack.s3().address();
        InetSocketAddress rest = new InetSocketAddress(stack.flink().restAddress().getHost(),
                stack.flink().restAddress().getPort());

        stack.close();
        stack.close();

        assertFalse(Files.exists(workDir), "close() must delete " + workDir);
        for (InetSocketAddress address : List.of(kafka, s3, rest)) {
            assertThrows(ConnectException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(address, 2000);
                }
            }, "still accepting connections on " + address);
        }
    }
}
