package com.subsets.sync.local;

import com.subsets.sync.blueconic.BlueConicDestination;
import com.subsets.sync.blueconic.BlueConicDispatcher;
import com.subsets.sync.blueconic.BlueConicDispatcherConfig;
import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.infra.EmbeddedPostgres;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.ingest.IngestConfig;
import com.subsets.sync.ingest.IngestService;
import com.subsets.sync.iterable.IterableDestination;
import com.subsets.sync.iterable.IterableDispatcher;
import com.subsets.sync.iterable.IterableDispatcherConfig;
import com.subsets.sync.model.TopicCatalog;
import com.subsets.sync.provisioner.ProvisionerConfig;
import com.subsets.sync.provisioner.ProvisionerService;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import com.subsets.sync.state.SubscriberStateConfig;
import com.subsets.sync.state.SubscriberStateService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process: a Kafka broker and a PostgreSQL (embedded unless real ones are
 * configured), both simulators, and the five services, each started by the same {@code start(config)}
 * its {@code Main} uses, with its configuration built from an environment exactly as in production.
 * Closing stops everything in reverse order and removes the embedded servers' data.
 */
final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    static final int PARTITIONS = 6;

    final LocalStackConfig config;
    private EmbeddedKafka kafka;
    private EmbeddedPostgres postgres;
    String bootstrapServers;
    PostgresEndpoint database;
    Vertx simulatorVertx;
    IterableSimulator iterable;
    BlueConicSimulator blueConic;
    ProvisionerService provisioner;
    IngestService ingest;
    DispatcherService<IterableDestination> iterableDispatcher;
    DispatcherService<BlueConicDestination> blueConicDispatcher;
    SubscriberStateService state;
    private java.nio.file.Path stateDir;

    private LocalStack(LocalStackConfig config) {
        this.config = config;
    }

    static LocalStack start(LocalStackConfig config, Progress progress) throws Exception {
        LocalStack stack = new LocalStack(config);
        try {
            stack.startInfrastructure(progress);
            stack.startSimulators(progress);
            stack.startServices(progress);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startInfrastructure(Progress progress) throws Exception {
        if (config.externalKafka() == null) {
            progress.step("starting an embedded Kafka broker");
            kafka = EmbeddedKafka.start();
            bootstrapServers = kafka.bootstrapServers();
        } else {
            bootstrapServers = config.externalKafka();
        }
        progress.step("creating topics on " + bootstrapServers);
        createTopics(bootstrapServers, config.env().passThrough("KAFKA_PROPERTY_", System.getenv().keySet()));
        if (!config.externalPostgres()) {
            progress.step("starting an embedded PostgreSQL");
            postgres = EmbeddedPostgres.start();
            database = postgres.createDatabase("subsets_sync");
        }
    }

    /**
     * Creates every topic of {@link TopicCatalog} that is missing, with its cleanup policy and retention, each with
     * {@link #PARTITIONS} partitions (one count for all, as the events and state topics need); a real cluster's own
     * replication defaults apply.
     */
    static void createTopics(String bootstrapServers, Map<String, String> kafkaProperties) throws Exception {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            for (TopicCatalog.Topic topic : TopicCatalog.all()) {
                topics.add(new NewTopic(topic.name(), java.util.Optional.of(PARTITIONS), java.util.Optional.empty())
                        .configs(topic.configs()));
            }
            for (var result : admin.createTopics(topics).values().values()) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private void startSimulators(Progress progress) throws Exception {
        if (!config.demo()) {
            return;
        }
        progress.step("starting the Iterable and BlueConic simulators");
        simulatorVertx = Vertx.vertx();
        iterable = new IterableSimulator(simulatorVertx);
        blueConic = new BlueConicSimulator(simulatorVertx);
        iterable.start(config.host(), config.iterableSimulatorPort()).await(30, TimeUnit.SECONDS);
        blueConic.start(config.host(), config.blueConicSimulatorPort()).await(30, TimeUnit.SECONDS);
    }

    private void startServices(Progress progress) throws Exception {
        progress.step("starting the provisioner");
        provisioner = await(ProvisionerService.start(ProvisionerConfig.fromEnv(reader(provisionerEnv()), provisionerEnv().keySet())));
        progress.step("starting the Iterable and BlueConic dispatchers");
        Map<String, String> iterableEnv = dispatcherEnv("ITERABLE_", config.iterableDispatcherPort());
        Map<String, String> blueConicEnv = dispatcherEnv("BLUECONIC_", config.blueConicDispatcherPort());
        Future<DispatcherService<IterableDestination>> iterableStarted =
                IterableDispatcher.start(IterableDispatcherConfig.fromEnv(reader(iterableEnv), iterableEnv.keySet()));
        Future<DispatcherService<BlueConicDestination>> blueConicStarted =
                BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(reader(blueConicEnv), blueConicEnv.keySet()));
        iterableDispatcher = await(iterableStarted);
        blueConicDispatcher = await(blueConicStarted);
        progress.step("starting the subscriber-state service");
        stateDir = java.nio.file.Files.createTempDirectory("subsets-sync-state");
        Map<String, String> stateEnv = stateEnv();
        state = await(SubscriberStateService.start(SubscriberStateConfig.fromEnv(reader(stateEnv), stateEnv.keySet())));
        progress.step("starting the ingest service");
        Map<String, String> ingestEnv = ingestEnv();
        ingest = await(IngestService.start(IngestConfig.fromEnv(reader(ingestEnv), ingestEnv.keySet())));
    }

    /**
     * Stops the in-process Iterable dispatcher and runs one in a JVM of its own in its place, with the same
     * environment (tests: a dispatcher that can be killed). {@link #startIterableDispatcher} starts one here again.
     */
    Process forkIterableDispatcher(java.nio.file.Path log) throws Exception {
        stop("iterable-dispatcher", iterableDispatcher, DispatcherService::close);
        iterableDispatcher = null;
        return com.subsets.sync.infra.ForkedJvm.start(com.subsets.sync.iterable.Main.class,
                dispatcherEnv("ITERABLE_", config.iterableDispatcherPort()), log);
    }

    /** Stops the provisioner (tests: a control plane away while dispatchers go on); {@link #startProvisioner} again. */
    void stopProvisioner() {
        stop("provisioner", provisioner, ProvisionerService::close);
        provisioner = null;
    }

    void startProvisioner() throws Exception {
        provisioner = await(ProvisionerService.start(ProvisionerConfig.fromEnv(reader(provisionerEnv()), provisionerEnv().keySet())));
    }

    /** Stops the in-process Iterable dispatcher (tests: a restart); {@link #startIterableDispatcher} starts it again. */
    void stopIterableDispatcher() {
        stop("iterable-dispatcher", iterableDispatcher, DispatcherService::close);
        iterableDispatcher = null;
    }

    /**
     * Stops the subscriber-state service (tests: the state service down, its port closed); {@link #startState} starts it
     * again on the same port and state directory, where it goes on from its committed offsets.
     */
    void stopState() {
        stop("subscriber-state", state, SubscriberStateService::close);
        state = null;
    }

    void startState() throws Exception {
        Map<String, String> env = stateEnv();
        state = await(SubscriberStateService.start(SubscriberStateConfig.fromEnv(reader(env), env.keySet())));
    }

    void startIterableDispatcher() throws Exception {
        Map<String, String> env = dispatcherEnv("ITERABLE_", config.iterableDispatcherPort());
        iterableDispatcher = await(IterableDispatcher.start(IterableDispatcherConfig.fromEnv(reader(env), env.keySet())));
    }

    // ---- each service's environment, as a deployment would set it ----

    private Map<String, String> base() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(config.serviceEnv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (config.demo()) {
            // The simulators listen on plain http on loopback: allowed for that host only.
            env.put("BLUECONIC_INSECURE_HOSTS", config.host());
        }
        return env;
    }

    Map<String, String> provisionerEnv() {
        Map<String, String> env = base();
        env.put("PROVISIONER_HTTP_HOST", config.host());
        env.put("PROVISIONER_HTTP_PORT", String.valueOf(config.provisionerPort()));
        env.put("PROVISIONER_METRICS_PORT", String.valueOf(config.provisionerMetricsPort()));
        env.put("PROVISIONER_OPERATOR_TOKEN_SHA256", TokenAuthenticator.sha256Hex(config.operatorToken()));
        env.put("PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256", TokenAuthenticator.sha256Hex(config.iterableDispatcherToken()));
        env.put("PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256", TokenAuthenticator.sha256Hex(config.blueConicDispatcherToken()));
        env.put("PROVISIONER_ENCRYPTION_KEYS", config.encryptionKeys());
        // Local only, and fixed, as the state service's: an earlier run's erasures still keep their subscribers out of segments.
        env.putIfAbsent("PROVISIONER_ERASURE_SALT", "local-stack-erasure-salt");
        env.put("PROVISIONER_SWEEP_INTERVAL_MS", "2000");
        // Local mode: a webhook receiver on this machine may be plain http.
        env.put("PROVISIONER_NOTIFICATIONS_ALLOW_HTTP", "true");
        if (database != null) {
            env.put("PROVISIONER_DB_HOST", database.host());
            env.put("PROVISIONER_DB_PORT", String.valueOf(database.port()));
            env.put("PROVISIONER_DB_NAME", database.database());
            env.put("PROVISIONER_DB_USER", database.user());
            env.put("PROVISIONER_DB_PASSWORD", database.password());
        }
        if (config.demo()) {
            // The demo tenant's segment lookups, and reads of followed segments every 5 s instead of 15 minutes.
            env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", Demo.TENANT + ":" + TokenAuthenticator.sha256Hex(config.lookupToken()));
            env.putIfAbsent("PROVISIONER_SEGMENTS_INTERVAL_MS", "5000");
            env.put("PROVISIONER_ITERABLE_US_URL", config.url(config.iterableSimulatorPort()));
            env.put("PROVISIONER_ITERABLE_EU_URL", config.url(config.iterableSimulatorPort()));
        }
        return env;
    }

    private Map<String, String> dispatcherEnv(String prefix, int port) {
        Map<String, String> env = base();
        env.put(prefix + "HTTP_HOST", config.host());
        env.put(prefix + "HTTP_PORT", String.valueOf(port));
        env.put(prefix + "PROVISIONER_URL", config.url(config.provisionerPort()));
        // Everything runs on loopback here: the one place a plain-http provisioner is allowed.
        env.put(prefix + "PROVISIONER_ALLOW_PLAINTEXT", "true");
        env.put(prefix + "PROVISIONER_TOKEN", prefix.startsWith("ITERABLE") ? config.iterableDispatcherToken()
                : config.blueConicDispatcherToken());
        env.put(prefix + "DIRECTORY_REFRESH_MS", "2000");
        env.put(prefix + "REPORT_INTERVAL_MS", "1000");
        return env;
    }

    private Map<String, String> stateEnv() {
        Map<String, String> env = base();
        env.put("STATE_HTTP_HOST", config.host());
        env.put("STATE_HTTP_PORT", String.valueOf(config.statePort()));
        env.put("STATE_DIR", stateDir.toString());
        // Local only, and fixed: against an external broker the erasures remembered by an earlier run still match.
        env.putIfAbsent("STATE_ERASURE_SALT", "local-stack-erasure-salt");
        return env;
    }

    private Map<String, String> ingestEnv() {
        Map<String, String> env = base();
        env.put("INGEST_HTTP_HOST", config.host());
        env.put("INGEST_HTTP_PORT", String.valueOf(config.ingestPort()));
        env.put("INGEST_METRICS_PORT", String.valueOf(config.ingestMetricsPort()));
        env.put("INGEST_TOKEN_SHA256", TokenAuthenticator.sha256Hex(config.ingestToken()));
        return env;
    }

    private static EnvReader reader(Map<String, String> env) {
        return new EnvReader(env::get);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(120, TimeUnit.SECONDS);
    }

    /** Stops the services (each finishes its in-flight work), the simulators, then the embedded servers. */
    @Override
    public void close() {
        stop("ingest-service", ingest, IngestService::close);
        stop("iterable-dispatcher", iterableDispatcher, DispatcherService::close);
        stop("blueconic-dispatcher", blueConicDispatcher, DispatcherService::close);
        stop("provisioner", provisioner, ProvisionerService::close);
        stop("subscriber-state", state, SubscriberStateService::close);
        if (stateDir != null) {
            deleteQuietly(stateDir);
        }
        stop("simulators", simulatorVertx, Vertx::close);
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            LOG.warn("{} not removed: {}", dir, e.toString());
        }
    }

    private static <T> void stop(String name, T service, Function<T, Future<Void>> close) {
        if (service == null) {
            return;
        }
        try {
            close.apply(service).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{} did not stop cleanly: {}", name, e.toString());
        }
    }
}
