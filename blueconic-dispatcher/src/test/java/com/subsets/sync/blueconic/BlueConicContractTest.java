package com.subsets.sync.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holds the dispatcher's requests and the simulator's answers to BlueConic's own OpenAPI 3.1 document:
 * the dispatcher's adapter talks to the simulator through a recording proxy, through the situations it
 * meets (results of every kind, consent, an expired token, more than 1,000 entries, 429, 503), and the
 * property and token endpoints are called as the provisioner calls them; every exchange is judged by
 * {@link BlueConicOpenApi}.
 */
class BlueConicContractTest {

    private static final String NOT_AN_ARRAY = "{\"entries\":[]}";
    private Vertx vertx;
    private BlueConicSimulator simulator;
    private BlueConicTenant tenant;
    private HttpServer proxy;
    private final List<BlueConicOpenApi.Exchange> exchanges = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new BlueConicSimulator(vertx);
        tenant = simulator.addTenant("acme", "client-acme", "secret-acme");
        SubsetsProperties.defineOn(tenant);
        tenant.addProfile(Map.of("email", List.of("known@example.com")), "marketing");
        tenant.addProfile(Map.of("email", List.of("no-consent@example.com")));
        tenant.refuseWrites(tenant.addProfile(Map.of("email", List.of("restricted@example.com"))), "RESTRICTION_MISMATCH");
        tenant.refuseWrites(tenant.addProfile(Map.of("email", List.of("pii@example.com"))), "UNAUTHORIZED");
        tenant.addProfile(Map.of("email", List.of("leaving@example.com")));
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        HttpClient upstream = vertx.createHttpClient();
        proxy = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            Map<String, String> query = new LinkedHashMap<>();
            request.params().forEach(query::put);
            upstream.request(request.method(), simulator.port(), "127.0.0.1", request.uri())
                    .compose(out -> {
                        request.headers().forEach(out::putHeader);
                        return out.send(body);
                    })
                    .compose(answer -> answer.body().map(answerBody -> {
                        exchanges.add(new BlueConicOpenApi.Exchange(request.method().name(), request.path(), query,
                                request.getHeader("content-type"), body.toString(), answer.statusCode(), answerBody.toString()));
                        request.response().setStatusCode(answer.statusCode());
                        answer.headers().forEach(request.response()::putHeader);
                        return request.response().end(answerBody);
                    }));
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private BlueConicDestination destination(List<String> objectives) {
        return destination("email", "UPDATE", objectives);
    }

    private BlueConicDestination destination(String matchingProperty, String strategy, List<String> objectives) {
        return new BlueConicDestination(URI.create("http://127.0.0.1:" + proxy.actualPort()), "client-acme", "secret-acme",
                matchingProperty, strategy, objectives);
    }

    private static SubscriberUpdate row(String email, int offset) {
        AssignmentEvent event = new AssignmentEvent("e" + offset, EventType.ASSIGNED, "acme", Instant.parse("2026-11-22T09:59:00Z"),
                new Subscriber(null, email), new Experiment("exp-1", "Winback"), Assignment.TREATMENT,
                Instant.parse("2026-11-22T09:00:00Z"), new java.math.BigDecimal("0.42"));
        SubscriberUpdate row = new SubscriberUpdate(email);
        row.merge(event, new SourceRecord("t", 0, offset, null, new byte[0], Map.of()));
        return row;
    }

    private static SubscriberUpdate erase(String email, int offset) {
        SubscriberUpdate row = new SubscriberUpdate(email);
        row.merge(new com.subsets.sync.model.Erasure("er-" + offset, "acme", Instant.parse("2026-12-01T10:00:00Z"),
                new Subscriber("u-" + offset, email)), new SourceRecord("t", 0, offset, null, new byte[0], Map.of()));
        return row;
    }

