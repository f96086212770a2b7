package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.DispatcherEngine;
import com.subsets.sync.runtime.KafkaReadiness;
import com.subsets.sync.runtime.OperationsRoutes;
import com.subsets.sync.runtime.ServiceMetrics;
import com.subsets.sync.runtime.VertxCloser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running Iterable dispatcher: the engine with the Iterable adapter, and the operations endpoints. */
public final class IterableDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(IterableDispatcher.class);

    private final IterableDispatcherConfig config;
    private final ServiceMetrics metrics = new ServiceMetrics("iterable-dispatcher");
    private final Vertx vertx;
    private final IterableAdapter adapter;
    private final KafkaReadiness readiness;
    private DispatcherEngine<IterableDestination> engine;
    private String engineDeployment;
    private HttpServer server;

    private IterableDispatcher(IterableDispatcherConfig config) {
        this.config = config;
        this.vertx = metrics.newVertx(new VertxOptions());
        this.adapter = new IterableAdapter(vertx, config.engine().requestTimeout());
        this.readiness = new KafkaReadiness(vertx, config.engine().bootstrapServers(), config.engine().kafkaProperties(),
                "iterable-dispatcher-readiness");
    }

    public static Future<IterableDispatcher> start(IterableDispatcherConfig config) {
        IterableDispatcher dispatcher = new IterableDispatcher(config);
        return dispatcher.deploy().map(dispatcher);
    }

    private Future<?> deploy() {
        engine = new DispatcherEngine<>(config.engine(), adapter, config.directory(), metrics.registry());
        Router router = Router.router(vertx);
        OperationsRoutes.mount(router, HealthChecks.create(vertx)
                .register("kafka", KafkaReadiness.PROCEDURE_TIMEOUT_MS, readiness::check), metrics.registry());
        return vertx.deployVerticle(engine)
                .compose(id -> {
                    engineDeployment = id;
                    return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.httpHost());
                })
                .onSuccess(s -> {
                    server = s;
                    LOG.info("iterable-dispatcher up: {} tenants configured, operations on port {}",
                            config.directory().size(), s.actualPort());
                });
    }

    public int port() {
        return server.actualPort();
    }

    /** Records taken and not yet resolved (for tests). */
    public int unresolved() {
        return engine.unresolved();
    }

    /** Finishes or hands back in-flight batches, commits what is done, then closes. */
    public Future<Void> close() {
        Future<?> stopped = server.close()
                .eventually(() -> vertx.undeploy(engineDeployment))
                .eventually(adapter::close)
                .eventually(readiness::close);
        return VertxCloser.closeAfter(stopped, vertx, () -> {
            metrics.close();
            LOG.info("iterable-dispatcher closed");
        });
    }
}
