package com.subsets.sync.simulator.iterable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator holds the vendor's contract: auth, shapes, limits, types, per-user outcomes, faults. */
class IterableSimulatorTest {

    static final String KEY = "key-acme";
    private Vertx vertx;
    private IterableSimulator simulator;
    private IterableProject project;
    private WebClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new IterableSimulator(vertx);
        project = simulator.addProject("acme", KEY, IterableProject.Identity.USER_ID);
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(simulator.port()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> bulk(String header, JsonObject body) throws Exception {
        var request = client.post("/api/users/bulkUpdate");
        if (header != null) {
            request.putHeader(header, KEY);
        }
        return request.sendJsonObject(body).await(10, TimeUnit.SECONDS);
    }

    private static JsonObject users(JsonObject... users) {
        JsonArray array = new JsonArray();
        for (JsonObject u : users) {
            array.add(u);
        }
        return new JsonObject().put("users", array);
    }

    private static JsonObject user(String id, JsonObject data) {
        return new JsonObject().put("userId", id).put("dataFields", data);
    }

    @Test
    void refusesABadKeyInTheVendorsShapeAndAcceptsBothHeaderSpellings() throws Exception {
        HttpResponse<Buffer> none = bulk(null, users(user("u1", new JsonObject())));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.bodyAsJsonObject().getString("code")).isEqualTo("BadApiKey");
        assertThat(none.bodyAsJsonObject().getString("msg")).isEqualTo("Invalid API key");
        assertThat(bulk("Api-Key", users(user("u1", new JsonObject()))).statusCode()).isEqualTo(200);
        assertThat(bulk("Api_Key", users(user("u2", new JsonObject()))).statusCode()).isEqualTo(200);
        simulator.removeProject("acme");
        assertThat(bulk("Api-Key", users(user("u3", new JsonObject()))).statusCode()).as("a removed project's key").isEqualTo(401);
        assertThat(simulator.project("acme")).isNull();
    }

    @Test
    void writesUsersAndFixesFieldTypesFromTheFirstValue() throws Exception {
        JsonObject result = bulk("Api-Key", users(
                user("u1", new JsonObject().put("subsetsExperimentId", "exp-1").put("subsetsExperimentAddedAt", "2026-11-22T09:59:00Z")),
                user("u2", new JsonObject().put("subsetsExperimentId", "exp-2")))).bodyAsJsonObject();

        assertThat(result.getInteger("successCount")).isEqualTo(2);
        assertThat(result.getInteger("failCount")).isZero();
        assertThat(result.getJsonArray("createdFields").getList()).containsExactly("subsetsExperimentId", "subsetsExperimentAddedAt");
        assertThat(project.fields()).containsEntry("subsetsExperimentAddedAt", "date").containsEntry("subsetsExperimentId", "string");
        assertThat(project.profile("u1")).containsEntry("subsetsExperimentId", "exp-1");
    }

