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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/users/forget} and the forgotten lists as Iterable's document describes them: one identifier by the
 * project's type, the user deleted and remembered, later writes refused as forgotten, 3 requests/s and 1,000 a day.
 */
class IterableForgetTest {

    private Vertx vertx;
    private IterableSimulator simulator;
    private IterableProject byUserId;
    private IterableProject byEmail;
    private WebClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new IterableSimulator(vertx);
        byUserId = simulator.addProject("ids", "key-ids", IterableProject.Identity.USER_ID);
        byEmail = simulator.addProject("mail", "key-mail", IterableProject.Identity.EMAIL);
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(simulator.port()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> forget(String key, JsonObject body) throws Exception {
        return client.post("/api/users/forget").putHeader("Api-Key", key).sendJsonObject(body).await(10, TimeUnit.SECONDS);
    }

    private JsonObject bulk(String key, JsonObject user) throws Exception {
        return client.post("/api/users/bulkUpdate").putHeader("Api-Key", key)
                .sendJsonObject(new JsonObject().put("users", new JsonArray().add(user))).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    }

    private JsonObject get(String key, String path) throws Exception {
        HttpResponse<Buffer> response = client.get(path).putHeader("Api-Key", key).send().await(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.bodyAsJsonObject();
    }

    private static JsonObject fields() {
        return new JsonObject().put("subsetsExperimentId", "exp-1").put("subsetsSubscriberChurnRisk", "0.73");
    }

    /** The real bulkUpdate creates a user it does not know: that is why an erasure looks users up before clearing. */
    @Test
    void bulkUpdateCreatesAnUnknownUserAndTestsCanAskWhetherOneExists() throws Exception {
        assertThat(byUserId.hasUser("u-new")).isFalse();
        bulk("key-ids", new JsonObject().put("userId", "u-new").put("email", "new@example.com")
                .put("dataFields", new JsonObject().putNull("subsetsExperimentId")));
        assertThat(byUserId.hasUser("u-new")).as("a write of nulls creates the user too").isTrue();
        assertThat(byUserId.hasUser("new@example.com")).as("by either identifier").isTrue();
        assertThat(byEmail.hasUser("new@example.com")).as("another project").isFalse();
    }

    @Test
    void aForgottenUserIsDeletedReadsAsUnknownAndLaterWritesComeBackForgotten() throws Exception {
        bulk("key-ids", new JsonObject().put("userId", "u-1").put("email", "ada@example.com").put("dataFields", fields()));
        bulk("key-ids", new JsonObject().put("userId", "u-2").put("dataFields", fields()));

        HttpResponse<Buffer> forgot = forget("key-ids", new JsonObject().put("userId", "u-1"));

        assertThat(forgot.statusCode()).isEqualTo(200);
        assertThat(forgot.bodyAsJsonObject().getString("code")).isEqualTo("Success");
        assertThat(forgot.bodyAsJsonObject().containsKey("msg")).isTrue();
        assertThat(byUserId.hasUser("u-1")).isFalse();
        assertThat(byUserId.hasUser("ada@example.com")).as("the user's e-mail went with them").isFalse();
        assertThat(byUserId.profile("u-1")).isNull();
        assertThat(byUserId.hasUser("u-2")).as("nobody else").isTrue();
        assertThat(get("key-ids", "/api/users/byUserId/u-1")).as("as for an unknown user").isEqualTo(new JsonObject());
        assertThat(get("key-ids", "/api/users/getByEmail?email=ada%40example.com")).isEqualTo(new JsonObject());

        JsonObject again = bulk("key-ids", new JsonObject().put("userId", "u-1").put("dataFields", fields()));
        assertThat(again.getInteger("successCount")).isZero();
        assertThat(again.getInteger("failCount")).isEqualTo(1);
        assertThat(again.getJsonObject("failedUpdates").getJsonArray("forgottenUserIds").getList()).containsExactly("u-1");
        assertThat(byUserId.hasUser("u-1")).as("never created again").isFalse();

        assertThat(byUserId.forgotten().isForgottenUserId("u-1")).isTrue();
        assertThat(byUserId.forgotten().identifiers()).containsExactly("u-1");
        assertThat(byUserId.forgotten().calls()).extracting(ForgottenUsers.Call::userId, ForgottenUsers.Call::email,
                ForgottenUsers.Call::status, ForgottenUsers.Call::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u-1", null, 200, "Success"));
    }

    @Test
    void anEmailBasedProjectForgetsByEmailAndListsLaterWritesAsForgottenEmails() throws Exception {
        bulk("key-mail", new JsonObject().put("email", "ada@example.com").put("userId", "u-1").put("dataFields", fields()));

        assertThat(forget("key-mail", new JsonObject().put("email", "ada@example.com")).statusCode()).isEqualTo(200);

        assertThat(byEmail.hasUser("ada@example.com")).isFalse();
        assertThat(byEmail.hasUser("u-1")).isFalse();
        assertThat(get("key-mail", "/api/users/getByEmail?email=ada%40example.com")).isEqualTo(new JsonObject());
        JsonObject again = bulk("key-mail", new JsonObject().put("email", "ada@example.com").put("dataFields", fields()));
        assertThat(again.getJsonObject("failedUpdates").getJsonArray("forgottenEmails").getList()).containsExactly("ada@example.com");
        assertThat(byEmail.forgotten().isForgottenEmail("ada@example.com")).isTrue();
    }

    /** Iterable forgets a user it never had all the same: their future data is blocked. */
    @Test
    void anUnknownUserIsForgottenAllTheSame() throws Exception {
        assertThat(forget("key-ids", new JsonObject().put("userId", "never-seen")).statusCode()).isEqualTo(200);
        assertThat(bulk("key-ids", new JsonObject().put("userId", "never-seen").put("dataFields", fields()))
                .getJsonObject("failedUpdates").getJsonArray("forgottenUserIds").getList()).containsExactly("never-seen");
    }

    @Test
    void aBadRequestIsRefusedNamingWhatIsWrongAndForgetsNobody() throws Exception {
        bulk("key-ids", new JsonObject().put("userId", "u-1").put("email", "ada@example.com").put("dataFields", fields()));
        bulk("key-mail", new JsonObject().put("email", "ada@example.com").put("dataFields", fields()));
        List<Object[]> cases = List.of(
                new Object[] {"key-ids", new JsonObject().put("userId", "u-1").put("email", "ada@example.com"), 400, "BadParams", "not both"},
                new Object[] {"key-ids", new JsonObject(), 400, "BadParams", "email or userId is required"},
                new Object[] {"key-ids", new JsonObject().put("email", "ada@example.com"), 400, "BadParams", "by userId"},
                new Object[] {"key-mail", new JsonObject().put("userId", "u-1"), 400, "BadParams", "by email"},
                new Object[] {"key-mail", new JsonObject().put("email", "ada@example"), 400, "BadParams", "email"},
                new Object[] {"key-ids", new JsonObject().put("userId", " "), 400, "BadParams", "userId"},
                new Object[] {"key-ids", new JsonObject().put("userId", 7), 400, "BadJsonBody", "userId must be a string"},
                new Object[] {"wrong", new JsonObject().put("userId", "u-1"), 401, "BadApiKey", "Invalid API key"});
        for (Object[] c : cases) {
            Thread.sleep(350); // within 3 requests/s
            HttpResponse<Buffer> refused = forget((String) c[0], (JsonObject) c[1]);
            assertThat(refused.statusCode()).as(c[1].toString()).isEqualTo(c[2]);
            assertThat(refused.bodyAsJsonObject().getString("code")).as(c[1].toString()).isEqualTo(c[3]);
            assertThat(refused.bodyAsJsonObject().getString("msg")).as(c[1].toString()).contains((String) c[4]);
        }
        HttpResponse<Buffer> notJson = client.post("/api/users/forget").putHeader("Api-Key", "key-ids")
                .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"userId\":")).await(10, TimeUnit.SECONDS);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.bodyAsJsonObject().getString("code")).isEqualTo("BadJsonBody");

        assertThat(byUserId.hasUser("u-1")).isTrue();
        assertThat(byEmail.hasUser("ada@example.com")).isTrue();
        assertThat(byUserId.forgotten().identifiers()).isEmpty();
        assertThat(byEmail.forgotten().identifiers()).isEmpty();
    }

