package com.subsets.sync.state;

import com.subsets.sync.runtime.OperationsRoutes;
import com.subsets.sync.runtime.ServiceMetrics;
import com.subsets.sync.runtime.TopicCheck;
import com.subsets.sync.runtime.VertxCloser;
import com.subsets.sync.state.stream.BoundedRocksDbMemory;
import com.subsets.sync.state.stream.StateMetrics;
import com.subsets.sync.state.stream.StateProductionErrors;
import com.subsets.sync.state.stream.StateTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running state service: the Kafka Streams application (exactly-once v2, state in RocksDB with its
 * changelog) and the operations endpoints. Ready while the application is running or rebalancing.
 */
public final class SubscriberStateService {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberStateService.class);

    private final SubscriberStateConfig config;
    private final ServiceMetrics metrics = new ServiceMetrics("subscriber-state");
    private final Vertx vertx = metrics.newVertx(new VertxOptions());
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private HttpServer server;
    private TopicCheck topics;

    private SubscriberStateService(SubscriberStateConfig config) {
        this.config = config;
        StateMetrics stateMetrics = new StateMetrics(metrics.registry());
        Properties properties = properties(config);
        properties.put(StateProductionErrors.METRICS_CONFIG, stateMetrics);
        this.streams = new KafkaStreams(StateTopology.build(config.eventsTopic(), config.stateTopic(), config.deadLetterTopic(),
                config.erasuresTopic(), config.erasure(), stateMetrics, maxRequestSize(properties)), properties);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics.registry());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    static Properties properties(SubscriberStateConfig config) {
        Map<String, String> props = new HashMap<>(config.kafkaProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        // Each event is applied once: the store's change, the state record and the offset commit are one transaction.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(config.streamThreads()));
        // RocksDB bounded over every store of the process (one cache, one write-buffer manager), and standby copies.
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
        props.put(BoundedRocksDbMemory.MEMORY_CONFIG, String.valueOf(config.rocksDbMemoryBytes()));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(config.standbyReplicas()));
        // Streams' default, made explicit: a new application (a new STATE_APPLICATION_ID, e.g. a new version of the state
        // topic) builds its state from the first event still retained, never from the end.
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // Larger polls and producer batches: per event the service writes twice (state topic, changelog), and the
        // defaults (1,000 records a poll, 16 KB batches) made it spend its time on requests, not on events.
        props.putIfAbsent(StreamsConfig.consumerPrefix("max.poll.records"), "5000");
        props.putIfAbsent(StreamsConfig.producerPrefix("batch.size"), "262144");
        props.putIfAbsent(StreamsConfig.producerPrefix("linger.ms"), "20");
        props.put(StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, StateProductionErrors.class.getName());
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** The producer's max.request.size as configured (producer-prefixed first), else Kafka's default. */
    static int maxRequestSize(Properties properties) {
        Object value = properties.getOrDefault(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                properties.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576"));
        return Integer.parseInt(value.toString().trim());
    }

    /** What it depends on: its four topics, and the events and state topics with one partition count. */
    static TopicCheck.Expectation topics(SubscriberStateConfig config) {
        return new TopicCheck.Expectation("subscriber-state", List.of(config.eventsTopic(), config.stateTopic(),
                config.deadLetterTopic(), config.erasuresTopic()), List.of(List.of(config.eventsTopic(), config.stateTopic())));
    }

    public static Future<SubscriberStateService> start(SubscriberStateConfig config) {
        SubscriberStateService service = new SubscriberStateService(config);
        return com.subsets.sync.runtime.Startup.startOrClose(service, service::deploy, service::close);
    }

    private Future<?> deploy() {
        Router router = Router.router(vertx);
        OperationsRoutes.mount(router, HealthChecks.create(vertx).register("streams", promise -> {
            KafkaStreams.State state = streams.state();
            promise.complete(state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING ? Status.OK()
                    : Status.KO());
        }).register("topics", TopicCheck.PROCEDURE_TIMEOUT_MS, promise -> TopicCheck.readiness(topics, promise)), metrics.registry());
        return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.httpHost())
                .compose(s -> {
                    server = s;
                    return TopicCheck.atStart(vertx, config.bootstrapServers(), config.kafkaProperties(), topics(config));
                })
                .compose(check -> {
                    topics = check;
                    return vertx.executeBlocking(() -> {
                        streams.start();
                        return null;
                    });
                })
                .onSuccess(v -> LOG.info("subscriber-state up: {} -> {}, operations on port {}", config.eventsTopic(),
                        config.stateTopic(), server.actualPort()));
    }

    public int port() {
        return server.actualPort();
    }

    /** Its meters, for the benchmark to read in place. */
    MeterRegistry registry() {
        return metrics.registry();
    }

    /** Kafka Streams' own metrics (RocksDB's among them), for tests to read. */
    Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> streamsMetrics() {
        return streams.metrics();
    }

    /** What the store of that name holds under the key, read from the running application (tests: an interactive query). */
    byte[] stored(String store, String key) {
        return streams.store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(store,
                org.apache.kafka.streams.state.QueryableStoreTypes.<String, byte[]>keyValueStore())).get(key);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Commits what is processed and leaves the group, then closes the endpoints. */
    public Future<Void> close() {
        Future<?> stopped = vertx.executeBlocking(() -> {
            if (streams.state() != KafkaStreams.State.CREATED) {
                streams.close(config.shutdownTimeout());
            } else {
                streams.close(Duration.ZERO);
            }
            streamsMetrics.close();
            return null;
        }).eventually(() -> server == null ? Future.succeededFuture() : server.close());
        return VertxCloser.closeAfter(stopped, vertx, () -> {
            metrics.close();
            LOG.info("subscriber-state closed");
        });
    }
}
