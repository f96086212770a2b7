package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RawHttp;
import com.subsets.sync.infra.RealServices;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provisioner's HTTP edge on a real PostgreSQL and broker: a request without a known token is refused from its
 * headers, before its body is read, and its connection closed; an operator's body that does not come is a 408; an
 * idle connection is closed; health and metrics are on their own port only; the sealing keys come from a file.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionerHttpLimitsIT {

    private static final int TWO_MIB = 2 * 1024 * 1024;
    private static final int WAIT_MS = 15_000;
    private ProvisionerService provisioner;
    private io.vertx.core.Vertx vertx;

    @BeforeAll
    void start(PostgresService postgres, KafkaService kafka) throws Exception {
        vertx = io.vertx.core.Vertx.vertx();
        kafka.createTopics(1, "http-limits-it.reports");
        // Readiness needs every topic it uses (the default dead-letter, segment, subscriber-deliveries and erasures topics here).
        kafka.createTopics(1, com.subsets.sync.model.Topics.deadLetter("iterable"), com.subsets.sync.model.Topics.deadLetter("blueconic"),
                com.subsets.sync.model.Topics.SEGMENT_MEMBERSHIPS, com.subsets.sync.model.Topics.SUBSCRIBER_DELIVERIES,
                com.subsets.sync.model.Topics.ERASURES);
        Map<String, String> env = ProvisionerTestKit.env(postgres.createDatabase("http_limits_it"), kafka, 1, "http-limits-it.reports");
        Path keys = Files.createTempFile("encryption-keys", "");
        Files.writeString(keys, env.remove("PROVISIONER_ENCRYPTION_KEYS") + "\n");
        keys.toFile().deleteOnExit();
        env.put("PROVISIONER_ENCRYPTION_KEYS_FILE", keys.toString());
        env.put("PROVISIONER_HTTP_BODY_TIMEOUT_MS", "1000");
        env.put("PROVISIONER_HTTP_IDLE_TIMEOUT_MS", "1500");
        provisioner = ProvisionerTestKit.start(env);
    }

    @AfterAll
    void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    @Test
    void stalledRequestsWithoutAKnownTokenGet401FromTheirHeadersAndAreClosed() throws Exception {
        for (String authorization : new String[] {null, "Bearer not-a-token"}) {
            for (String path : new String[] {"/v1/tenants/acme/destinations/iterable", "/v1/dispatch/iterable/parkings/acme"}) {
                Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of(
                        "Content-Type", "application/json", "Content-Length", String.valueOf(TWO_MIB)));
                if (authorization != null) {
                    headers.put("Authorization", authorization);
                }
                try (RawHttp stalled = new RawHttp(provisioner.port(), WAIT_MS)) {
                    // Headers only: the 2 MiB body never comes.
                    RawHttp.Answer answer = stalled.write(RawHttp.head("PUT", path, headers)).readAnswerThenClose();
                    assertThat(answer.status()).as(path).isEqualTo(401);
                    assertThat(answer.header("www-authenticate")).isEqualTo("Bearer");
                    assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("unauthorized");
                    assertThat(answer.closed()).as("closed after the 401").isTrue();
                }
            }
        }
    }

    @Test
    void anOperatorsBodyThatDoesNotComeIs408AndClosed() throws Exception {
        try (RawHttp stalled = new RawHttp(provisioner.port(), WAIT_MS)) {
            RawHttp.Answer answer = stalled.write(RawHttp.head("PUT", "/v1/tenants/slow/destinations/iterable", Map.of(
                    "Authorization", "Bearer " + OPERATOR_TOKEN, "Content-Type", "application/json",
                    "Content-Length", "1000")) + "{\"apiKey\":").readAnswerThenClose();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("request_timeout");
            assertThat(answer.closed()).isTrue();
        }
        assertThat(ProvisionerTestKit.operator(provisioner.port(), "GET", "/v1/tenants/slow/destinations/iterable", null).status())
                .as("nothing was registered").isEqualTo(404);
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (RawHttp silent = new RawHttp(provisioner.port(), WAIT_MS)) {
            assertThat(silent.closedByServer()).isTrue();
        }
    }

    @Test
    void healthAndMetricsAreOnTheirOwnPortOnly() {
        assertThat(ProvisionerTestKit.call(provisioner.port(), "GET", "/metrics", null, null).status()).isEqualTo(404);
        assertThat(ProvisionerTestKit.call(provisioner.port(), "GET", "/health/ready", null, null).status()).isEqualTo(404);
        assertThat(ProvisionerTestKit.call(provisioner.metricsPort(), "GET", "/health/ready", null, null).status()).isEqualTo(200);
        assertThat(ProvisionerTestKit.call(provisioner.metricsPort(), "GET", "/metrics", null, null).body())
                .contains("http_server_connections_refused_total{server=\"api\"");
    }

    @Test
    void credentialsAreSealedAndOpenedWithTheKeysFromTheFile() {
        String body = new JsonObject().put("apiKey", "key-from-a-file-test").put("region", "us").encode();
        assertThat(ProvisionerTestKit.operator(provisioner.port(), "PUT", "/v1/tenants/filed/destinations/iterable", body).status())
                .isBetween(200, 299);
        assertThat(ProvisionerTestKit.operator(provisioner.port(), "GET", "/v1/tenants/filed/destinations/iterable", null).body())
                .doesNotContain("key-from-a-file-test");
    }
}
