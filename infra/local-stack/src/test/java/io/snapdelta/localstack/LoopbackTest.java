package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LoopbackTest {
    @Test
    void aFreePortIsBindableAndBelowTheEphemeralRange() throws Exception {
        int start = Loopback.ephemeralRangeStart();
        assertTrue(start > Loopback.LOWEST_PICKED_PORT, "ephemeral range starts at " + start);
        for (int i = 0; i < 20; i++) {
            int port = Loopback.freePort();
            assertTrue(port >= Loopback.LOWEST_PICKED_PORT && port < start, "port " + port + " not in [10000, " + start + ")");
            try (ServerSocket s = new ServerSocket(port, 1, Loopback.address())) {
                assertTrue(s.isBound());
            }
        }
    }
}