    @Test
    void everyExchangeAgreesWithBlueConicsOwnDocument() throws Exception {
        BlueConicAdapter adapter = new BlueConicAdapter(vertx, Duration.ofSeconds(10));
        BlueConicDestination plain = destination(List.of());
        BlueConicDestination consenting = destination(List.of("marketing", "analytics"));

        adapter.prepare(plain, List.of(row("known@example.com", 1), row("stranger@example.com", 2))).send().await(10, TimeUnit.SECONDS);
        adapter.prepare(plain, List.of(row("known@example.com", 1), row("restricted@example.com", 2), row("pii@example.com", 3)))
                .send().await(10, TimeUnit.SECONDS);
        adapter.prepare(destination("email", "UPSERT", List.of()), List.of(row("new@example.com", 2))).send().await(10, TimeUnit.SECONDS);
        // Matching on a property the tenant does not have: SKIPPED with validationErrors.
        adapter.prepare(destination("customer_id", "UPDATE", List.of()), List.of(row("c-1", 2))).send().await(10, TimeUnit.SECONDS);
        adapter.prepare(consenting, List.of(row("known@example.com", 3), row("no-consent@example.com", 4))).send().await(10, TimeUnit.SECONDS);
        tenant.expireTokens();
        adapter.prepare(plain, List.of(row("known@example.com", 5))).send().await(10, TimeUnit.SECONDS);
        List<SubscriberUpdate> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(row("user" + i + "@example.com", 100 + i));
        }
        adapter.prepare(plain, tooMany).send().await(30, TimeUnit.SECONDS);
        // Erasures: clearing (UPDATE, even on an UPSERT destination, known and unknown), forgetting (DELETE), and both beside
        // rows of values on a destination with consent objectives (two PUTs).
        adapter.prepare(destination("email", "UPSERT", List.of()), List.of(erase("known@example.com", 8), erase("gone@example.com", 9)))
                .send().await(10, TimeUnit.SECONDS);
        adapter.prepare(new BlueConicDestination(URI.create("http://127.0.0.1:" + proxy.actualPort()), "client-acme", "secret-acme",
                "email", "UPDATE", List.of(), com.subsets.sync.model.FieldModes.DEFAULT, com.subsets.sync.dispatch.ErasureMode.FORGET),
                List.of(erase("leaving@example.com", 10))).send().await(10, TimeUnit.SECONDS);
        adapter.prepare(consenting, List.of(row("known@example.com", 11), erase("no-consent@example.com", 12))).send()
                .await(10, TimeUnit.SECONDS);
        tenant.faults().throttleNext(1);
        adapter.prepare(plain, List.of(row("known@example.com", 6))).send().await(10, TimeUnit.SECONDS);
        tenant.faults().failNext(1, 503);
        adapter.prepare(plain, List.of(row("known@example.com", 7))).send().await(10, TimeUnit.SECONDS);

