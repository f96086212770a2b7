package com.subsets.sync.provisioner;

import com.subsets.sync.client.blueconic.TokenProvider;
import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.provisioner.api.ApiDocument;
import com.subsets.sync.provisioner.api.ApiGuard;
import com.subsets.sync.provisioner.api.DestinationsApi;
import com.subsets.sync.provisioner.api.ErasuresApi;
import com.subsets.sync.provisioner.api.ResyncApi;
import com.subsets.sync.provisioner.api.SegmentsApi;
import com.subsets.sync.provisioner.api.SubscriberDeliveriesApi;
import com.subsets.sync.provisioner.deliveries.SubscriberDeliveryConsumer;
import com.subsets.sync.provisioner.deliveries.SubscriberDeliveryStore;
import com.subsets.sync.provisioner.erasure.ErasedSubscribers;
import com.subsets.sync.provisioner.erasure.ErasureService;
import com.subsets.sync.provisioner.api.TestDeliveryApi;
import com.subsets.sync.provisioner.run.ProvisioningLock;
import com.subsets.sync.provisioner.run.RunSlots;
import com.subsets.sync.provisioner.segments.MembershipPublisher;
import com.subsets.sync.provisioner.segments.SegmentClient;
import com.subsets.sync.provisioner.segments.SegmentMetrics;
import com.subsets.sync.provisioner.segments.SegmentReader;
import com.subsets.sync.provisioner.segments.SegmentStore;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.RegistrationReader;
import com.subsets.sync.provisioner.notifications.NotificationMetrics;
import com.subsets.sync.provisioner.notifications.NotificationSender;
import com.subsets.sync.provisioner.notifications.NotificationSettingsReader;
import com.subsets.sync.provisioner.notifications.NotificationStore;
import com.subsets.sync.provisioner.notifications.WebhookResealer;
import com.subsets.sync.provisioner.notifications.WebhookSecrets;
import com.subsets.sync.provisioner.run.ProvisioningRunner;
import com.subsets.sync.provisioner.run.Reconciler;
import com.subsets.sync.provisioner.store.Database;
import com.subsets.sync.provisioner.store.DeliveryHistoryStore;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.ResyncStore;
import com.subsets.sync.provisioner.vendor.BlueConicFieldProvisioner;
import com.subsets.sync.provisioner.vendor.IterableFieldProvisioner;
import com.subsets.sync.provisioner.vendor.TestReadBack;
import com.subsets.sync.provisioner.vendor.VendorCalls;
import com.subsets.sync.runtime.ConnectionLimit;
import com.subsets.sync.runtime.OperationsServer;
import com.subsets.sync.runtime.ServiceMetrics;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.runtime.TopicCheck;
import com.subsets.sync.runtime.VertxCloser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running provisioner: migrations, the destination store and history in PostgreSQL, the vendors'
 * field provisioners, the periodic sweep, the delivery-report consumer and the HTTP API. {@link Main}
 * and the tests start it the same way.
 */
public final class ProvisionerService {

    private static final Logger LOG = LoggerFactory.getLogger(ProvisionerService.class);

    private final ProvisionerConfig config;
    private final ServiceMetrics metrics;
    private final Vertx vertx;
    private Pool pool;
    private WebClient client;
    private Reconciler reconciler;
    private DeliveryReportConsumer reports;
    private SubscriberDeliveryConsumer deliveries;
    private ErasureService erasures;
    private SegmentReader segments;
    private SegmentStore segmentStore;
    private NotificationSender notifier;
    private com.subsets.sync.provisioner.notifications.DailySummaries dailySummaries;
    private TokenProvider blueConicTokens;
    /** Provisioning runs and segment reads, each holding a pooled connection: together below the pool size. */
    private RunSlots slots;
    private HttpServer server;
    private HttpServer operations;
    private volatile TopicCheck topics;

    private ProvisionerService(ProvisionerConfig config) {
        this.config = config;
        this.metrics = new ServiceMetrics("provisioner");
        this.vertx = metrics.newVertx(new VertxOptions());
    }

