package io.snapdelta.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one address every embedded server binds to, and free ports on it.
 *
 * <p>Nothing in the local stack listens on the wildcard address: a developer laptop on a cafe network
 * must not expose a Kafka broker or an unauthenticated Flink REST API.
 */
public final class Loopback {
    /** The literal IPv4 loopback address (not {@code localhost}, which may resolve to {@code ::1}). */
    public static final String HOST = "127.0.0.1";

    private Loopback() {}

    /** The loopback address as an {@link InetAddress}. */
    public static InetAddress address() {
        try {
            return InetAddress.getByName(HOST);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot resolve the literal " + HOST, e);
        }
    }

    /** Lowest port {@link #freePort()} picks from. */
    static final int LOWEST_PICKED_PORT = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range, when the kernel's setting cannot be read. */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;

    /**
     * A port that was free on 127.0.0.1 a moment ago. The socket is closed before returning, so another
     * process could take it before the caller binds it (Kafka and a standalone Flink cluster need their ports
     * in their configuration before they start, so they cannot use port 0). To keep that race rare the port is
     * picked below the kernel's ephemeral range: a port from there (what binding port 0 returns) is also what
     * every outgoing connection takes as its local port, and a Kafka client connecting meanwhile took a
     * JobManager's REST port that way once. Falls back to port 0 if no such port is free.
     */
    public static int freePort() {
        int below = ephemeralRangeStart();
        if (below > LOWEST_PICKED_PORT) {
            for (int attempt = 0; attempt < 64; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST_PICKED_PORT, below);
                try (ServerSocket socket = new ServerSocket(port, 1, address())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, address())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + HOST, e);
        }
    }

    /** First port of the kernel's ephemeral (outgoing) port range. */
    static int ephemeralRangeStart() {
        try {
            // readAllLines, not readString: a /proc file reports size 0 and readString returned only its first byte here
            String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START; // not Linux, or unreadable
        }
    }
}
