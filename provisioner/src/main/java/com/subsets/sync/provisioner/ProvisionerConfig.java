package com.subsets.sync.provisioner;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import com.subsets.sync.client.iterable.IterableRegion;
import com.subsets.sync.model.Topics;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.LookupTokens;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.notifications.NotificationConfig;
import com.subsets.sync.provisioner.store.Database;
import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ErasureMemoryConfig;
import com.subsets.sync.runtime.HttpServerLimits;
import com.subsets.sync.runtime.TokenAuthenticator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Everything the provisioner is configured with, read once from the environment and validated. */
public record ProvisionerConfig(
        String httpHost,
        int httpPort,
        TokenAuthenticator operators,
        Map<DestinationKind, TokenAuthenticator> dispatchers,
        Database.Settings database,
        SecretBox secrets,
        InstanceUrlPolicy instanceUrls,
        IterableEndpoints iterableEndpoints,
        Duration sweepInterval,
        Duration vendorTimeout,
        int vendorAttempts,
        Duration runRetryBase,
        Duration runRetryMax,
        String replica,
        String bootstrapServers,
        String reportsTopic,
        String reportsGroupId,
        Duration reportsReplayWindow,
        Map<String, String> kafkaProperties,
        Duration shutdownTimeout,
        Map<DestinationKind, String> deadLetterTopics,
        String stateTopic,
        Segments segments,
        int metricsPort,
        HttpServerLimits http,
        NotificationConfig notifications,
        int replayMaxSubscribers,
        Deliveries deliveries,
        Erasures erasures) {

    public ProvisionerConfig {
        if (httpPort != 0 && httpPort == metricsPort) {
            throw new ConfigException("PROVISIONER_METRICS_PORT must differ from PROVISIONER_HTTP_PORT (" + httpPort + ")");
        }
    }

    /**
     * Reading the BlueConic segments tenants follow: every {@code interval} per tenant, {@code pageSize} profiles a
     * request, changes to {@code topic}, a failed read tried again after {@code retry} (or the interval, if sooner);
     * {@code lookups} are the platform services' tokens that may ask which segments a subscriber of their tenants is in
     * (operators may too, for every tenant; null: operators only).
     */
    public record Segments(Duration interval, Duration retry, int pageSize, String topic, LookupTokens lookups) {
    }

    /** The most subscribers a replay names before it becomes a full resync of the tenant. */
    public static final String REPLAY_MAX_SUBSCRIBERS = "PROVISIONER_REPLAY_MAX_SUBSCRIBERS";

    /**
     * The dispatchers' answers per subscriber: read from {@code topic} in consumer group {@code groupId} into
     * {@code subscriber_delivery}, served by {@code GET /v1/tenants/{t}/subscribers/{id}/deliveries}.
     */
    public record Deliveries(String topic, String groupId) {
    }

    /**
     * Erasures (issue 29): read from {@code topic} in consumer group {@code groupId}; Iterable forgets (destinations in
     * mode forget) called at most {@code forgetPerSecond} a second and {@code forgetPerDay} per 24 hours per project,
     * shared by every replica, the queue looked at every {@code forgetInterval}, a failed call tried again after
     * {@code forgetRetryBase}, doubling up to {@code forgetRetryMax}.
     */
    /** @param salt the erased identifiers' hash key (a secret, never printed); {@code memory}: how long they are remembered */
    public record Erasures(String topic, String groupId, int forgetPerSecond, int forgetPerDay, Duration forgetInterval,
                           Duration forgetRetryBase, Duration forgetRetryMax, byte[] salt, Duration memory) {
        @Override
        public String toString() {
            return "Erasures[topic=" + topic + ", groupId=" + groupId + ", memory=" + memory + "]";
        }
    }

    /** The variables that name tokens, each a role of its own. */
    static final List<String> TOKEN_ROLES = List.of("PROVISIONER_OPERATOR_TOKEN_SHA256", "PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256",
            "PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256", "PROVISIONER_LOOKUP_TOKEN_SHA256");

    public static ProvisionerConfig fromEnv(EnvReader env, Set<String> names) {
        refuseSharedTokens(env);
        List<String> hosts = env.list("BLUECONIC_ALLOWED_HOSTS");
        return new ProvisionerConfig(
                env.string("PROVISIONER_HTTP_HOST", "0.0.0.0"),
                env.integer("PROVISIONER_HTTP_PORT", 8083, 0, 65535),
                TokenAuthenticator.fromEnv(env, "PROVISIONER_OPERATOR_TOKEN_SHA256"),
                // A token per kind: an Iterable dispatcher never reads BlueConic credentials, nor the reverse.
                Map.of(DestinationKind.ITERABLE, TokenAuthenticator.fromEnv(env, "PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256"),
                        DestinationKind.BLUECONIC, TokenAuthenticator.fromEnv(env, "PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256")),
                database(env),
                secretBox(env),
                new InstanceUrlPolicy(hosts.isEmpty() ? List.of("*.blueconic.net") : hosts, env.list("BLUECONIC_INSECURE_HOSTS")),
                new IterableEndpoints(iterableOverrides(env)),
                env.millis("PROVISIONER_SWEEP_INTERVAL_MS", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(10)),
                env.millis("PROVISIONER_VENDOR_TIMEOUT_MS", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(2)),
                env.integer("PROVISIONER_VENDOR_ATTEMPTS", 4, 1, 20),
                env.millis("PROVISIONER_RETRY_BASE_MS", Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofHours(1)),
                env.millis("PROVISIONER_RETRY_MAX_DELAY_MS", Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofDays(1)),
                env.string("PROVISIONER_REPLICA", hostName()),
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.string("PROVISIONER_REPORTS_TOPIC", Topics.DELIVERY_REPORTS),
                env.string("PROVISIONER_REPORTS_GROUP_ID", "subsets-sync.provisioner"),
                // Kafka's default retention (retention.ms, 7 days): a report older than that cannot come again.
                env.millis("PROVISIONER_REPORTS_REPLAY_WINDOW_MS", Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofDays(365)),
                env.passThrough("KAFKA_PROPERTY_", names),
                env.millis("PROVISIONER_SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(20), Duration.ZERO, Duration.ofMinutes(5)),
                // Where a replay finds a destination's dead letters: the dispatcher's *_DEAD_LETTER_TOPIC.
                Map.of(DestinationKind.ITERABLE, env.string("PROVISIONER_ITERABLE_DEAD_LETTER_TOPIC", Topics.deadLetter("iterable")),
                        DestinationKind.BLUECONIC, env.string("PROVISIONER_BLUECONIC_DEAD_LETTER_TOPIC", Topics.deadLetter("blueconic"))),
                // Where a test delivery reads what it sent: the state service's output, the dispatchers' *_TOPIC.
                env.string("PROVISIONER_STATE_TOPIC", Topics.SUBSCRIBER_STATE),
                new Segments(
                        env.millis("PROVISIONER_SEGMENTS_INTERVAL_MS", Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(1)),
                        env.millis("PROVISIONER_SEGMENTS_RETRY_MS", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofDays(1)),
                        // BlueConic allows up to 1,000,000 a page; 1,000 keeps a page's memory small and its request short.
                        env.integer("PROVISIONER_SEGMENTS_PAGE_SIZE", 1_000, 1, 100_000),
                        env.string("PROVISIONER_SEGMENTS_TOPIC", Topics.SEGMENT_MEMBERSHIPS),
                        LookupTokens.parse(env.list(LookupTokens.VARIABLE))),
                env.integer("PROVISIONER_METRICS_PORT", 9083, 0, 65535),
                HttpServerLimits.fromEnv(env, "PROVISIONER"),
                NotificationConfig.fromEnv(env),
                // A replay names at most this many subscribers; above it, it is a full resync of the tenant. The replica
                // running it holds the keys in memory (about 100 bytes each: 100,000 is some 10 MB).
                env.integer(REPLAY_MAX_SUBSCRIBERS, 100_000, 1, 1_000_000),
                new Deliveries(env.string("PROVISIONER_DELIVERIES_TOPIC", Topics.SUBSCRIBER_DELIVERIES),
                        env.string("PROVISIONER_DELIVERIES_GROUP_ID", "subsets-sync.provisioner.deliveries")),
                new Erasures(env.string("PROVISIONER_ERASURES_TOPIC", Topics.ERASURES),
                        env.string("PROVISIONER_ERASURES_GROUP_ID", "subsets-sync.provisioner.erasures"),
                        // Iterable's documented limits of POST /api/users/forget (iterable-api-v1.8.swagger.json): "Rate limit:
                        // 3 requests/second, per project. Daily Cap: 1000 requests per 24 hour period, per project". Lower
                        // values for tests; higher ones only earn 429s unless Iterable raised the project's limits.
                        env.integer("PROVISIONER_FORGET_PER_SECOND", 3, 1, 100),
                        env.integer("PROVISIONER_FORGET_PER_DAY", 1_000, 1, 1_000_000),
                        env.millis("PROVISIONER_FORGET_INTERVAL_MS", Duration.ofMillis(250), Duration.ofMillis(10), Duration.ofMinutes(10)),
                        env.millis("PROVISIONER_FORGET_RETRY_BASE_MS", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofHours(1)),
                        env.millis("PROVISIONER_FORGET_RETRY_MAX_MS", Duration.ofHours(1), Duration.ofMillis(10), Duration.ofDays(1)),
                        ErasureMemoryConfig.salt(env, "PROVISIONER"), ErasureMemoryConfig.memory(env, "PROVISIONER")));
    }

    /** PostgreSQL, TLS included: {@code PROVISIONER_DB_SSLMODE} (verify-full in production) and its root certificate. */
    static Database.Settings database(EnvReader env) {
        String sslMode = env.string("PROVISIONER_DB_SSLMODE", "disable");
        if (!Database.Settings.SSL_MODES.contains(sslMode)) {
            throw new ConfigException("PROVISIONER_DB_SSLMODE must be one of " + String.join(", ", Database.Settings.SSL_MODES));
        }
        String rootCert = env.string("PROVISIONER_DB_SSL_ROOT_CERT", null);
        if (sslMode.startsWith("verify-") && rootCert == null) {
            throw new ConfigException("PROVISIONER_DB_SSLMODE " + sslMode + " needs PROVISIONER_DB_SSL_ROOT_CERT: the PEM file of the "
                    + "CA that signed the server's certificate");
        }
        if (rootCert != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(rootCert))) {
            throw new ConfigException("PROVISIONER_DB_SSL_ROOT_CERT " + rootCert + " is not a readable file");
        }
        return new Database.Settings(
                env.string("PROVISIONER_DB_HOST", "localhost"),
                env.integer("PROVISIONER_DB_PORT", 5432, 1, 65535),
                env.string("PROVISIONER_DB_NAME", "subsets_sync"),
                env.string("PROVISIONER_DB_USER", "subsets_sync"),
                env.string("PROVISIONER_DB_PASSWORD", ""),
                env.integer("PROVISIONER_DB_POOL_SIZE", 8, 2, 100),
                sslMode, rootCert);
    }

    /**
     * A token hash in two roles would let one role act as the other (a dispatcher token reading operators' API, an
     * Iterable dispatcher's opening BlueConic credentials): refused at start, naming the variables, never the hash.
     */
    static void refuseSharedTokens(EnvReader env) {
        Map<String, String> roleOf = new java.util.HashMap<>();
        for (String variable : TOKEN_ROLES) {
            List<String> entries = env.list(variable);
            for (String hash : variable.equals(LookupTokens.VARIABLE) ? LookupTokens.hashes(entries) : entries) {
                String other = roleOf.putIfAbsent(hash.toLowerCase(java.util.Locale.ROOT), variable);
                if (other != null && !other.equals(variable)) {
                    throw new ConfigException(other + " and " + variable + " share a token hash: each role needs tokens of its own");
                }
            }
        }
    }

    /**
     * {@code PROVISIONER_ENCRYPTION_KEYS}: comma-separated {@code id:base64-key} (AES, 128/192/256 bits);
     * {@code PROVISIONER_ENCRYPTION_KEY_ID}: which one seals new values (default: the first). To rotate,
     * add a key, make it active, and keep the old one until the sweep has resealed everything.
     */
    static SecretBox secretBox(EnvReader env) {
        List<String> entries = encryptionKeys(env);
        if (entries.isEmpty()) {
            throw new ConfigException("PROVISIONER_ENCRYPTION_KEYS (or PROVISIONER_ENCRYPTION_KEYS_FILE) is required: "
                    + "comma-separated id:base64 AES keys (e.g. k1:$(head -c 32 /dev/urandom | base64))");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon);
            if (!id.matches("[A-Za-z0-9._-]{1,40}")) {
                throw new ConfigException("PROVISIONER_ENCRYPTION_KEYS entries must be id:base64-key with an id of letters, digits, '.', '_' or '-'");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("PROVISIONER_ENCRYPTION_KEYS: key " + id + " is not base64");
            }
            if (key.length != 16 && key.length != 24 && key.length != 32) {
                throw new ConfigException("PROVISIONER_ENCRYPTION_KEYS: key " + id + " must be 16, 24 or 32 bytes, is " + key.length);
            }
            if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new ConfigException("PROVISIONER_ENCRYPTION_KEYS: key id " + id + " appears twice");
            }
        }
        String active = env.string("PROVISIONER_ENCRYPTION_KEY_ID", keys.keySet().iterator().next());
        if (!keys.containsKey(active)) {
            throw new ConfigException("PROVISIONER_ENCRYPTION_KEY_ID " + active + " is not among PROVISIONER_ENCRYPTION_KEYS");
        }
        return new SecretBox(keys, active, new SecureRandom());
    }

    /**
     * The keys from {@code PROVISIONER_ENCRYPTION_KEYS_FILE} (a file holding the same comma- or line-separated list,
     * a Secret mounted as a file, say) or from {@code PROVISIONER_ENCRYPTION_KEYS}; never both.
     */
    private static List<String> encryptionKeys(EnvReader env) {
        String file = env.string("PROVISIONER_ENCRYPTION_KEYS_FILE", null);
        if (file == null) {
            return env.list("PROVISIONER_ENCRYPTION_KEYS");
        }
        if (!env.list("PROVISIONER_ENCRYPTION_KEYS").isEmpty()) {
            throw new ConfigException("set PROVISIONER_ENCRYPTION_KEYS or PROVISIONER_ENCRYPTION_KEYS_FILE, not both");
        }
        String content;
        try {
            content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException("PROVISIONER_ENCRYPTION_KEYS_FILE " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        return Arrays.stream(content.split("[,\\s]+")).filter(k -> !k.isEmpty()).toList();
    }

    private static Map<IterableRegion, URI> iterableOverrides(EnvReader env) {
        Map<IterableRegion, URI> overrides = new EnumMap<>(IterableRegion.class);
        for (IterableRegion region : IterableRegion.values()) {
            String variable = "PROVISIONER_ITERABLE_" + region.name() + "_URL";
            String url = env.string(variable, null);
            if (url != null) {
                URI uri;
                try {
                    uri = URI.create(url);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(variable + " is not a URL");
                }
                if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                    throw new ConfigException(variable + " must be an http(s) URL with a host");
                }
                overrides.put(region, uri);
            }
        }
        return overrides;
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "provisioner-" + ProcessHandle.current().pid() : host;
    }

    public ProvisionerConfig withPort(int port) {
        return new ProvisionerConfig(httpHost, port, operators, dispatchers, database, secrets, instanceUrls, iterableEndpoints,
                sweepInterval, vendorTimeout, vendorAttempts, runRetryBase, runRetryMax, replica, bootstrapServers, reportsTopic,
                reportsGroupId, reportsReplayWindow, kafkaProperties, shutdownTimeout, deadLetterTopics, stateTopic, segments, metricsPort, http,
                notifications, replayMaxSubscribers, deliveries, erasures);
    }
}
