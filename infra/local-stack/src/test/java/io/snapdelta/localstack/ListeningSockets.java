package io.snapdelta.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Test helper (Linux only): the TCP sockets this JVM is listening on, read from {@code /proc}, so a test
 * can check what the servers really bound to rather than what they say they bound to.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    /** Listening sockets owned by this process (matched by socket inode from {@code /proc/self/fd}). */
    static Set<InetSocketAddress> ofThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor was closed while listing: not a listener we care about
                }
            }
        }
        Set<InetSocketAddress> result = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            // Read the table once: it can grow between two reads while other threads open sockets.
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals(LISTEN) && inodes.contains(f[9])) {
                    result.add(parse(f[1]));
                }
            }
        }
        return result;
    }

    /** {@code 0100007F:1F90} (IPv4) or 32 hex digits + port (IPv6), each 32-bit word in host (little-endian) order. */
    private static InetSocketAddress parse(String hexAddressAndPort) throws IOException {
        String[] parts = hexAddressAndPort.split(":");
        byte[] raw = HexFormat.of().parseHex(parts[0]);
        byte[] address = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                address[word + i] = raw[word + 3 - i];
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(address), Integer.parseInt(parts[1], 16));
    }
}
