package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.common.RecordedCall;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provisioner against a real PostgreSQL and both simulators: registration, validation, encryption
 * at rest, provisioning from scratch, re-provisioning as a no-op, a drifted property repaired, an
 * Iterable project without room or with a field of the wrong type, refused credentials, transient
 * vendor errors.
 */
@ExtendWith(RealServices.class)
class ProvisioningIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static IterableSimulator iterable;
    private static BlueConicSimulator blueConic;
    private static PostgresEndpoint db;
    private static ProvisionerService provisioner;
    private static int port;
    private static String instanceUrl;

    @BeforeAll
    static void start(PostgresService postgres, KafkaService kafka) throws Exception {
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        blueConic = new BlueConicSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        instanceUrl = "http://127.0.0.1:" + blueConic.port();
        db = postgres.createDatabase("provisioning_it");
        kafka.createTopics(1, "provisioning-it.reports");
        provisioner = ProvisionerTestKit.start(ProvisionerTestKit.env(db, kafka, iterable.port(), "provisioning-it.reports"));
        port = provisioner.port();
    }

    @AfterAll
    static void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    private static String path(String tenant, String kind) {
        return "/v1/tenants/" + tenant + "/destinations/" + kind;
    }

    private static String blueConicBody(String clientId, String secret) {
        return new JsonObject().put("instanceUrl", instanceUrl).put("clientId", clientId).put("clientSecret", secret)
                .put("objectiveIds", new JsonArray().add("marketing")).encode();
    }

    private static long calls(List<RecordedCall> calls, String method, String pathPart) {
        return calls.stream().filter(c -> c.method().equals(method) && c.path().contains(pathPart)).count();
    }

    @Test
    void blueConicFromScratchThenNoOpThenDriftRepaired() throws Exception {
        BlueConicTenant tenant = blueConic.addTenant("scratch", "client-scratch", "secret-scratch-1");

        var created = operator(port, "PUT", path("bc-scratch", "blueconic"), blueConicBody("client-scratch", "secret-scratch-1"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.raw().headers().firstValue("location")).contains(path("bc-scratch", "blueconic"));
        await("READY", WAIT, () -> status(port, "bc-scratch", "blueconic").equals("READY"));

        for (DestinationField field : DestinationField.values()) {
            JsonObject property = tenant.propertyDefinition(field.blueConicId());
            assertThat(property).as(field.blueConicId()).isNotNull();
            assertThat(property.getString("name")).isEqualTo(field.blueConicName());
            assertThat(property.getString("description")).isEqualTo(field.description());
            assertThat(property.getJsonArray("tags")).containsExactly("subsets");
            assertThat(property.getString("filterType")).isEqualTo("SELECT");
            assertThat(property.getInteger("precision")).isEqualTo(2);
            assertThat(property.getBoolean("availableForSegmentation")).isTrue();
            assertThat(property.getBoolean("showInUI")).isTrue();
            assertThat(property.getBoolean("canRead")).isTrue();
            assertThat(property.getBoolean("canWrite")).isTrue();
        }
        JsonObject view = operator(port, "GET", path("bc-scratch", "blueconic"), null).json();
        assertThat(view.getJsonArray("fields")).hasSize(5);
        view.getJsonArray("fields").forEach(f -> {
            assertThat(((JsonObject) f).getString("action")).isEqualTo("CREATED");
            assertThat(((JsonObject) f).getString("createdAt")).isNotNull();
        });
        assertThat(view.getJsonObject("settings").getString("strategy")).isEqualTo("UPDATE");
        assertThat(view.getJsonObject("settings").getString("matchingProperty")).isEqualTo("email");
        assertThat(view.encode()).doesNotContain("secret-scratch-1");
        assertThat(view.getString("credentialFingerprint")).startsWith("sha256:").hasSize(19);
        assertThat(calls(tenant.calls(), "PUT", "/profileProperties/")).isEqualTo(5);

        // Again: every property is read, none written.
        var again = operator(port, "POST", path("bc-scratch", "blueconic") + "/provision", null);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().getString("run")).isEqualTo("READY");
        again.json().getJsonArray("fields").forEach(f -> assertThat(((JsonObject) f).getString("action")).isEqualTo("VERIFIED"));
        assertThat(calls(tenant.calls(), "PUT", "/profileProperties/")).isEqualTo(5);
        // ... and the ledger keeps when each field was created.
        assertThat(again.json().getJsonArray("fields").getJsonObject(0).getString("createdAt"))
                .isEqualTo(view.getJsonArray("fields").getJsonObject(0).getString("createdAt"));

        // Someone changed one property by hand: it is repaired, and what else they set survives.
        String drifted = DestinationField.CHURN_RISK.blueConicId();
        tenant.property(tenant.propertyDefinition(drifted).put("canWrite", false).put("tags", new JsonArray().add("crm"))
                .put("dataSensitivity", "PII"));
        var repaired = operator(port, "POST", path("bc-scratch", "blueconic") + "/provision", null).json();
        JsonObject property = tenant.propertyDefinition(drifted);
        assertThat(property.getBoolean("canWrite")).isTrue();
        assertThat(property.getJsonArray("tags")).containsExactly("crm", "subsets");
        assertThat(property.getString("dataSensitivity")).isEqualTo("PII");
        assertThat(calls(tenant.calls(), "PUT", "/profileProperties/")).isEqualTo(6);
        repaired.getJsonArray("fields").forEach(f -> {
            JsonObject field = (JsonObject) f;
            assertThat(field.getString("action")).isEqualTo(field.getString("field").equals("CHURN_RISK") ? "UPDATED" : "VERIFIED");
        });

        // The same registration again changes nothing; a new secret is a new revision.
        var same = operator(port, "PUT", path("bc-scratch", "blueconic"), blueConicBody("client-scratch", "secret-scratch-1"));
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().getLong("revision")).isEqualTo(1L);
        assertThat(same.json().getString("status")).isEqualTo("READY");
    }

    @Test
    void iterableFromScratchWithAProbeUserThatIsRemovedThenNoOp() throws Exception {
        IterableProject project = iterable.addProject("p-scratch", "iterable-key-scratch", IterableProject.Identity.USER_ID);
        project.field("customerField", "string");

        var created = operator(port, "PUT", path("it-scratch", "iterable"),
                new JsonObject().put("apiKey", "iterable-key-scratch").put("region", "eu").encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "it-scratch", "iterable").equals("READY"));

        Map<String, String> fields = project.fields();
        for (DestinationField field : DestinationField.values()) {
            assertThat(fields).containsEntry(field.iterableName(),
                    field == DestinationField.EXPERIMENT_ADDED_AT ? "date" : "string");
        }
        assertThat(project.userCount()).as("the probe user is deleted").isZero();
        JsonObject view = operator(port, "GET", path("it-scratch", "iterable"), null).json();
        view.getJsonArray("fields").forEach(f -> assertThat(((JsonObject) f).getString("action")).isEqualTo("CREATED"));
        JsonObject everyFieldSetOrClear = new JsonObject();
        for (DestinationField field : DestinationField.values()) {
            everyFieldSetOrClear.put(field.iterableName(), new JsonObject().put("mode", "set_or_clear"));
        }
        assertThat(view.getJsonObject("settings")).isEqualTo(new JsonObject().put("region", "eu").put("identifier", "userId")
                .put("preferUserId", false).put("fields", everyFieldSetOrClear).put("erasure", "clear"));
        assertThat(calls(project.calls(), "POST", "/bulkUpdate")).isEqualTo(1);

        var again = operator(port, "POST", path("it-scratch", "iterable") + "/provision", null).json();
        assertThat(again.getString("run")).isEqualTo("READY");
        again.getJsonArray("fields").forEach(f -> assertThat(((JsonObject) f).getString("action")).isEqualTo("VERIFIED"));
        assertThat(calls(project.calls(), "POST", "/bulkUpdate")).as("nothing written when the fields exist").isEqualTo(1);
    }

    @Test
    void iterableProjectWithoutRoomOrWithAWrongTypeFailsWithTheReasonAndWritesNothing() throws Exception {
        IterableProject full = iterable.addProject("p-full", "iterable-key-full", IterableProject.Identity.EMAIL);
        for (int i = 0; i < 997; i++) {
            full.field("custom" + i, "string");
        }
        full.field(DestinationField.EXPERIMENT_ID.iterableName(), "string");
        operator(port, "PUT", path("it-full", "iterable"), new JsonObject().put("apiKey", "iterable-key-full")
                .put("identifier", "email").encode());
        await("FAILED", WAIT, () -> status(port, "it-full", "iterable").equals("FAILED"));
        JsonObject failed = operator(port, "GET", path("it-full", "iterable"), null).json();
        assertThat(failed.getString("statusReason")).contains("998 of its 1000 user fields").contains("4 more are needed");
        assertThat(failed.getValue("nextAttemptAt")).as("needs a change, not a retry").isNull();
        assertThat(calls(full.calls(), "POST", "/bulkUpdate")).isZero();

        IterableProject typed = iterable.addProject("p-typed", "iterable-key-typed", IterableProject.Identity.USER_ID);
        typed.field(DestinationField.CHURN_RISK.iterableName(), "double");
        operator(port, "PUT", path("it-typed", "iterable"), new JsonObject().put("apiKey", "iterable-key-typed").encode());
        await("FAILED", WAIT, () -> status(port, "it-typed", "iterable").equals("FAILED"));
        assertThat(operator(port, "GET", path("it-typed", "iterable"), null).json().getString("statusReason"))
                .contains("subsetsSubscriberChurnRisk exists as double but its mode set_or_clear needs string");
        assertThat(calls(typed.calls(), "POST", "/bulkUpdate")).isZero();
    }

    @Test
    void refusedCredentialsFailWithTheVendorsWordsAndAreNotRetried() throws Exception {
        blueConic.addTenant("refused", "client-refused", "the-right-secret");
        operator(port, "PUT", path("bc-refused", "blueconic"), blueConicBody("client-refused", "a-wrong-secret"));
        await("FAILED", WAIT, () -> status(port, "bc-refused", "blueconic").equals("FAILED"));
        JsonObject view = operator(port, "GET", path("bc-refused", "blueconic"), null).json();
        assertThat(view.getString("statusReason")).contains("refused the client credentials").contains("invalid_client");
        assertThat(view.getValue("nextAttemptAt")).isNull();

        operator(port, "PUT", path("it-refused", "iterable"), new JsonObject().put("apiKey", "no-such-iterable-key").encode());
        await("FAILED", WAIT, () -> status(port, "it-refused", "iterable").equals("FAILED"));
        assertThat(operator(port, "GET", path("it-refused", "iterable"), null).json().getString("statusReason"))
                .contains("401").contains("BadApiKey");

        // Fixing the secret is a new revision, provisioned at once.
        var fixed = operator(port, "PUT", path("bc-refused", "blueconic"), blueConicBody("client-refused", "the-right-secret"));
        assertThat(fixed.status()).isEqualTo(202);
        assertThat(fixed.json().getLong("revision")).isEqualTo(2L);
        await("READY", WAIT, () -> status(port, "bc-refused", "blueconic").equals("READY"));

        // A mistyped new secret is checked with a token of its own, not the one the right secret got a moment ago.
        operator(port, "PUT", path("bc-refused", "blueconic"), blueConicBody("client-refused", "a-mistyped-rotation"));
        await("FAILED", WAIT, () -> status(port, "bc-refused", "blueconic").equals("FAILED"));
        assertThat(operator(port, "GET", path("bc-refused", "blueconic"), null).json().getString("statusReason"))
                .contains("invalid_client");
    }

    /**
     * A run of a deleted registration must not settle the one registered after it (revisions start again at 1):
     * the new registration, with a wrong secret, gets its own run and FAILS, although the old run, with the
     * right secret, finishes READY in the middle of it.
     */
    @Test
    void aRunOfADeletedRegistrationNeverSettlesTheNextOne() throws Exception {
        BlueConicTenant tenant = blueConic.addTenant("redo", "client-redo", "secret-redo");
        tenant.faults().latency(400);
        operator(port, "PUT", path("bc-redo", "blueconic"), blueConicBody("client-redo", "secret-redo"));
        await("the first registration's run under way", WAIT, () -> status(port, "bc-redo", "blueconic").equals("PROVISIONING"));
        assertThat(operator(port, "DELETE", path("bc-redo", "blueconic"), null).status()).isEqualTo(204);
        var again = operator(port, "PUT", path("bc-redo", "blueconic"), blueConicBody("client-redo", "not-the-secret"));
        assertThat(again.json().getLong("revision")).as("a new registration starts at revision 1 again").isEqualTo(1L);

        await("the new registration's own run fails", WAIT, () -> status(port, "bc-redo", "blueconic").equals("FAILED"));
        Thread.sleep(2_000);
        assertThat(status(port, "bc-redo", "blueconic")).as("the old run's READY never lands on it").isEqualTo("FAILED");
        tenant.faults().latency(0);
    }

    @Test
    void transientVendorErrorsAreRetriedUntilReady() throws Exception {
        BlueConicTenant tenant = blueConic.addTenant("flaky", "client-flaky", "secret-flaky");
        // Five 503s: more than one run's attempts, so the sweep's next run must finish the job.
        tenant.faults().apply(new JsonObject().put("failNext", 5).put("status", 503));
        operator(port, "PUT", path("bc-flaky", "blueconic"), blueConicBody("client-flaky", "secret-flaky"));
        await("READY", WAIT, () -> status(port, "bc-flaky", "blueconic").equals("READY"));
        assertThat(tenant.calls().stream().filter(c -> c.status() == 503).count()).isEqualTo(5);
        assertThat(calls(tenant.calls(), "PUT", "/profileProperties/")).isEqualTo(5);
        assertThat(ProvisionerTestKit.call(provisioner.metricsPort(), "GET", "/metrics", null, null).body())
                .contains("provisioner_runs_total{destination=\"blueconic\",result=\"failed\"");
    }

    @Test
    void credentialsAreSealedAtRestAndOpenOnlyForDispatchers() throws Exception {
        String apiKey = "plaintext-iterable-key-0123456789";
        iterable.addProject("p-sealed", apiKey, IterableProject.Identity.USER_ID);
        String secret = "plaintext-blueconic-secret-9876543210";
        blueConic.addTenant("sealed", "client-sealed", secret);
        operator(port, "PUT", path("sealed", "iterable"), new JsonObject().put("apiKey", apiKey).encode());
        operator(port, "PUT", path("sealed", "blueconic"), blueConicBody("client-sealed", secret));
        await("READY", WAIT, () -> status(port, "sealed", "iterable").equals("READY")
                && status(port, "sealed", "blueconic").equals("READY"));

        // Every byte of every table, as PostgreSQL stores them: no plaintext secret anywhere.
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            StringBuilder everything = new StringBuilder();
            for (String table : List.of("destination", "provisioning_attempt", "provisioned_field")) {
                try (ResultSet rows = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            byte[] raw = rows.getBytes(i);
                            everything.append(raw == null ? "" : new String(raw, StandardCharsets.ISO_8859_1)).append('|');
                        }
                    }
                }
            }
            assertThat(everything.toString()).contains("sealed").doesNotContain(apiKey).doesNotContain(secret);
            try (ResultSet keys = s.executeQuery("SELECT DISTINCT secret_key_id FROM destination")) {
                keys.next();
                assertThat(keys.getString(1)).isEqualTo("k1");
            }
        }
        assertThat(operator(port, "GET", path("sealed", "iterable"), null).body()).doesNotContain(apiKey);
        assertThat(operator(port, "GET", path("sealed", "blueconic"), null).body()).doesNotContain(secret);

        // The dispatchers' view opens them, with their own token only.
        var forDispatcher = ProvisionerTestKit.call(port, "GET", "/v1/dispatch/iterable/destinations",
                ProvisionerTestKit.DISPATCHER_TOKEN, null);
        JsonObject entry = forDispatcher.json().getJsonObject("destinations").getJsonObject("sealed");
        assertThat(entry.getString("apiKey")).isEqualTo(apiKey);
        assertThat(entry.getString("baseUrl")).isEqualTo("http://127.0.0.1:" + iterable.port());
        assertThat(entry.getString("projectId")).as("without a projectId the tenant stands for its project, whatever the key")
                .isEqualTo("tenant-sealed");
        assertThat(forDispatcher.json().getJsonArray("registered").getList()).contains("sealed");
        assertThat(ProvisionerTestKit.call(port, "GET", "/v1/dispatch/blueconic/destinations", ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN, null)
                .json().getJsonObject("destinations").getJsonObject("sealed").getString("clientSecret")).isEqualTo(secret);
        assertThat(ProvisionerTestKit.call(port, "GET", "/v1/dispatch/blueconic/destinations", ProvisionerTestKit.DISPATCHER_TOKEN, null)
                .status()).as("the Iterable dispatchers' token never opens BlueConic credentials").isEqualTo(401);
        assertThat(ProvisionerTestKit.call(port, "GET", "/v1/dispatch/iterable/destinations",
                ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN, null).status()).as("nor the reverse").isEqualTo(401);
        assertThat(ProvisionerTestKit.call(port, "GET", "/v1/dispatch/iterable/destinations", ProvisionerTestKit.OPERATOR_TOKEN, null)
                .status()).as("operators never read secrets").isEqualTo(401);
        assertThat(operator(port, "GET", path("sealed", "iterable"), null).status()).isEqualTo(200);
        assertThat(ProvisionerTestKit.call(port, "GET", path("sealed", "iterable"), ProvisionerTestKit.DISPATCHER_TOKEN, null)
                .status()).isEqualTo(401);
    }

    @Test
    void deletedDestinationsDisappearFromTheDispatchersView() throws Exception {
        iterable.addProject("p-deleted", "iterable-key-deleted", IterableProject.Identity.USER_ID);
        operator(port, "PUT", path("deleted", "iterable"), new JsonObject().put("apiKey", "iterable-key-deleted").encode());
        await("READY", WAIT, () -> status(port, "deleted", "iterable").equals("READY"));
        assertThat(dispatchView().containsKey("deleted")).isTrue();

        assertThat(operator(port, "DELETE", path("deleted", "iterable"), null).status()).isEqualTo(204);
        assertThat(dispatchView().containsKey("deleted")).isFalse();
        assertThat(operator(port, "GET", path("deleted", "iterable"), null).status()).isEqualTo(404);
        assertThat(operator(port, "DELETE", path("deleted", "iterable"), null).json().getString("code")).isEqualTo("not_registered");
    }

    @Test
    void badRequestsAreRefusedWithTheirPathsAndStoreNothing() {
        String iterablePath = path("bad-input", "iterable");
        String blueConicPath = path("bad-input", "blueconic");
        record Bad(String path, String body, int status, String code, String violationPath) {
        }
        List<Bad> cases = List.of(
                new Bad(iterablePath, "{}", 400, "invalid_destination", "apiKey"),
                new Bad(iterablePath, "{\"apiKey\":\"short\"}", 400, "invalid_destination", "apiKey"),
                new Bad(iterablePath, "{\"apiKey\":12345678}", 400, "invalid_destination", "apiKey"),
                new Bad(iterablePath, "{\"apiKey\":\"key-12345678\",\"region\":\"ap\"}", 400, "invalid_destination", "region"),
                new Bad(iterablePath, "{\"apiKey\":\"key-12345678\",\"identifier\":\"phone\"}", 400, "invalid_destination", "identifier"),
                new Bad(iterablePath, "{\"apiKey\":\"key-12345678\",\"preferUserId\":\"yes\"}", 400, "invalid_destination", "preferUserId"),
                new Bad(iterablePath, "{\"apiKey\":\"key-12345678\",\"projectId\":\"a b\"}", 400, "invalid_destination", "projectId"),
                new Bad(iterablePath, "{\"apiKey\":\"key-12345678\",\"apikey\":\"x\"}", 400, "invalid_destination", "apikey"),
                new Bad(blueConicPath, "{\"instanceUrl\":\"http://acme.blueconic.net\",\"clientId\":\"c\",\"clientSecret\":\"s\"}",
                        400, "invalid_destination", "instanceUrl"),
                new Bad(blueConicPath, "{\"instanceUrl\":\"https://evil.example.com\",\"clientId\":\"c\",\"clientSecret\":\"s\"}",
                        400, "invalid_destination", "instanceUrl"),
                new Bad(blueConicPath, "{\"instanceUrl\":\"https://acme.blueconic.net\",\"clientSecret\":\"s\"}",
                        400, "invalid_destination", "clientId"),
                new Bad(blueConicPath, "{\"instanceUrl\":\"https://acme.blueconic.net\",\"clientId\":\"c\",\"clientSecret\":\"s\","
                        + "\"strategy\":\"DELETE\"}", 400, "invalid_destination", "strategy"),
                new Bad(blueConicPath, "{\"instanceUrl\":\"https://acme.blueconic.net\",\"clientId\":\"c\",\"clientSecret\":\"s\","
                        + "\"objectiveIds\":[\"ok\",\"not ok\"]}", 400, "invalid_destination", "objectiveIds[1]"),
                new Bad(blueConicPath, "{\"instanceUrl\":\"https://acme.blueconic.net\",\"clientId\":\"c\",\"clientSecret\":\"s\","
                        + "\"matchingProperty\":\"e-mail\"}", 400, "invalid_destination", "matchingProperty"),
                new Bad(iterablePath, "{\"apiKey\":", 400, "malformed_json", null),
                new Bad(iterablePath, "[]", 400, "malformed_json", null),
                new Bad(path("Bad_Tenant", "iterable"), "{\"apiKey\":\"key-12345678\"}", 400, "invalid_tenant_id", "tenantId"),
                new Bad(path("bad-input", "salesforce"), "{}", 404, "unknown_destination", null),
                new Bad("/v1/tenants/bad-input/nothing", "{}", 404, "not_found", null));
        for (Bad bad : cases) {
            var reply = operator(port, "PUT", bad.path(), bad.body());
            assertThat(reply.status()).as(bad.body()).isEqualTo(bad.status());
            JsonObject error = reply.json();
            assertThat(error.getString("code")).as(bad.body()).isEqualTo(bad.code());
            assertThat(error.getInteger("status")).isEqualTo(bad.status());
            assertThat(error.getString("message")).isNotBlank();
            if (bad.violationPath() != null) {
                assertThat(error.getJsonArray("violations").stream().map(v -> ((JsonObject) v).getString("path")))
                        .as(bad.body()).contains(bad.violationPath());
            }
        }
        // Every problem at once, and never the secret in the message.
        var many = operator(port, "PUT", blueConicPath, "{\"instanceUrl\":\"ftp://x\",\"clientSecret\":\"has a space\",\"strategy\":1}");
        assertThat(many.json().getJsonArray("violations").stream().map(v -> ((JsonObject) v).getString("path")))
                .containsExactlyInAnyOrder("instanceUrl", "clientId", "clientSecret", "strategy");
        assertThat(many.body()).doesNotContain("has a space");

        var noToken = ProvisionerTestKit.call(port, "PUT", iterablePath, null, "{\"apiKey\":\"key-12345678\"}");
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.raw().headers().firstValue("www-authenticate")).contains("Bearer");
        assertThat(ProvisionerTestKit.call(port, "PUT", iterablePath, "wrong", "{\"apiKey\":\"key-12345678\"}").status()).isEqualTo(401);
        assertThat(ProvisionerTestKit.call(port, "PUT", iterablePath, ProvisionerTestKit.OPERATOR_TOKEN, "{\"apiKey\":\"key-12345678\"}",
                "text/plain").status()).isEqualTo(415);
        assertThat(operator(port, "PATCH", iterablePath, "{}").status()).isEqualTo(405);
        assertThat(operator(port, "PUT", iterablePath, "{\"apiKey\":\"" + "k".repeat(70_000) + "\"}").status()).isEqualTo(413);

        assertThat(operator(port, "GET", iterablePath, null).status()).as("nothing stored").isEqualTo(404);
        assertThat(operator(port, "GET", blueConicPath, null).status()).as("nothing stored").isEqualTo(404);
    }

    private static JsonObject dispatchView() {
        return ProvisionerTestKit.call(port, "GET", "/v1/dispatch/iterable/destinations", ProvisionerTestKit.DISPATCHER_TOKEN, null)
                .json().getJsonObject("destinations");
    }
}