    public static Future<ProvisionerService> start(ProvisionerConfig config) {
        ProvisionerService service = new ProvisionerService(config);
        return com.subsets.sync.runtime.Startup.startOrClose(service, service::deploy, service::close);
    }

    private Future<Void> deploy() {
        return Database.open(vertx, config.database()).compose(opened -> {
            pool = opened;
            slots = new RunSlots(config.database().poolSize());
            ProvisionerMetrics provisionerMetrics = new ProvisionerMetrics(metrics.registry());
            NotificationStore notices = new NotificationStore(pool, config.notifications().deadLettersPerHour());
            dailySummaries = new com.subsets.sync.provisioner.notifications.DailySummaries(vertx, pool,
                    config.notifications().dailyCheck(), java.time.Clock.systemUTC());
            WebhookSecrets webhookSecrets = new WebhookSecrets(config.secrets());
            notifier = new NotificationSender(vertx, notices, webhookSecrets, config.notifications(), config.replica(),
                    new NotificationMetrics(metrics.registry()));
            DestinationStore store = new DestinationStore(pool, notices);
            com.subsets.sync.provisioner.store.TestSubscriberStore testSubscribers = new com.subsets.sync.provisioner.store.TestSubscriberStore(pool);
            DeliveryHistoryStore history = new DeliveryHistoryStore(pool,
                    new com.subsets.sync.provisioner.notifications.DeadLetterAlarm(config.notifications().deadLettersPerHour()));
            CredentialSealer sealer = new CredentialSealer(config.secrets(), config.instanceUrls());
            ProvisioningRunner runner = runner(store, sealer, provisionerMetrics);
            reconciler = new Reconciler(vertx, store, runner, sealer, config.sweepInterval().toMillis(), provisionerMetrics,
                    new WebhookResealer(pool, webhookSecrets, provisionerMetrics, 50));
            reports = new DeliveryReportConsumer(vertx, config, history, provisionerMetrics);
            Router router = Router.router(vertx);
            ApiDocument.mount(router);
            ApiGuard.mount(router, callers(), config.http().bodyTimeout());
            ResyncStore resyncs = new ResyncStore(pool, notices);
            segmentStore = new SegmentStore(pool, new ErasedSubscribers(config.erasures().salt(), config.erasures().memory()));
            MembershipPublisher memberships = new MembershipPublisher(vertx, config.bootstrapServers(), config.kafkaProperties(),
                    config.segments().topic());
            segments = new SegmentReader(vertx, segmentStore, store, sealer, new ProvisioningLock(pool), slots,
                    new SegmentClient(client, blueConicTokens, config.vendorTimeout().toMillis()), memberships,
                    new SegmentMetrics(metrics.registry()), config.segments().interval().toMillis(), config.segments().retry().toMillis(),
                    config.segments().pageSize());
            new SegmentsApi(segmentStore, config.operators(), config.segments().lookups()).mount(router);
            SubscriberDeliveryStore deliveryStore = new SubscriberDeliveryStore(pool);
            erasures = new ErasureService(vertx, config, pool, store, sealer, client, memberships::publish, metrics.registry());
            deliveries = new SubscriberDeliveryConsumer(vertx, config.bootstrapServers(), config.kafkaProperties(),
                    config.deliveries().topic(), config.deliveries().groupId(), deliveryStore, erasures.store(), provisionerMetrics);
            new ErasuresApi(erasures.store(), config.operators(), config.segments().lookups()).mount(router);
            new SubscriberDeliveriesApi(store, deliveryStore, resyncs, config.operators(), config.segments().lookups()).mount(router);
            new DestinationsApi(store, history, resyncs, segmentStore, new RegistrationReader(config.instanceUrls(),
                    new NotificationSettingsReader(config.notifications().allowHttp(), config.notifications().smtp() != null,
                            config.notifications().deadLettersPerHour())), sealer, runner,
                    config.iterableEndpoints(), config.operators(), config.dispatchers(), provisionerMetrics, notices, webhookSecrets,
                    testSubscribers, new com.subsets.sync.provisioner.store.ErasureModes(pool))
                    .mount(router);
            DeadLetterScan deadLetters = new DeadLetterScan(vertx, config);
            new ResyncApi(store, resyncs, deadLetters, config.deadLetterTopics(), config.replayMaxSubscribers()).mount(router);
            new TestDeliveryApi(store, testSubscribers, resyncs, new StateLookup(vertx, config), deadLetters, config.deadLetterTopics(), sealer,
                    config.iterableEndpoints(), new TestReadBack(vertx, client, blueConicTokens, config.vendorTimeout().toMillis()))
                    .mount(router);
            // Once at start, before the API answers: credentials under an older key or binding are resealed (rows that
            // cannot be opened are logged and passed over; a failure here is retried by every sweep).
            return reconciler.reseal().recover(e -> {
                LOG.warn("resealing credentials at start failed, the sweep retries: {}", e.toString());
                return Future.succeededFuture();
            }).compose(v -> TopicCheck.atStart(vertx, config.bootstrapServers(), config.kafkaProperties(), topics(config)))
                    .compose(check -> {
                        topics = check;
                        return OperationsServer.listen(vertx, config.httpHost(), config.metricsPort(), config.http(),
                                HealthChecks.create(vertx).register("database", 2_000, promise -> pool.query("SELECT 1").execute()
                                                .onComplete(ar -> promise.complete(ar.succeeded() ? Status.OK() : Status.KO())))
                                        .register("topics", TopicCheck.PROCEDURE_TIMEOUT_MS,
                                                promise -> TopicCheck.readiness(topics, promise)),
                                metrics.registry());
                    })
                    .compose(ops -> {
                        operations = ops;
                        return vertx.createHttpServer(config.http().options(config.httpHost(), config.httpPort()))
                                .connectionHandler(new ConnectionLimit(config.http().maxConnections(), metrics.registry(), "api"))
                                .requestHandler(router)
                                .listen();
                    });
        }).compose(s -> {
            server = s;
            reconciler.start();
            segments.start();
            notifier.start();
            dailySummaries.start();
            return reports.start().compose(v -> deliveries.start()).compose(v -> erasures.start());
        }).onSuccess(v -> LOG.info("provisioner up on port {} (operations on {}) as replica {}", server.actualPort(),
                operations.actualPort(), config.replica()));
    }

