package com.subsets.sync.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The operations endpoints every service has: {@code GET /health/live} (the process answers),
 * {@code GET /health/ready} (every dependency registered in {@code readiness} is up; 503 otherwise)
 * and {@code GET /metrics} (Prometheus text format).
 */
public final class OperationsRoutes {

    private OperationsRoutes() {
    }

    public static void mount(Router router, HealthChecks readiness, PrometheusMeterRegistry registry) {
        router.get("/health/live").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json")
                .end("{\"status\":\"UP\"}"));
        router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }
}