    @Test
    void aTypeChangeFailsTheUserInA200ByDefaultOrTheRequestWhenConfigured() throws Exception {
        project.field("subsetsExperimentName", "string");
        JsonObject perUser = bulk("Api-Key", users(
                user("u1", new JsonObject().put("subsetsExperimentName", "2026-01-01")),
                user("u2", new JsonObject().put("subsetsExperimentName", "Winback")))).bodyAsJsonObject();
        assertThat(perUser.getInteger("failCount")).isEqualTo(1);
        assertThat(perUser.getJsonObject("failedUpdates").getJsonArray("invalidDataUserIds").getList()).containsExactly("u1");
        assertThat(project.profile("u1")).isNull();

        project.typeMismatch(IterableProject.TypeMismatch.REJECT_REQUEST);
        HttpResponse<Buffer> rejected = bulk("Api-Key", users(
                user("u3", new JsonObject().put("subsetsExperimentName", "Fine")),
                user("u4", new JsonObject().put("subsetsExperimentName", "2026-01-01"))));
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.bodyAsJsonObject().getString("code")).isEqualTo("RequestFieldsTypesMismatched");
        assertThat(rejected.bodyAsJsonObject().getJsonObject("params").getString("field")).isEqualTo("subsetsExperimentName");
        assertThat(project.profile("u3")).as("nothing of a rejected request is applied").isNull();
    }

    /** The add write mode's arrays (issue 28): an array's first write types the field, and no other type is taken after. */
    @Test
    void anArrayFieldIsTypedByItsFirstWriteAndTakesNothingElse() throws Exception {
        project.field("subsetsExperimentName", "string");
        JsonObject result = bulk("Api-Key", users(
                user("u1", new JsonObject().put("subsetsExperimentId", new JsonArray().add("exp-1").add("exp-2"))),
                user("u2", new JsonObject().put("subsetsExperimentName", new JsonArray().add("Winback"))))).bodyAsJsonObject();

        assertThat(project.fields()).containsEntry("subsetsExperimentId", "array");
        assertThat(project.profile("u1")).containsEntry("subsetsExperimentId", new JsonArray().add("exp-1").add("exp-2"));
        assertThat(result.getJsonObject("failedUpdates").getJsonArray("invalidDataUserIds").getList())
                .as("an array to a string field").containsExactly("u2");

        JsonObject again = bulk("Api-Key", users(user("u3", new JsonObject().put("subsetsExperimentId", "exp-3"))))
                .bodyAsJsonObject();
        assertThat(again.getJsonObject("failedUpdates").getJsonArray("invalidDataUserIds").getList())
                .as("a string to the array field").containsExactly("u3");
    }

    @Test
    void reportsFailedUsersByIdentifierNotPosition() throws Exception {
        IterableProject emails = simulator.addProject("mail", "key-mail", IterableProject.Identity.EMAIL);
        emails.forget("gone@example.com");
        JsonObject result = client.post("/api/users/bulkUpdate").putHeader("Api-Key", "key-mail").sendJsonObject(users(
                new JsonObject().put("email", "ok@example.com"),
                new JsonObject().put("email", "not-an-email"),
                new JsonObject().put("email", "gone@example.com"),
                new JsonObject().put("userId", "unknown-id"),
                new JsonObject().put("userId", "new-id").put("preferUserId", true))).await(10, TimeUnit.SECONDS).bodyAsJsonObject();

        JsonObject failed = result.getJsonObject("failedUpdates");
        assertThat(result.getInteger("successCount")).isEqualTo(2);
        assertThat(result.getInteger("failCount")).isEqualTo(3);
        assertThat(failed.getJsonArray("invalidEmails").getList()).containsExactly("not-an-email");
        assertThat(failed.getJsonArray("forgottenEmails").getList()).containsExactly("gone@example.com");
        assertThat(failed.getJsonArray("notFoundUserIds").getList()).containsExactly("unknown-id");
        assertThat(result.getJsonArray("invalidEmails").getList()).as("the deprecated list too").containsExactly("not-an-email");
        assertThat(emails.profile("new-id")).as("preferUserId creates the user").isNotNull();
    }

    @Test
    void nullRemovesAFieldAndMergeNestedObjectsMerges() throws Exception {
        bulk("Api-Key", users(user("u1", new JsonObject().put("a", "x").put("prefs", new JsonObject().put("mobile", true)))));
        bulk("Api-Key", users(user("u1", new JsonObject().putNull("a").put("prefs", new JsonObject().put("email", true)))
                .put("mergeNestedObjects", true)));

        assertThat(project.profile("u1")).doesNotContainKey("a");
        assertThat(((JsonObject) project.profile("u1").get("prefs")).getMap()).containsEntry("mobile", true).containsEntry("email", true);
    }

    @Test
    void holdsFiveBulkRequestsPerSecondPerProject() throws Exception {
        int throttled = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<Buffer> r = bulk("Api-Key", users(user("u" + i, new JsonObject())));
            if (r.statusCode() == 429) {
                throttled++;
                assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("RateLimitExceeded");
            }
        }
        assertThat(throttled).isEqualTo(1);
    }

    @Test
    void refusesBadShapesNamingThePathAndBodiesOverFourMegabytes() throws Exception {
        HttpResponse<Buffer> bad = bulk("Api-Key", users(user("u1", new JsonObject())).put("users",
                new JsonArray().add(new JsonObject().put("userId", "a")).add(new JsonObject().put("userId", "b").put("dataFields", "x"))));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsJsonObject().getString("code")).isEqualTo("BadJsonBody");
        assertThat(bad.bodyAsJsonObject().getJsonObject("params").getString("path")).isEqualTo("users[1].dataFields");

        String big = "{\"users\":[{\"userId\":\"u\",\"dataFields\":{\"x\":\"" + "a".repeat(4 * 1024 * 1024) + "\"}}]}";
        HttpResponse<Buffer> tooLarge = client.post("/api/users/bulkUpdate").putHeader("Api-Key", KEY)
                .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(big)).await(10, TimeUnit.SECONDS);
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(tooLarge.bodyAsJsonObject().getString("code")).isEqualTo("BatchTooLarge");
    }

    @Test
    void newFieldsAreCreatedDroppedOrRefusedAtTheLimit() throws Exception {
        project.dropUnknownFields(true);
        JsonObject dropped = bulk("Api-Key", users(user("u1", new JsonObject().put("f1", "x")))).bodyAsJsonObject();
        assertThat(dropped.getJsonArray("filteredOutFields").getList()).containsExactly("f1");
        JsonObject created = bulk("Api-Key", users(user("u1", new JsonObject().put("f1", "x"))).put("createNewFields", true)).bodyAsJsonObject();
        assertThat(created.getJsonArray("createdFields").getList()).containsExactly("f1");

        project.fieldLimit(1);
        HttpResponse<Buffer> full = bulk("Api-Key", users(user("u1", new JsonObject().put("f2", "x"))).put("createNewFields", true));
        assertThat(full.statusCode()).isEqualTo(400);
        assertThat(full.bodyAsJsonObject().getString("code")).isEqualTo("UniqueFieldsLimitExceeded");
    }

    @Test
    void injectedFaultsAndInspection() throws Exception {
        project.faults().failNext(2, 503);
        assertThat(bulk("Api-Key", users(user("u1", new JsonObject()))).statusCode()).isEqualTo(503);
        assertThat(bulk("Api-Key", users(user("u1", new JsonObject()))).bodyAsJsonObject().getString("code")).isEqualTo("GenericError");
        Thread.sleep(1000);
        project.faults().throttleNext(1);
        assertThat(bulk("Api-Key", users(user("u1", new JsonObject()))).statusCode()).isEqualTo(429);
        project.faults().dropNext(1);
        var dropped = client.post("/api/users/bulkUpdate").putHeader("Api-Key", KEY)
                .sendJsonObject(users(user("u1", new JsonObject())));
        assertThatThrownBy(() -> dropped.await(10, TimeUnit.SECONDS)).as("connection closed without an answer")
                .hasMessageContaining("closed");

        JsonObject view = client.get("/_sim/iterable/projects/acme").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(view.getJsonArray("calls").size()).isEqualTo(4);
        assertThat(client.post("/_sim/iterable/projects/acme/faults").sendJsonObject(new JsonObject().put("failNext", 1).put("status", 500))
                .await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        Thread.sleep(1000);
        assertThat(bulk("Api-Key", users(user("u1", new JsonObject()))).statusCode()).isEqualTo(500);
    }

    @Test
    void getFieldsAndDelete() throws Exception {
        bulk("Api-Key", users(user("u1", new JsonObject().put("subsetsExperimentId", "e"))));
        JsonObject fields = client.get("/api/users/getFields").putHeader("Api-Key", KEY).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(fields.getJsonObject("fields").getString("subsetsExperimentId")).isEqualTo("string");
        assertThat(client.delete("/api/users/byUserId/u1").putHeader("Api-Key", KEY).send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(project.profile("u1")).isNull();
    }
}