    /** {@code step}, or a success once the shutdown's deadline has passed (logged: what did not stop in time). */
    private Future<Void> within(Future<Void> step, long deadlineNanos, String what) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        return step.timeout(left, TimeUnit.MILLISECONDS).recover(e -> {
            LOG.warn("{} did not stop within the shutdown time ({}): closing without it", what, e.toString());
            return Future.succeededFuture();
        });
    }

    /** What it reads and writes: the reports, each kind's dead letters (replays), the segment memberships, the trail, the erasures. */
    static TopicCheck.Expectation topics(ProvisionerConfig config) {
        List<String> required = new ArrayList<>(List.of(config.reportsTopic()));
        config.deadLetterTopics().values().stream().sorted().forEach(required::add);
        required.add(config.segments().topic());
        required.add(config.deliveries().topic());
        required.add(config.erasures().topic());
        return new TopicCheck.Expectation("provisioner", required, List.of());
    }

    /** Every caller of the API, whatever its role: the tokens {@link ApiGuard} accepts before a body is read. */
    private List<TokenAuthenticator> callers() {
        List<TokenAuthenticator> callers = new ArrayList<>(config.dispatchers().values());
        callers.add(config.operators());
        if (config.segments().lookups() != null) {
            callers.add(config.segments().lookups().any());
        }
        return callers;
    }

    private ProvisioningRunner runner(DestinationStore store, CredentialSealer sealer, ProvisionerMetrics provisionerMetrics) {
        // Never follow a redirect: Vert.x would copy every header (a tenant's Api-Key or bearer token) to the new
        // target, https to http included. A 3xx is an error with its status.
        client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setFollowRedirects(false),
                new PoolOptions().setHttp1MaxSize(4));
        long timeout = config.vendorTimeout().toMillis();
        blueConicTokens = new TokenProvider(client, System::currentTimeMillis);
        // Half the delay at least: a retry of a 429 from Iterable's getFields (3 requests/s a project) then comes after
        // its second is over; with jitter from zero, three retries could all land in it (ResyncApiIT saw four 429s).
        VendorCalls calls = new VendorCalls(vertx, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofDays(1),
                () -> 0.5 + ThreadLocalRandom.current().nextDouble() / 2), config.vendorAttempts());
        Backoff runBackoff = new Backoff(config.runRetryBase(), config.runRetryMax(), Duration.ofDays(3650),
                () -> 0.5 + ThreadLocalRandom.current().nextDouble() / 2);
        return new ProvisioningRunner(pool, slots, store, sealer, Map.of(
                DestinationKind.BLUECONIC, new BlueConicFieldProvisioner(client, blueConicTokens,
                        calls, timeout),
                DestinationKind.ITERABLE, new IterableFieldProvisioner(client, calls, config.iterableEndpoints()::url, timeout)),
                runBackoff, config.replica(), provisionerMetrics);
    }

    public int port() {
        return server.actualPort();
    }

    /** The port of {@code /health/*} and {@code /metrics}. */
    public int metricsPort() {
        return operations.actualPort();
    }

    /** Followed segments and their members (tests). */
    public SegmentStore segmentStore() {
        return segmentStore;
    }

    /** Reads now the segments of every tenant that is due (tests). */
    public Future<Void> readSegments() {
        return segments.readDue();
    }

    /** Runs one sweep now (tests). */
    public Future<Void> sweep() {
        return reconciler.sweep();
    }

    /**
     * Stops taking requests and sweeping, lets the report consumer commit, then closes the pool and Vert.x, within
     * {@code PROVISIONER_SHUTDOWN_TIMEOUT_MS}: a step still running then (a membership publish blocked on a topic
     * Kafka does not have, with the producer's close queued behind it on the same worker) is given up, logged, and
     * Vert.x closed all the same, which ends its worker threads.
     */
    public Future<Void> close() {
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        Future<Void> stopped = (server == null ? Future.<Void>succeededFuture() : server.close())
                .eventually(() -> operations == null ? Future.<Void>succeededFuture() : operations.close())
                .eventually(() -> {
                    if (reconciler != null) {
                        reconciler.stop();
                    }
                    // The erasures first: their segment exits go out through the segment reads' producer, closed with them.
                    Future<Void> erasuresStopped = within(erasures == null ? Future.succeededFuture() : erasures.close(), deadline,
                            "erasures consumer and forget worker");
                    return erasuresStopped.eventually(() -> within(segments == null ? Future.succeededFuture() : segments.stop(), deadline,
                                    "segment reads"))
                            .eventually(() -> within(notifier == null ? Future.succeededFuture() : notifier.stop(), deadline,
                                    "notification sender"))
                            .eventually(() -> within(dailySummaries == null ? Future.succeededFuture() : dailySummaries.stop(), deadline,
                                    "daily summaries"))
                            .eventually(() -> within(reports == null ? Future.succeededFuture() : reports.close(), deadline,
                                    "delivery-report consumer"))
                            .eventually(() -> within(deliveries == null ? Future.succeededFuture() : deliveries.close(), deadline,
                                    "subscriber-deliveries consumer"));
                })
                .eventually(() -> {
                    if (client != null) {
                        client.close();
                    }
                    return within(pool == null ? Future.succeededFuture() : pool.close(), deadline, "database pool");
                });
        return VertxCloser.closeAfter(stopped, vertx, () -> {
            metrics.close();
            LOG.info("provisioner closed");
        });
    }
}
