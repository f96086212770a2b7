package com.subsets.sync.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the open connections of one listening port, whatever the number of server instances sharing it (one
 * {@code ConnectionLimit} for them all): a connection beyond the bound is closed as soon as it is accepted, before
 * anything of it is read, and counted ({@code http_server_connections_refused_total{server}}).
 */
public final class ConnectionLimit implements Handler<HttpConnection> {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;

    public ConnectionLimit(int max, MeterRegistry registry, String server) {
        this.max = max;
        this.refused = Counter.builder("http.server.connections.refused")
                .description("Connections closed as soon as accepted because the server already held its maximum")
                .tag("server", server)
                .register(registry);
    }

    @Override
    public void handle(HttpConnection connection) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused.increment();
            connection.close();
            return;
        }
        connection.closeHandler(v -> open.decrementAndGet());
    }

    /** Connections held now. */
    public int open() {
        return open.get();
    }
}
