package com.subsets.sync.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port for each service: the configured (or usual) one when it is free, otherwise any free one. */
final class Ports {

    private Ports() {
    }

    static int preferred(String host, int port) {
        if (port > 0 && isFree(host, port)) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on " + host, e);
        }
    }

    private static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
