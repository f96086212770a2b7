package com.subsets.sync.local;

import com.subsets.sync.infra.FreePorts;

/** A port for each service: the configured (or usual) one when it is free, otherwise any free one. */
final class Ports {

    private Ports() {
    }

    static int preferred(String host, int port) {
        if (port > 0 && FreePorts.isFree(host, port)) {
            return port;
        }
        return FreePorts.on(host);
    }
}
