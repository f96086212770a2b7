package com.subsets.sync.dispatch;

import com.subsets.sync.runtime.KafkaReadiness;
import com.subsets.sync.runtime.OperationsRoutes;
import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.ServiceMetrics;
import com.subsets.sync.runtime.TopicCheck;
import com.subsets.sync.runtime.VertxCloser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatcher, whichever the destination: its own Vert.x with Prometheus metrics, the engine
 * with the destination's adapter and directory, and the operations endpoints. Each dispatcher's
 * {@code Main} starts one of these.
 */
public final class DispatcherService<C> {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherService.class);

    /** How one dispatcher is run: its service name (metrics, logs), where its endpoints listen, the engine. */
    public record Settings(String serviceName, String httpHost, int httpPort, EngineConfig engine) {
    }

    private final Settings settings;
    private final ServiceMetrics metrics;
    private final Vertx vertx;
    private final DestinationAdapter<C> adapter;
    private final KafkaReadiness readiness;
    private final DestinationDirectory<C> directory;
    private final DispatcherEngine<C> engine;
    private String engineDeployment;
    private HttpServer server;
    private volatile TopicCheck topics;

    private DispatcherService(Settings settings, Function<Vertx, DestinationAdapter<C>> adapterFactory,
                              Function<Vertx, DestinationDirectory<C>> directoryFactory) {
        this.settings = settings;
        this.metrics = new ServiceMetrics(settings.serviceName());
        this.vertx = metrics.newVertx(new VertxOptions());
        this.adapter = adapterFactory.apply(vertx);
        this.readiness = new KafkaReadiness(vertx, settings.engine().bootstrapServers(), settings.engine().kafkaProperties(),
                settings.serviceName() + "-readiness");
        this.directory = directoryFactory.apply(vertx);
        this.engine = new DispatcherEngine<>(settings.engine(), adapter, directory, metrics.registry());
    }

    public static <C> Future<DispatcherService<C>> start(Settings settings, Function<Vertx, DestinationAdapter<C>> adapterFactory,
                                                         Function<Vertx, DestinationDirectory<C>> directory) {
        DispatcherService<C> service = new DispatcherService<>(settings, adapterFactory, directory);
        return com.subsets.sync.runtime.Startup.startOrClose(service, service::deploy, service::close);
    }

    /** Operations endpoints first (so probes answer), then the engine once the directory knows the destinations. */
    private Future<?> deploy() {
        Router router = Router.router(vertx);
        OperationsRoutes.mount(router, HealthChecks.create(vertx)
                .register("kafka", KafkaReadiness.PROCEDURE_TIMEOUT_MS, readiness::check)
                .register("topics", TopicCheck.PROCEDURE_TIMEOUT_MS, promise -> TopicCheck.readiness(topics, promise))
                .register("destinations", promise -> promise.complete(
                        directory.loaded().succeeded() ? Status.OK() : Status.KO())), metrics.registry());
        return vertx.createHttpServer().requestHandler(router).listen(settings.httpPort(), settings.httpHost())
                .compose(s -> {
                    server = s;
                    return TopicCheck.atStart(vertx, settings.engine().bootstrapServers(), settings.engine().kafkaProperties(),
                            topics(settings));
                })
                .compose(check -> {
                    topics = check;
                    if (!directory.loaded().isComplete()) {
                        LOG.info("{} waiting for its destinations before consuming", settings.serviceName());
                    }
                    return directory.loaded();
                })
                .compose(v -> vertx.deployVerticle(engine))
                .onSuccess(id -> {
                    engineDeployment = id;
                    LOG.info("{} up, operations on port {}", settings.serviceName(), server.actualPort());
                });
    }

    /**
     * What a dispatcher depends on: its input, dead-letter and reports topics; reading the state topic, that it has the
     * events topic's partition count (a tenant's states and events on the same partition number, which parkings, resyncs
     * and the state service assume) when the events topic is there by its default name.
     */
    static TopicCheck.Expectation topics(Settings settings) {
        EngineConfig engine = settings.engine();
        List<List<String>> same = new ArrayList<>();
        if (engine.input() == InputFormat.STATE && !engine.topic().equals(Topics.ASSIGNMENT_EVENTS)) {
            same.add(List.of(engine.topic(), Topics.ASSIGNMENT_EVENTS));
        }
        return new TopicCheck.Expectation(settings.serviceName(), List.of(engine.topic(), engine.deadLetterTopic(),
                engine.reportsTopic()), same);
    }

    public int port() {
        return server.actualPort();
    }

    /** Finishes or hands back in-flight batches, commits what is done, then closes. */
    public Future<Void> close() {
        Future<?> stopped = (server == null ? Future.<Void>succeededFuture() : server.close())
                .eventually(() -> engineDeployment == null ? Future.succeededFuture() : vertx.undeploy(engineDeployment))
                .eventually(() -> {
                    directory.close();
                    return Future.succeededFuture();
                })
                .eventually(adapter::close)
                .eventually(readiness::close);
        return VertxCloser.closeAfter(stopped, vertx, () -> {
            metrics.close();
            LOG.info("{} closed", settings.serviceName());
        });
    }
}
