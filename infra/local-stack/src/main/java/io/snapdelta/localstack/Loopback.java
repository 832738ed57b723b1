package io.snapdelta.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

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

    /**
     * A port that was free on 127.0.0.1 a moment ago. The socket is closed before returning, so another
     * process could in principle take it before the caller binds it; that race is accepted (Kafka needs
     * its ports in its configuration before it starts, so it cannot use port 0).
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, address())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + HOST, e);
        }
    }
}
