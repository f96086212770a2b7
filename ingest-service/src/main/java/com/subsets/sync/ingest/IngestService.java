package com.subsets.sync.ingest;

import com.subsets.sync.runtime.ConnectionLimit;
import com.subsets.sync.runtime.KafkaReadiness;
import com.subsets.sync.runtime.OperationsServer;
import com.subsets.sync.runtime.ServiceMetrics;
import com.subsets.sync.runtime.TopicCheck;
import com.subsets.sync.runtime.VertxCloser;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: one Kafka producer and in-flight budget shared by {@code instances} HTTP
 * verticles, one per event loop. {@link Main} and the tests start it the same way.
 */
public final class IngestService {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final ServiceMetrics metrics;
    private final Vertx vertx;
    private final EventPublisher publisher;
    private final KafkaReadiness readiness;
    private final HealthChecks checks;
    private final IngestApi api;
    private final ConnectionLimit connections;
    private final AtomicInteger port = new AtomicInteger();
    private HttpServer operations;
    private volatile TopicCheck topics;

    private IngestService(IngestConfig config) {
        this.config = config;
        this.metrics = new ServiceMetrics("ingest-service");
        this.vertx = metrics.newVertx(new VertxOptions());
        InFlightBudget budget = new InFlightBudget(config.maxInFlightBytes());
        IngestMetrics ingestMetrics = new IngestMetrics(metrics.registry(), budget);
        this.publisher = new EventPublisher(vertx, config, budget, ingestMetrics);
        this.readiness = new KafkaReadiness(vertx, config.bootstrapServers(), config.kafkaProperties(), "ingest-service-readiness");
        this.checks = HealthChecks.create(vertx).register("kafka", KafkaReadiness.PROCEDURE_TIMEOUT_MS, readiness::check)
                .register("topics", TopicCheck.PROCEDURE_TIMEOUT_MS, promise -> TopicCheck.readiness(topics, promise));
        this.api = new IngestApi(config, publisher, ingestMetrics);
        this.connections = new ConnectionLimit(config.http().maxConnections(), metrics.registry(), "api");
    }

    public static Future<IngestService> start(IngestConfig config) {
        IngestService service = new IngestService(config);
        return service.deploy().map(service);
    }

    /** Operations first (so probes answer), then the API's event loops. */
    private Future<String> deploy() {
        return OperationsServer.listen(vertx, config.host(), config.metricsPort(), config.http(), checks, metrics.registry())
                .compose(server -> {
                    operations = server;
                    return TopicCheck.atStart(vertx, config.bootstrapServers(), config.kafkaProperties(),
                            new TopicCheck.Expectation("ingest-service", List.of(config.topic()), List.of()));
                })
                .compose(check -> {
                    topics = check;
                    return vertx.deployVerticle(() -> new IngestVerticle(config, api.router(vertx), port, connections),
                            new DeploymentOptions().setInstances(config.instances()));
                })
                .onSuccess(id -> LOG.info("ingest-service listening on {}:{} with {} event loops, publishing to {}; operations on port {}",
                        config.host(), port.get(), config.instances(), config.topic(), operations.actualPort()));
    }

    /** The API's port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return port.get();
    }

    /** The port of {@code /health/*} and {@code /metrics} actually bound. */
    public int metricsPort() {
        return operations.actualPort();
    }

    /** Connections open on the API port now. */
    public int openConnections() {
        return connections.open();
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Stops accepting requests, lets requests in progress finish (their publishes complete or fail),
     * flushes and closes the producer, then Vert.x.
     */
    public Future<Void> close() {
        Future<Void> stopped = vertx.deploymentIDs().stream()
                .map(vertx::undeploy)
                .reduce((a, b) -> Future.all(a, b).mapEmpty())
                .orElse(Future.succeededFuture())
                .eventually(() -> operations == null ? Future.succeededFuture() : operations.close())
                .eventually(publisher::close)
                .eventually(readiness::close);
        return VertxCloser.closeAfter(stopped, vertx, () -> {
            metrics.close();
            LOG.info("ingest-service closed");
        });
    }
}
