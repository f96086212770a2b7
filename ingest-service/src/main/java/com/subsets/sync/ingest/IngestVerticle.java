package com.subsets.sync.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import com.subsets.sync.runtime.ConnectionLimit;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One HTTP server on one event loop; Vert.x spreads connections over the instances sharing the port (port 0 too). */
final class IngestVerticle extends VerticleBase {

    private final IngestConfig config;
    private final Router router;
    private final AtomicInteger boundPort;
    private final ConnectionLimit connections;
    private HttpServer server;

    /** {@code connections} is shared by every instance: the limit is the port's. */
    IngestVerticle(IngestConfig config, Router router, AtomicInteger boundPort, ConnectionLimit connections) {
        this.config = config;
        this.router = router;
        this.boundPort = boundPort;
        this.connections = connections;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(config.http().options(config.host(), config.port()));
        return server.connectionHandler(connections).requestHandler(router).listen().onSuccess(s -> boundPort.set(s.actualPort()));
    }

    /** Graceful: no new connections, requests in progress get until the shutdown timeout to finish. */
    @Override
    public Future<?> stop() {
        return server.shutdown(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
