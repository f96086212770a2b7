package com.subsets.sync.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port that is free now and that a server will bind a moment later. It is taken below the kernel's ephemeral range
 * (Linux: {@code /proc/sys/net/ipv4/ip_local_port_range}, 32768 by default), because outgoing connections and
 * every {@code bind(0)} take their ports from that range: a port picked there by binding 0 can be taken by a Kafka
 * client's connection before the server binds it ("Address already in use"). Never the same port twice in a JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A free port on every address. */
    public static int any() {
        return on(null);
    }

    /** A free port on {@code host} (all addresses when null). */
    public static int on(String host) {
        int below = ephemeralStart();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (HANDED_OUT.add(port)) {
                if (isFree(host, port)) {
                    return port;
                }
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + below);
    }

    /** Whether {@code port} can be bound on {@code host} (all addresses when null) now. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            InetAddress address = host == null ? null : InetAddress.getByName(host);
            socket.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralStart() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            if (Files.isReadable(range)) {
                int start = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
                if (start > LOWEST + 1_000) {
                    return start;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the Linux default below
        }
        return 32_768;
    }
}
