package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where a tenant's credentials may go, against a real PostgreSQL: never along a redirect, never to an instance URL a
 * database writer put in the row, never quoted when a request cannot be built; and input the API cannot store
 * safely is a 400.
 */
@ExtendWith(RealServices.class)
class CredentialSafetyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static IterableSimulator iterable;
    private static BlueConicSimulator blueConic;
    private static HttpServer redirector;
    private static HttpServer elsewhere;
    private static final List<String> reachedElsewhere = new CopyOnWriteArrayList<>();
    private static PostgresEndpoint db;
    private static ProvisionerService provisioner;
    private static int port;

    @BeforeAll
    static void start(PostgresService postgres, KafkaService kafka) throws Exception {
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        blueConic = new BlueConicSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        // Another host: whatever reaches it, and with which headers and body, is recorded.
        elsewhere = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            reachedElsewhere.add(request.method() + " " + request.uri() + " " + request.headers().entries() + " " + body);
            request.response().setStatusCode(200).putHeader("content-type", "application/json")
                    .end("{\"access_token\":\"t\",\"expires_in\":3600,\"fields\":{}}");
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        // A vendor host (or a proxy, or a man in the middle) that answers every request with a redirect to it.
        redirector = vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(302)
                .putHeader("location", "http://127.0.0.1:" + elsewhere.actualPort() + request.uri()).end())
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        db = postgres.createDatabase("credential_safety_it");
        kafka.createTopics(1, "credential-safety-it.reports");
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, iterable.port(), "credential-safety-it.reports");
        env.put("PROVISIONER_ITERABLE_EU_URL", "http://127.0.0.1:" + redirector.actualPort());
        provisioner = ProvisionerTestKit.start(env);
        port = provisioner.port();
    }

    @AfterAll
    static void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    private static String path(String tenant, String kind) {
        return "/v1/tenants/" + tenant + "/destinations/" + kind;
    }

    private static String blueConicBody(String instanceUrl, String clientId, String secret) {
        return new JsonObject().put("instanceUrl", instanceUrl).put("clientId", clientId).put("clientSecret", secret)
                .put("objectiveIds", new JsonArray()).encode();
    }

    @Test
    void aRedirectIsAnErrorWithItsStatusAndCredentialsNeverFollowIt() throws Exception {
        reachedElsewhere.clear();
        operator(port, "PUT", path("redirect-it", "iterable"), new JsonObject().put("apiKey", "iterable-key-redirected")
                .put("region", "eu").encode());
        operator(port, "PUT", path("redirect-bc", "blueconic"), blueConicBody("http://127.0.0.1:" + redirector.actualPort(),
                "client-redirected", "secret-redirected"));
        await("both FAILED", WAIT, () -> status(port, "redirect-it", "iterable").equals("FAILED")
                && status(port, "redirect-bc", "blueconic").equals("FAILED"));
        assertThat(operator(port, "GET", path("redirect-it", "iterable"), null).json().getString("statusReason")).contains("302");
        assertThat(operator(port, "GET", path("redirect-bc", "blueconic"), null).json().getString("statusReason")).contains("302");
        Thread.sleep(500);
        assertThat(reachedElsewhere).as("nothing follows the redirect: no Api-Key, no client_secret elsewhere").isEmpty();
    }

    @Test
    void aDatabaseWriterCannotRedirectABlueConicSecret() throws Exception {
        reachedElsewhere.clear();
        blueConic.addTenant("moved", "client-moved", "secret-moved-0123");
        operator(port, "PUT", path("moved", "blueconic"), blueConicBody("http://127.0.0.1:" + blueConic.port(), "client-moved",
                "secret-moved-0123"));
        await("READY", WAIT, () -> status(port, "moved", "blueconic").equals("READY"));

        // A writer of the settings row points the instance at another host (one the policy allows) and asks for a run.
        sql("UPDATE destination SET settings = jsonb_set(settings, '{instanceUrl}', to_jsonb(?::text)), status = 'PENDING' "
                + "WHERE tenant_id = 'moved'", "http://127.0.0.1:" + elsewhere.actualPort());
        provisioner.sweep().await(30, TimeUnit.SECONDS);
        await("FAILED", WAIT, () -> status(port, "moved", "blueconic").equals("FAILED"));
        String reason = operator(port, "GET", path("moved", "blueconic"), null).json().getString("statusReason");
        assertThat(reason).contains("do not open").doesNotContain("secret-moved");
        Thread.sleep(500);
        assertThat(reachedElsewhere).as("client_secret went nowhere").isEmpty();
    }

    @Test
    void theInstanceUrlPolicyIsCheckedEachTimeCredentialsAreUsed() throws Exception {
        reachedElsewhere.clear();
        // A row sealed as a build before the settings were bound would have sealed it: only tenant and kind bound.
        SecretBox box = box();
        JsonObject settings = new JsonObject().put("instanceUrl", "http://localhost:" + elsewhere.actualPort())
                .put("clientId", "client-legacy").put("matchingProperty", "email").put("strategy", "UPDATE")
                .put("objectiveIds", new JsonArray());
        SecretBox.Sealed sealed = box.seal(new JsonObject().put("clientSecret", "secret-legacy-0123").encode().getBytes(),
                "legacy/blueconic".getBytes());
        sql("INSERT INTO destination (tenant_id, kind, settings, secret_key_id, secret_nonce, secret_sealed, secret_fingerprint, "
                + "status) VALUES ('legacy', 'blueconic', ?::jsonb, 'k1', ?, ?, 'sha256:000000000000', 'PENDING')",
                settings.encode(), sealed.nonce(), sealed.ciphertext());
        provisioner.sweep().await(30, TimeUnit.SECONDS);
        await("FAILED", WAIT, () -> status(port, "legacy", "blueconic").equals("FAILED"));
        assertThat(operator(port, "GET", path("legacy", "blueconic"), null).json().getString("statusReason"))
                .startsWith("credentials not used: instanceUrl must be https");
        Thread.sleep(500);
        assertThat(reachedElsewhere).isEmpty();
    }

    @Test
    void keysAreRefusedUnlessPrintableAndAKeyThatCannotBeSentFailsTheRunUnquoted() throws Exception {
        var refused = operator(port, "PUT", path("control", "iterable"), new JsonObject().put("apiKey", "key-with-\u0007-bell")
                .encode());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain("key-with");
        assertThat(operator(port, "PUT", path("control", "blueconic"), blueConicBody("http://127.0.0.1:" + blueConic.port(),
                "client", "secret\u0000nul")).status()).isEqualTo(400);

        // A key that passed an older rule, already stored: the run fails, naming no key, and leaves PROVISIONING.
        iterable.addProject("p-control", "iterable-key-control", IterableProject.Identity.USER_ID);
        operator(port, "PUT", path("control", "iterable"), new JsonObject().put("apiKey", "iterable-key-control").encode());
        await("READY", WAIT, () -> status(port, "control", "iterable").equals("READY"));
        JsonObject settings = operator(port, "GET", path("control", "iterable"), null).json().getJsonObject("settings");
        SecretBox.Sealed sealed = new CredentialSealer(box(), new com.subsets.sync.client.blueconic.InstanceUrlPolicy(List.of(), List.of())).seal("control", DestinationKind.ITERABLE, settings,
                new JsonObject().put("apiKey", "stored-key-\r\nX-Injected: 1"));
        sql("UPDATE destination SET secret_nonce = ?, secret_sealed = ?, status = 'PENDING' WHERE tenant_id = 'control' "
                + "AND kind = 'iterable'", sealed.nonce(), sealed.ciphertext());
        provisioner.sweep().await(30, TimeUnit.SECONDS);
        await("FAILED", WAIT, () -> status(port, "control", "iterable").equals("FAILED"));
        String reason = operator(port, "GET", path("control", "iterable"), null).json().getString("statusReason");
        assertThat(reason).contains("could not be built").doesNotContain("stored-key").doesNotContain("Injected");
    }

    @Test
    void oneUnopenableRowDoesNotTakeTheDispatchAnswerDown() throws Exception {
        iterable.addProject("p-good", "iterable-key-good", IterableProject.Identity.USER_ID);
        iterable.addProject("p-bad", "iterable-key-bad", IterableProject.Identity.USER_ID);
        operator(port, "PUT", path("good", "iterable"), new JsonObject().put("apiKey", "iterable-key-good").encode());
        operator(port, "PUT", path("bad", "iterable"), new JsonObject().put("apiKey", "iterable-key-bad").encode());
        await("READY", WAIT, () -> status(port, "good", "iterable").equals("READY") && status(port, "bad", "iterable").equals("READY"));
        sql("UPDATE destination_ready SET secret_sealed = ? WHERE tenant_id = 'bad' AND kind = 'iterable'", new byte[40]);

        var answer = ProvisionerTestKit.call(port, "GET", "/v1/dispatch/iterable/destinations", ProvisionerTestKit.DISPATCHER_TOKEN, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().getJsonObject("destinations").getJsonObject("good").getString("apiKey")).isEqualTo("iterable-key-good");
        assertThat(answer.json().getJsonObject("destinations").containsKey("bad")).isFalse();
        assertThat(answer.json().getJsonArray("registered").getList()).contains("good", "bad");
        assertThat(answer.json().getJsonArray("unavailable").getList()).containsExactly("bad");
        assertThat(ProvisionerTestKit.call(provisioner.metricsPort(), "GET", "/metrics", null, null).body())
                .contains("provisioner_dispatch_credentials_unopenable_total{destination=\"iterable\",service=\"provisioner\",tenant=\"bad\"}");
    }

    @Test
    void inputTheApiCannotStoreSafelyIsA400() throws Exception {
        var duplicate = ProvisionerTestKit.call(port, "PUT", path("dup", "iterable"), ProvisionerTestKit.OPERATOR_TOKEN,
                "{\"apiKey\":\"iterable-key-one\",\"apiKey\":\"iterable-key-two\"}");
        assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(400);
        assertThat(duplicate.json().getString("code")).isEqualTo("malformed_json");
        assertThat(duplicate.body()).doesNotContain("iterable-key");

        var nulClientId = operator(port, "PUT", path("nul", "blueconic"), blueConicBody("http://127.0.0.1:" + blueConic.port(),
                "client\u0000id", "secret-nul"));
        assertThat(nulClientId.status()).as(nulClientId.body()).isEqualTo(400);

        iterable.addProject("p-nul", "iterable-key-nul", IterableProject.Identity.USER_ID);
        operator(port, "PUT", path("nul", "iterable"), new JsonObject().put("apiKey", "iterable-key-nul").encode());
        var nulReason = ProvisionerTestKit.call(port, "PUT", "/v1/dispatch/iterable/parkings/nul", ProvisionerTestKit.DISPATCHER_TOKEN,
                new JsonObject().put("partition", 0).put("fromOffset", 1).put("reason", "broken\u0000reason")
                        .put("parkedAt", "2026-11-22T10:00:00Z").encode());
        assertThat(nulReason.status()).as(nulReason.body()).isEqualTo(400);

        for (String since : List.of("-999999999-01-01T00:00:00Z", "%2B999999999-12-31T23:59:59Z", "1200-01-01T00:00:00Z")) {
            var replay = operator(port, "POST", path("nul", "iterable") + "/replay?since=" + since, null);
            assertThat(replay.status()).as(since + ": " + replay.body()).isEqualTo(400);
            assertThat(replay.json().getString("code")).isEqualTo("invalid_since");
        }
    }

    private static SecretBox box() {
        return new SecretBox(Map.of("k1", new SecretKeySpec(Base64.getDecoder().decode(ProvisionerTestKit.KEY), "AES")), "k1",
                new SecureRandom());
    }

    private static void sql(String statement, Object... parameters) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }
}
