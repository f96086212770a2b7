package com.subsets.sync.simulator.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The BlueConic simulator holds the vendor's contract: OAuth, bulk profile semantics, limits, properties, faults. */
class BlueConicSimulatorTest {

    private Vertx vertx;
    private BlueConicSimulator simulator;
    private BlueConicTenant tenant;
    private WebClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new BlueConicSimulator(vertx);
        tenant = simulator.addTenant("acme", "client-1", "secret-1");
        tenant.property(new JsonObject().put("id", "subsets_experiment_id").put("name", "subsetsExperimentId"));
        tenant.property(new JsonObject().put("id", "visits").put("name", "visits"));
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(simulator.port()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> token(MultiMap form) throws Exception {
        return client.post("/rest/v2/oauth/token").sendForm(form).await(10, TimeUnit.SECONDS);
    }

    private String accessToken() throws Exception {
        return token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
                .add("client_id", "client-1").add("client_secret", "secret-1")).bodyAsJsonObject().getString("access_token");
    }

    private HttpResponse<Buffer> bulk(String token, JsonArray entries, String objectiveIds) throws Exception {
        var request = client.put("/rest/v2/profiles").putHeader("authorization", "Bearer " + token);
        if (objectiveIds != null) {
            request.addQueryParam("objectiveIds", objectiveIds);
        }
        return request.sendJson(entries).await(10, TimeUnit.SECONDS);
    }

    private static JsonObject entry(String identifier, String email, String strategy, JsonObject... rules) {
        JsonArray properties = new JsonArray();
        for (JsonObject r : rules) {
            properties.add(r);
        }
        return new JsonObject().put("identifier", identifier).put("strategy", strategy)
                .put("matching", new JsonArray().add(new JsonArray().add(new JsonObject().put("id", "email").put("value", email))))
                .put("properties", properties);
    }

    private static JsonObject set(String id, String... values) {
        return new JsonObject().put("id", id).put("values", new JsonArray(List.of((Object[]) values))).put("strategy", "SET");
    }

