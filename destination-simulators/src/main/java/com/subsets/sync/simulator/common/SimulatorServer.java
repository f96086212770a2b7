package com.subsets.sync.simulator.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/** What both simulators are as servers: one HTTP server on a chosen (or any free) port, closed on demand. */
public abstract class SimulatorServer {

    protected final Vertx vertx;
    private HttpServer server;

    protected SimulatorServer(Vertx vertx) {
        this.vertx = vertx;
    }

    protected Future<HttpServer> listen(Router router, String host, int port) {
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
    }

    /** The port actually bound (differs from the requested one when that was 0). */
    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
