package com.subsets.sync.provisioner;

import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the provisioner's integration tests share: its environment, an HTTP client, waiting. */
final class ProvisionerTestKit {

    static final String OPERATOR_TOKEN = "operator-token-for-tests";
    static final String DISPATCHER_TOKEN = "iterable-dispatcher-token-for-tests";
    static final String BLUECONIC_DISPATCHER_TOKEN = "blueconic-dispatcher-token-for-tests";
    static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ProvisionerTestKit() {
    }

    /** A provisioner's environment: this database, this broker, simulators on loopback. */
    static Map<String, String> env(PostgresEndpoint db, KafkaService kafka, int iterablePort, String reportsTopic) {
        Map<String, String> env = new HashMap<>();
        env.put("PROVISIONER_HTTP_HOST", "127.0.0.1");
        env.put("PROVISIONER_HTTP_PORT", "0");
        env.put("PROVISIONER_METRICS_PORT", "0");
        env.put("PROVISIONER_OPERATOR_TOKEN_SHA256", TokenAuthenticator.sha256Hex(OPERATOR_TOKEN));
        env.put("PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256", TokenAuthenticator.sha256Hex(DISPATCHER_TOKEN));
        env.put("PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256", TokenAuthenticator.sha256Hex(BLUECONIC_DISPATCHER_TOKEN));
        env.put("PROVISIONER_DB_HOST", db.host());
        env.put("PROVISIONER_DB_PORT", String.valueOf(db.port()));
        env.put("PROVISIONER_DB_NAME", db.database());
        env.put("PROVISIONER_DB_USER", db.user());
        env.put("PROVISIONER_DB_PASSWORD", db.password());
        env.put("PROVISIONER_ENCRYPTION_KEYS", "k1:" + KEY);
        env.put("PROVISIONER_ERASURE_SALT", "provisioner-test-erasure-salt");
        env.put("BLUECONIC_INSECURE_HOSTS", "127.0.0.1");
        env.put("PROVISIONER_ITERABLE_US_URL", "http://127.0.0.1:" + iterablePort);
        env.put("PROVISIONER_ITERABLE_EU_URL", "http://127.0.0.1:" + iterablePort);
        env.put("PROVISIONER_SWEEP_INTERVAL_MS", "500");
        env.put("PROVISIONER_RETRY_BASE_MS", "200");
        env.put("PROVISIONER_RETRY_MAX_DELAY_MS", "1000");
        env.put("PROVISIONER_VENDOR_TIMEOUT_MS", "5000");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PROVISIONER_REPORTS_TOPIC", reportsTopic);
        env.put("PROVISIONER_REPORTS_GROUP_ID", reportsTopic + ".provisioner");
        return env;
    }

    static ProvisionerService start(Map<String, String> env) throws Exception {
        return ProvisionerService.start(ProvisionerConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                .await(60, TimeUnit.SECONDS);
    }

    /** Closes the provisioner (when it started) and then the test's Vert.x with its simulators. */
    static void stop(ProvisionerService provisioner, io.vertx.core.Vertx vertx) throws Exception {
        if (provisioner != null) {
            provisioner.close().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    static Reply call(int port, String method, String path, String token, String body) {
        return call(port, method, path, token, body, "application/json");
    }

    static Reply call(int port, String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (body != null && contentType != null) {
            request.header("content-type", contentType);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Reply operator(int port, String method, String path, String body) {
        return call(port, method, path, OPERATOR_TOKEN, body);
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, timeout, condition);
    }

    static String status(int port, String tenant, String kind) {
        Reply reply = operator(port, "GET", "/v1/tenants/" + tenant + "/destinations/" + kind, null);
        return reply.status() == 200 ? reply.json().getString("status") : "HTTP " + reply.status();
    }

    /**
     * A dispatcher's environment (prefix {@code ITERABLE_} or {@code BLUECONIC_}) reading {@code input} from {@code topic}
     * and its destinations from the provisioner on {@code provisionerPort}, with short refresh and report intervals.
     */
    static Map<String, String> dispatcherEnv(String prefix, String bootstrapServers, String input, String topic, String reportsTopic,
                                             int provisionerPort, int lingerMs) {
        String kind = prefix.equals("ITERABLE_") ? "iterable" : "blueconic";
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put(prefix + "INPUT", input);
        env.put(prefix + "TOPIC", topic);
        env.put(prefix + "GROUP_ID", topic + "." + kind);
        env.put(prefix + "DEAD_LETTER_TOPIC", topic + ".dlq." + kind);
        env.put(prefix + "REPORTS_TOPIC", reportsTopic);
        env.put(prefix + "REPORT_INTERVAL_MS", "300");
        env.put(prefix + "HTTP_HOST", "127.0.0.1");
        env.put(prefix + "HTTP_PORT", "0");
        env.put(prefix + "LINGER_MS", String.valueOf(lingerMs));
        env.put(prefix + "PROVISIONER_URL", "http://127.0.0.1:" + provisionerPort);
        env.put(prefix + "PROVISIONER_ALLOW_PLAINTEXT", "true");
        env.put(prefix + "PROVISIONER_TOKEN", kind.equals("iterable") ? DISPATCHER_TOKEN : BLUECONIC_DISPATCHER_TOKEN);
        env.put(prefix + "DIRECTORY_REFRESH_MS", "300");
        env.put("BLUECONIC_INSECURE_HOSTS", "127.0.0.1");
        return env;
    }
}
