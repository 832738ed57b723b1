package io.snapdelta.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * {@link AdminReleasingKafkaSink#releaseAdmin} on stand-ins for the connector's writers: one that holds an admin
 * client in a private field of a superclass (as {@code ExactlyOnceKafkaWriter} holds its own), one without any.
 * {@code TransactionNamingITCase} checks the real writers on a broker.
 */
class AdminReleasingKafkaSinkTest {
    private static final String CLIENT_ID = "admin-releasing-sink-test";

    @SuppressWarnings("unused")
    private static class WriterBase {
        private Admin adminClient;
    }

    private static final class ExactlyOnceStandIn extends WriterBase {
    }

    @SuppressWarnings("unused")
    private static final class PlainWriter {
        private final String name = "at-least-once";
    }

    @Test
    void closesAndClearsTheWritersAdminClientOnce() throws Exception {
        ExactlyOnceStandIn writer = new ExactlyOnceStandIn();
        // Created without any call, so it never needs the (absent) broker; its I/O thread runs from here.
        ((WriterBase) writer).adminClient = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID));
        assertTrue(adminThreadRunning(), "the admin client's thread before the release");

        assertTrue(AdminReleasingKafkaSink.releaseAdmin(writer));
        assertNull(((WriterBase) writer).adminClient, "the field is cleared, so the writer would create a new client if it needed one");
        assertFalse(adminThreadRunning(), "the admin client's thread after the release");
        assertFalse(AdminReleasingKafkaSink.releaseAdmin(writer), "nothing left to release");
    }

    @Test
    void leavesAWriterWithoutAnAdminClientAlone() {
        assertFalse(AdminReleasingKafkaSink.releaseAdmin(new PlainWriter()));
    }

    private static boolean adminThreadRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("kafka-admin-client-thread | " + CLIENT_ID));
    }
}
