package com.subsets.sync.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

/**
 * The operations endpoints ({@link OperationsRoutes}) on a port of their own, apart from a service's API: what
 * Prometheus and the probes reach is not what callers of the API reach, and a NetworkPolicy can tell them apart.
 */
public final class OperationsServer {

    private OperationsServer() {
    }

    public static Future<HttpServer> listen(Vertx vertx, String host, int port, HttpServerLimits limits,
                                            HealthChecks readiness, PrometheusMeterRegistry registry) {
        Router router = Router.router(vertx);
        OperationsRoutes.mount(router, readiness, registry);
        return vertx.createHttpServer(limits.options(host, port))
                .connectionHandler(new ConnectionLimit(limits.maxConnections(), registry, "operations"))
                .requestHandler(router)
                .listen();
    }
}