    @Test
    void aSegmentPageIsAnsweredInFullAndRecordedWithoutItsAnswer() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(tenant.addProfile(Map.of("email", List.of("s" + i + "@example.com"))));
        }
        tenant.segments().define("seg", "Segment").members("seg", ids);
        HttpResponse<Buffer> page = client.get("/rest/v2/segments/seg/profiles?count=10&properties=email&cursor=*")
                .putHeader("authorization", "Bearer " + accessToken()).send().await(10, TimeUnit.SECONDS);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.bodyAsJsonObject().getJsonArray("profiles")).hasSize(3);
        var call = tenant.calls().get(tenant.calls().size() - 1);
        assertThat(call.path()).isEqualTo("/rest/v2/segments/seg/profiles");
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.response()).as("a page's profiles are not kept with the call").isNull();
    }

    @Test
    void issuesExpiringTokensForClientCredentialsInTheFormOrBasic() throws Exception {
        HttpResponse<Buffer> ok = token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
                .add("client_id", "client-1").add("client_secret", "secret-1"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.bodyAsJsonObject().getString("token_type")).isEqualTo("Bearer");
        assertThat(ok.bodyAsJsonObject().getLong("expires_in")).isEqualTo(3600);

        HttpResponse<Buffer> basic = client.post("/rest/v2/oauth/token").basicAuthentication("client-1", "secret-1")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")).await(10, TimeUnit.SECONDS);
        assertThat(basic.statusCode()).isEqualTo(200);

        HttpResponse<Buffer> wrong = token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
                .add("client_id", "client-1").add("client_secret", "nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
        HttpResponse<Buffer> grant = token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "password").add("client_id", "client-1"));
        assertThat(grant.statusCode()).isEqualTo(400);
        assertThat(grant.bodyAsJsonObject().getString("error")).isEqualTo("unsupported_grant_type");
    }

    @Test
    void anExpiredOrUnknownTokenIsRefused() throws Exception {
        tenant.tokenTtlSeconds(1);
        String token = accessToken();
        assertThat(bulk(token, new JsonArray(), null).statusCode()).isEqualTo(200);
        Thread.sleep(1100);
        assertThat(bulk(token, new JsonArray(), null).statusCode()).isEqualTo(401);
        assertThat(bulk("made-up", new JsonArray(), null).statusCode()).isEqualTo(401);
    }

    @Test
    void updateNeverCreatesUpsertDoesAndResultsEchoTheIdentifier() throws Exception {
        String token = accessToken();
        String ada = tenant.addProfile(Map.of("email", List.of("ada@example.com")));
        JsonArray results = bulk(token, new JsonArray()
                .add(entry("r1", "ada@example.com", "UPDATE", set("subsets_experiment_id", "exp-1")))
                .add(entry("r2", "nobody@example.com", "UPDATE", set("subsets_experiment_id", "exp-1")))
                .add(entry("r3", "new@example.com", "UPSERT", set("email", "new@example.com"), set("subsets_experiment_id", "exp-2")))
                .add(entry("r4", "ada@example.com", "UPDATE", set("subsets_experiment_id", "exp-1"))), null).bodyAsJsonArray();

        assertThat(results.stream().map(r -> ((JsonObject) r).getString("identifier") + ":" + ((JsonObject) r).getString("state")))
                .containsExactly("r1:MODIFIED", "r2:NOTFOUND", "r3:CREATED", "r4:UNCHANGED");
        assertThat(results.getJsonObject(0).getString("profileId")).isEqualTo(ada);
        assertThat(tenant.profileBy("email", "ada@example.com")).containsEntry("subsets_experiment_id", List.of("exp-1"));
        assertThat(tenant.profileBy("email", "new@example.com")).containsEntry("subsets_experiment_id", List.of("exp-2"));
    }

    @Test
    void propertyRulesSetAddIncrementRemoveAndClear() throws Exception {
        String token = accessToken();
        tenant.addProfile(Map.of("email", List.of("ada@example.com"), "visits", List.of("2")));
        bulk(token, new JsonArray().add(entry("r", "ada@example.com", "UPDATE",
                new JsonObject().put("id", "visits").put("values", new JsonArray().add("3")).put("strategy", "INCREMENT"),
                new JsonObject().put("id", "subsets_experiment_id").put("values", new JsonArray().add("a").add("b")).put("strategy", "ADD"))), null);
        assertThat(tenant.profileBy("email", "ada@example.com")).containsEntry("visits", List.of("5"))
                .containsEntry("subsets_experiment_id", List.of("a", "b"));
        bulk(token, new JsonArray().add(entry("r", "ada@example.com", "UPDATE",
                new JsonObject().put("id", "subsets_experiment_id").put("values", new JsonArray().add("a")).put("strategy", "REMOVE"),
                new JsonObject().put("id", "visits").put("values", new JsonArray().add("9")).put("strategy", "SET_IF_EMPTY"))), null);
        assertThat(tenant.profileBy("email", "ada@example.com")).containsEntry("subsets_experiment_id", List.of("b"))
                .containsEntry("visits", List.of("5"));
        bulk(token, new JsonArray().add(entry("r", "ada@example.com", "UPDATE", set("subsets_experiment_id"))), null);
        assertThat(tenant.profileBy("email", "ada@example.com")).as("SET with no values clears").doesNotContainKey("subsets_experiment_id");
    }

    @Test
    void unknownPropertiesAndNonUniqueMatchingAreEntryValidationErrors() throws Exception {
        String token = accessToken();
        tenant.addProfile(Map.of("email", List.of("ada@example.com")));
        JsonObject matchOnVisits = entry("r2", "x", "UPDATE", set("visits", "1"));
        matchOnVisits.put("matching", new JsonArray().add(new JsonArray().add(new JsonObject().put("id", "visits").put("value", "1"))));
        JsonArray results = bulk(token, new JsonArray()
                .add(entry("r1", "ada@example.com", "UPDATE", set("no_such_property", "x")))
                .add(matchOnVisits), null).bodyAsJsonArray();

        assertThat(results.getJsonObject(0).getString("state")).isEqualTo("SKIPPED");
        assertThat(results.getJsonObject(0).getJsonObject("validationErrors"))
                .as("property id to messages, as BulkResultBean types it")
                .isEqualTo(new JsonObject().put("no_such_property", new JsonArray().add("property does not exist")));
        assertThat(results.getJsonObject(1).getJsonObject("validationErrors").getJsonArray("visits").getString(0))
                .contains("unique identifier");
    }

    @Test
    void aProfileCanRefuseWritesAsRestrictedOrUnauthorized() throws Exception {
        String token = accessToken();
        String restricted = tenant.addProfile(Map.of("email", List.of("restricted@example.com")));
        String pii = tenant.addProfile(Map.of("email", List.of("pii@example.com")));
        tenant.refuseWrites(restricted, "RESTRICTION_MISMATCH").refuseWrites(pii, "UNAUTHORIZED");

        JsonArray results = bulk(token, new JsonArray()
                .add(entry("r1", "restricted@example.com", "UPDATE", set("subsets_experiment_id", "a")))
                .add(entry("r2", "pii@example.com", "UPDATE", set("subsets_experiment_id", "a"))), null).bodyAsJsonArray();

        assertThat(results.getJsonObject(0).getString("state")).isEqualTo("RESTRICTION_MISMATCH");
        assertThat(results.getJsonObject(1).getString("state")).isEqualTo("UNAUTHORIZED");
        assertThat(tenant.profileBy("email", "restricted@example.com")).doesNotContainKey("subsets_experiment_id");
    }

    @Test
    void objectiveIdsAdmitOnlyConsentedProfiles() throws Exception {
        String token = accessToken();
        tenant.addProfile(Map.of("email", List.of("yes@example.com")), "marketing");
        tenant.addProfile(Map.of("email", List.of("no@example.com")));
        JsonArray results = bulk(token, new JsonArray()
                .add(entry("r1", "yes@example.com", "UPDATE", set("subsets_experiment_id", "e")))
                .add(entry("r2", "no@example.com", "UPDATE", set("subsets_experiment_id", "e"))), "marketing,analytics").bodyAsJsonArray();
        assertThat(results.getJsonObject(0).getString("state")).isEqualTo("MODIFIED");
        assertThat(results.getJsonObject(1).getString("state")).isEqualTo("CONSENT_MISMATCH");
        assertThat(tenant.profileBy("email", "no@example.com")).doesNotContainKey("subsets_experiment_id");
    }

    @Test
    void moreThanAThousandEntriesApplyTheFirstThousandAndAnswer413() throws Exception {
        String token = accessToken();
        JsonArray entries = new JsonArray();
        for (int i = 0; i < 1001; i++) {
            entries.add(entry("r" + i, "u" + i + "@example.com", "UPSERT", set("email", "u" + i + "@example.com")));
        }
        HttpResponse<Buffer> response = bulk(token, entries, null);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.bodyAsJsonArray().size()).isEqualTo(1000);
        assertThat(tenant.profileCount()).isEqualTo(1000);
        assertThat(tenant.profileBy("email", "u1000@example.com")).isNull();
        assertThat(tenant.entriesApplied()).isEqualTo(1000);
    }

    @Test
    void aLoweredBulkLimitAnswers413WithTheEntriesWithinIt() throws Exception {
        String token = accessToken();
        tenant.maxEntriesPerRequest(3);
        JsonArray entries = new JsonArray();
        for (int i = 0; i < 5; i++) {
            entries.add(entry("r" + i, "u" + i + "@example.com", "UPSERT", set("email", "u" + i + "@example.com")));
        }
        HttpResponse<Buffer> response = bulk(token, entries, null);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.bodyAsJsonArray().stream().map(r -> ((JsonObject) r).getString("identifier")))
                .containsExactly("r0", "r1", "r2");
        assertThat(tenant.profileCount()).isEqualTo(3);
        assertThat(tenant.entriesApplied()).isEqualTo(3);
        assertThat(bulk(token, new JsonArray().add(entries.getValue(3)), null).statusCode()).isEqualTo(200);
        assertThat(tenant.entriesApplied()).isEqualTo(4);
    }

    @Test
    void tooManyConcurrentRequestsGet429() throws Exception {
        String token = accessToken();
        tenant.maxConcurrentRequests(2).faults().latency(300);
        List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(client.put("/rest/v2/profiles").putHeader("authorization", "Bearer " + token).sendJson(new JsonArray()));
        }
        Future.join(calls).await(10, TimeUnit.SECONDS);
        assertThat(calls.stream().filter(c -> c.result().statusCode() == 429).count()).isEqualTo(3);
        assertThat(calls.stream().filter(c -> c.result().statusCode() == 200).count()).isEqualTo(2);
    }

    @Test
    void badBodiesGetTheVendorsErrorShape() throws Exception {
        HttpResponse<Buffer> response = bulk(accessToken(), new JsonArray().add(new JsonObject().put("strategy", "MERGE")), null);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getInteger("code")).isEqualTo(400);
        assertThat(body.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("[0].strategy");
    }

    @Test
    void profilePropertiesAreReadAndReplacedWhole() throws Exception {
        String token = accessToken();
        assertThat(client.get("/rest/v2/profileProperties/subsets_churn").putHeader("authorization", "Bearer " + token)
                .send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        JsonObject definition = new JsonObject().put("id", "subsets_churn").put("name", "subsetsSubscriberChurnRisk").put("precision", 2);
        assertThat(client.put("/rest/v2/profileProperties/subsets_churn").putHeader("authorization", "Bearer " + token)
                .sendJsonObject(definition).await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(client.put("/rest/v2/profileProperties/other").putHeader("authorization", "Bearer " + token)
                .sendJsonObject(definition).await(10, TimeUnit.SECONDS).statusCode()).as("body id must equal path id").isEqualTo(400);
        assertThat(tenant.propertyDefinition("subsets_churn").getInteger("precision")).isEqualTo(2);
        JsonObject list = client.get("/rest/v2/profileProperties").putHeader("authorization", "Bearer " + token)
                .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(list.getJsonArray("profileProperties").stream().map(p -> ((JsonObject) p).getString("id")))
                .contains("email", "subsets_churn");
    }

    @Test
    void faultsAndInspection() throws Exception {
        String token = accessToken();
        tenant.faults().failNext(1, 503);
        assertThat(bulk(token, new JsonArray(), null).statusCode()).isEqualTo(503);
        tenant.faults().throttleNext(1);
        assertThat(bulk(token, new JsonArray(), null).statusCode()).isEqualTo(429);
        tenant.faults().failNext(1, 401);
        HttpResponse<Buffer> refused = bulk(token, new JsonArray(), null);
        assertThat(refused.statusCode()).as("a valid token refused, as in a 401 storm").isEqualTo(401);
        assertThat(refused.bodyAsJsonObject().getString("message")).startsWith("Unauthorized");
        assertThat(bulk(token, new JsonArray(), null).statusCode()).isEqualTo(200);
        assertThat(client.post("/_sim/blueconic/tenants/acme/expireTokens").send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(bulk(token, new JsonArray(), null).statusCode()).as("tokens expired on demand").isEqualTo(401);
        var calls = tenant.calls();
        assertThat(calls.get(calls.size() - 1).status()).as("a refused token of this tenant's is in its call log").isEqualTo(401);
        JsonObject view = client.get("/_sim/blueconic/tenants/acme").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(view.getJsonArray("calls").size()).isGreaterThanOrEqualTo(3);
    }
}
