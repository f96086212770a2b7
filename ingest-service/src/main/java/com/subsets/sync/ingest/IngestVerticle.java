package com.subsets.sync.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One HTTP server on one event loop; Vert.x spreads connections over the instances sharing the port (port 0 too). */
final class IngestVerticle extends VerticleBase {

    private final IngestConfig config;
    private final Router router;
    private final AtomicInteger boundPort;
    private HttpServer server;

    IngestVerticle(IngestConfig config, Router router, AtomicInteger boundPort) {
        this.config = config;
        this.router = router;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setCompressionSupported(false));
        return server.requestHandler(router).listen().onSuccess(s -> boundPort.set(s.actualPort()));
    }

    /** Graceful: no new connections, requests in progress get until the shutdown timeout to finish. */
    @Override
    public Future<?> stop() {
        return server.shutdown(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