        // The property and token endpoints, as the provisioner and a misconfigured tenant use them.
        WebClient client = WebClient.create(vertx);
        String base = "http://127.0.0.1:" + proxy.actualPort() + "/rest/v2";
        String token = client.postAbs(base + "/oauth/token").sendForm(MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials").add("client_id", "client-acme").add("client_secret", "secret-acme"))
                .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("access_token");
        // What the dispatcher never sends, so that the simulator's every answer is judged: a body that is not an array.
        client.putAbs(base + "/profiles").bearerTokenAuthentication(token).putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer(NOT_AN_ARRAY)).await(10, TimeUnit.SECONDS);
        client.postAbs(base + "/oauth/token").sendForm(MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials").add("client_id", "client-acme").add("client_secret", "wrong"))
                .await(10, TimeUnit.SECONDS);
        client.postAbs(base + "/oauth/token").sendForm(MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "refresh_token").add("client_id", "client-acme").add("client_secret", "secret-acme"))
                .await(10, TimeUnit.SECONDS);
        String property = DestinationField.CHURN_RISK.blueConicId();
        client.getAbs(base + "/profileProperties/" + property).bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS);
        client.getAbs(base + "/profileProperties/no_such_property").bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS);
        JsonObject definition = new JsonObject().put("id", property).put("name", "subsetsSubscriberChurnRisk")
                .put("description", "Probability the subscriber churns within 30 days").put("tags", List.of("subsets"))
                .put("filterType", "SELECT").put("precision", 2).put("availableForSegmentation", true).put("showInUI", true)
                .put("canRead", true).put("canWrite", true);
        client.putAbs(base + "/profileProperties/" + property).bearerTokenAuthentication(token)
                .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(definition.encode())).await(10, TimeUnit.SECONDS);
        client.putAbs(base + "/profileProperties/other_id").bearerTokenAuthentication(token)
                .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(definition.encode())).await(10, TimeUnit.SECONDS);
        client.getAbs(base + "/profileProperties").bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS);
        client.getAbs(base + "/profileProperties/" + property).bearerTokenAuthentication("expired-or-unknown").send()
                .await(10, TimeUnit.SECONDS);

        BlueConicOpenApi document = new BlueConicOpenApi();
        List<String> violations = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (BlueConicOpenApi.Exchange exchange : exchanges) {
            covered.add(exchange.method() + " " + exchange.path().replaceAll("/profileProperties/[^/]+", "/profileProperties/{id}")
                    + " " + exchange.status());
            List<String> found = document.violations(exchange);
            if (NOT_AN_ARRAY.equals(exchange.requestBody())) {
                // Sent wrong on purpose to see the simulator's 400: only the request may break the document.
                assertThat(found).containsExactly("PUT /rest/v2/profiles -> 400: request body: : object found, array expected");
                continue;
            }
            violations.addAll(found);
        }
        assertThat(violations).isEmpty();
        assertThat(covered).contains(
                "POST /rest/v2/oauth/token 200", "POST /rest/v2/oauth/token 401", "POST /rest/v2/oauth/token 400",
                "PUT /rest/v2/profiles 200", "PUT /rest/v2/profiles 400", "PUT /rest/v2/profiles 401", "PUT /rest/v2/profiles 413",
                "PUT /rest/v2/profiles 429",
                "PUT /rest/v2/profiles 503", "GET /rest/v2/profileProperties/{id} 200", "GET /rest/v2/profileProperties/{id} 404",
                "GET /rest/v2/profileProperties/{id} 401", "PUT /rest/v2/profileProperties/{id} 200",
                "PUT /rest/v2/profileProperties/{id} 400", "GET /rest/v2/profileProperties 200");
        Set<String> states = new TreeSet<>();
        boolean withErrors = false;
        boolean withoutErrors = false;
        for (BlueConicOpenApi.Exchange exchange : exchanges) {
            if (exchange.path().equals("/rest/v2/profiles") && (exchange.status() == 200 || exchange.status() == 413)) {
                for (Object result : new io.vertx.core.json.JsonArray(exchange.responseBody())) {
                    states.add(((JsonObject) result).getString("state"));
                    withErrors |= ((JsonObject) result).containsKey("validationErrors");
                    withoutErrors |= !((JsonObject) result).containsKey("validationErrors");
                }
            }
        }
        assertThat(states).as("every state the document names, each judged above").containsExactlyInAnyOrderElementsOf(BulkResults.STATES);
        assertThat(withErrors && withoutErrors).as("results with and without validationErrors").isTrue();
        assertThat(exchanges).anyMatch(e -> "marketing,analytics".equals(e.query().get("objectiveIds")));
    }

    @Test
    void segmentAnswersAgreeWithTheDocument() throws Exception {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            members.add(tenant.addProfile(Map.of("email", List.of("member" + i + "@example.com"), "visits", List.of("3"))));
        }
        tenant.segments().define("seg-1", "Likely to churn", "subsets").members("seg-1", members)
                .define("seg-2", "Everyone else");
        WebClient client = WebClient.create(vertx);
        String base = "http://127.0.0.1:" + proxy.actualPort() + "/rest/v2";
        String token = client.postAbs(base + "/oauth/token").sendForm(MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials").add("client_id", "client-acme").add("client_secret", "secret-acme"))
                .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("access_token");
        JsonObject all = client.getAbs(base + "/segments").bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject();
        assertThat(all.getInteger("totalResults")).isEqualTo(2);
        JsonObject tagged = client.getAbs(base + "/segments?filterTag=subsets").bearerTokenAuthentication(token).send()
                .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(tagged.getJsonArray("segments")).hasSize(1);
        List<String> read = new ArrayList<>();
        String cursor = "*";
        int pages = 0;
        while (cursor != null) {
            JsonObject page = client.getAbs(base + "/segments/seg-1/profiles?count=2&properties=email&cursor=" + cursor)
                    .bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
            page.getJsonArray("profiles").forEach(p -> {
                JsonObject profile = (JsonObject) p;
                assertThat(profile.getJsonArray("properties")).as("only the properties asked for").hasSize(1);
                read.add(profile.getString("id"));
            });
            cursor = page.getString("nextCursor");
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(read).containsExactlyInAnyOrderElementsOf(members);
        client.getAbs(base + "/segments/no-such-segment/profiles").bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS);
        client.getAbs(base + "/segments/seg-1/profiles").bearerTokenAuthentication("unknown").send().await(10, TimeUnit.SECONDS);
        client.getAbs(base + "/segments").bearerTokenAuthentication("unknown").send().await(10, TimeUnit.SECONDS);
        tenant.segments().failPage(1, 503);
        client.getAbs(base + "/segments/seg-1/profiles?count=2").bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS);

        BlueConicOpenApi document = new BlueConicOpenApi();
        List<String> violations = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (BlueConicOpenApi.Exchange exchange : exchanges) {
            covered.add(exchange.method() + " " + exchange.path().replaceAll("/segments/[^/]+/profiles", "/segments/{segment}/profiles")
                    + " " + exchange.status());
            violations.addAll(document.violations(exchange));
        }
        assertThat(violations).isEmpty();
        assertThat(covered).contains("GET /rest/v2/segments 200", "GET /rest/v2/segments 401",
                "GET /rest/v2/segments/{segment}/profiles 200", "GET /rest/v2/segments/{segment}/profiles 404",
                "GET /rest/v2/segments/{segment}/profiles 401", "GET /rest/v2/segments/{segment}/profiles 503");
    }

    /** A test delivery's read back: searchProfiles by the matching property, then getOneProfile with the five fields. */
    @Test
    void profileReadsAgreeWithTheDocument() throws Exception {
        String known = tenant.addProfile(Map.of("email", List.of("read@example.com"), "subsets_experiment_id", List.of("exp-1"),
                "visits", List.of("3")));
        WebClient client = WebClient.create(vertx);
        String base = "http://127.0.0.1:" + proxy.actualPort() + "/rest/v2";
        String token = client.postAbs(base + "/oauth/token").sendForm(MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials").add("client_id", "client-acme").add("client_secret", "secret-acme"))
                .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("access_token");
        JsonObject found = client.getAbs(base + "/profiles?property=email&value=read%40example.com").bearerTokenAuthentication(token)
                .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(found.getJsonArray("profiles")).containsExactly(new JsonObject().put("id", known));
        JsonObject none = client.getAbs(base + "/profiles?property=email&value=nobody%40example.com").bearerTokenAuthentication(token)
                .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(none.getJsonArray("profiles")).isEmpty();
        assertThat(client.getAbs(base + "/profiles?property=visits&value=3").bearerTokenAuthentication(token).send()
                .await(10, TimeUnit.SECONDS).statusCode()).as("not an indexed property").isEqualTo(501);
        JsonObject profile = client.getAbs(base + "/profiles/" + known + "?profileProperty=subsets_experiment_id")
                .bearerTokenAuthentication(token).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(profile.getJsonArray("properties")).as("only the property asked for")
                .containsExactly(new JsonObject().put("id", "subsets_experiment_id").put("values", new io.vertx.core.json.JsonArray().add("exp-1")));
        assertThat(client.getAbs(base + "/profiles/no-such-profile").bearerTokenAuthentication(token).send()
                .await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        client.getAbs(base + "/profiles/" + known).bearerTokenAuthentication("unknown").send().await(10, TimeUnit.SECONDS);
        client.getAbs(base + "/profiles?property=email&value=x").bearerTokenAuthentication("unknown").send().await(10, TimeUnit.SECONDS);

        BlueConicOpenApi document = new BlueConicOpenApi();
        List<String> violations = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (BlueConicOpenApi.Exchange exchange : exchanges) {
            covered.add(exchange.method() + " " + exchange.path().replaceAll("/profiles/[^/]+$", "/profiles/{profileId}")
                    + " " + exchange.status());
            violations.addAll(document.violations(exchange));
        }
        assertThat(violations).isEmpty();
        assertThat(covered).contains("GET /rest/v2/profiles 200", "GET /rest/v2/profiles 501", "GET /rest/v2/profiles 401",
                "GET /rest/v2/profiles/{profileId} 200", "GET /rest/v2/profiles/{profileId} 404", "GET /rest/v2/profiles/{profileId} 401");
    }

    @Test
    void theJudgeCatchesWhatTheDocumentForbids() throws Exception {
        BlueConicOpenApi document = new BlueConicOpenApi();
        assertThat(document.violations(new BlueConicOpenApi.Exchange("PUT", "/rest/v2/profiles", Map.of(), "application/json", "[]",
                200, "[{\"state\":\"SKIPPED\",\"validationErrors\":[\"#/properties/x: property does not exist\"]}]")))
                .as("validationErrors as an array, which the simulator once answered").hasSize(1);
        assertThat(document.violations(new BlueConicOpenApi.Exchange("PUT", "/rest/v2/profiles", Map.of(), "application/json",
                "[{\"strategy\":\"MERGE\",\"properties\":[{\"id\":\"x\",\"values\":[1]}]}]", 200, "[{\"state\":\"FINE\"}]")))
                .hasSize(3);
        assertThat(document.violations(new BlueConicOpenApi.Exchange("PUT", "/rest/v2/profiles", Map.of("objectiveIds", "a, b"),
                "application/json", "[]", 418, ""))).hasSize(2);
        assertThat(document.violations(new BlueConicOpenApi.Exchange("POST", "/rest/v2/oauth/token", Map.of(),
                "application/x-www-form-urlencoded", "grant_type=password&client_id=c", 200, "{\"expires_in\":\"soon\"}")))
                .hasSize(3);
        assertThat(document.violations(new BlueConicOpenApi.Exchange("PATCH", "/rest/v2/profiles", Map.of(), null, null, 200, "")))
                .containsExactly("PATCH /rest/v2/profiles -> 200: no such operation in the document");
    }
}