    @Test
    void holdsThreeForgetRequestsPerSecondPerProject() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<Buffer> r = forget("key-ids", new JsonObject().put("userId", "u-" + i));
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("RateLimitExceeded");
            }
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertThat(byUserId.forgotten().identifiers()).as("a throttled call forgets nobody").containsExactly("u-0", "u-1", "u-2");
        assertThat(forget("key-mail", new JsonObject().put("email", "a@example.com")).statusCode())
                .as("another project's budget").isEqualTo(200);
        assertThat(byUserId.forgotten().calls()).extracting(ForgottenUsers.Call::status).containsExactly(200, 200, 200, 429);
    }

    @Test
    void theDailyCapAnswers429SayingSoUntilItsWindowPasses() throws Exception {
        byUserId.forgotten().limits(100, 2, Duration.ofSeconds(2));
        assertThat(forget("key-ids", new JsonObject().put("userId", "u-1")).statusCode()).isEqualTo(200);
        assertThat(forget("key-ids", new JsonObject().put("userId", "u-2")).statusCode()).isEqualTo(200);

        HttpResponse<Buffer> capped = forget("key-ids", new JsonObject().put("userId", "u-3"));

        assertThat(capped.statusCode()).isEqualTo(429);
        assertThat(capped.bodyAsJsonObject().getString("code")).isEqualTo("RateLimitExceeded");
        assertThat(capped.bodyAsJsonObject().getString("msg")).contains("Daily cap").contains("at most 2 forget requests");
        assertThat(byUserId.forgotten().isForgottenUserId("u-3")).isFalse();
        Thread.sleep(2_100);
        assertThat(forget("key-ids", new JsonObject().put("userId", "u-3")).statusCode()).as("the window passed").isEqualTo(200);
    }

    /** Iterable's own figures, on a clock of our choosing: 3 a second, 1,000 in any 24 hours. */
    @Test
    void theDefaultLimitsAreIterables() {
        ForgottenUsers limits = new ForgottenUsers();
        long start = 1_000_000L;
        assertThat(limits.admit(start)).isTrue();
        assertThat(limits.admit(start)).isTrue();
        assertThat(limits.admit(start)).isTrue();
        assertThat(limits.admit(start + 999)).as("a fourth within the second").isFalse();
        long t = start + 1_000;
        int admitted = 3;
        while (admitted < 1_000) {
            assertThat(limits.admit(t)).isTrue();
            admitted++;
            t += 334;
        }
        long last = t;
        assertThatThrownBy(() -> limits.admit(last)).isInstanceOf(IterableErrors.Rejection.class)
                .hasMessageContaining("Daily cap exceeded: at most 1000 forget requests per 24 hour period, per project");
        assertThat(limits.admit(start + Duration.ofHours(24).toMillis())).as("a day after the first three").isTrue();
    }

    @Test
    void forgottenListsAreSha256OfTheTrimmedLowercasedIdentifierForTheProjectsType() throws Exception {
        forget("key-ids", new JsonObject().put("userId", "User-1"));
        forget("key-mail", new JsonObject().put("email", "Ada@Example.com"));

        assertThat(get("key-ids", "/api/users/forgottenUserIds").getJsonArray("hashedUserIds").getList())
                .containsExactly(ForgottenUsers.hash("user-1"));
        assertThat(get("key-mail", "/api/users/forgotten").getJsonArray("hashedEmails").getList())
                .containsExactly(ForgottenUsers.hash("ada@example.com"));
        assertThat(ForgottenUsers.hash(" Ada@Example.com ")).isEqualTo(
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("ada@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        HttpResponse<Buffer> wrongType = client.get("/api/users/forgotten").putHeader("Api-Key", "key-ids").send()
                .await(10, TimeUnit.SECONDS);
        assertThat(wrongType.statusCode()).as("a userID-based project has no forgotten e-mails list").isEqualTo(400);
        assertThat(wrongType.bodyAsJsonObject().getString("msg")).contains("email-based projects only");
    }

    @Test
    void inspectionShowsForgottenIdentifiersAndForgetCalls() throws Exception {
        forget("key-ids", new JsonObject().put("userId", "u-1"));
        JsonObject view = client.get("/_sim/iterable/projects/ids").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(view.getJsonArray("forgotten").getList()).containsExactly("u-1");
        assertThat(view.getJsonObject("forgetting").getJsonArray("userIds").getList()).containsExactly("u-1");
        assertThat(view.getJsonObject("forgetting").getJsonArray("calls").getJsonObject(0).getInteger("status")).isEqualTo(200);
    }
}
