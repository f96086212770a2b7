package com.subsets.sync.simulator.iterable;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Holds the simulator to Iterable's own Swagger 2.0 document (../shared/specs/iterable-api-v1.8.swagger.json):
 * requests as the dispatcher sends them and the simulator's answers, each validated against it.
 * Quirks of the document worked around, and nothing else: it declares no 429 and no error-body schemas,
 * so throttling answers are checked against its IterableApiResponse definition by hand; and it repeats
 * some operationIds (e.g. /api/users/{email} get and delete), which the parser refuses, so repeats get a
 * numeric suffix in memory before loading; and its {@code dataFields} is an untyped object, which the
 * validator would read as allowing no properties at all, so exactly those {@code dataFields} properties
 * are marked {@code additionalProperties: true}. Nothing else about paths, parameters or schemas changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IterableContractTest {

    static final Path SPEC = Path.of(System.getProperty("user.dir"), "..", "..", "shared", "specs",
            "iterable-api-v1.8.swagger.json").normalize();

    private Vertx vertx;
    private IterableSimulator simulator;
    private WebClient client;
    private OpenApiInteractionValidator validator;

    @BeforeAll
    void start() throws Exception {
        assertThat(SPEC).as("the vendor's document, beside the project").exists();
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(withUniqueOperationIds(Files.readString(SPEC)))
                // Error responses are declared without a body schema: their bodies are checked by hand below.
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.response.body.unexpected", ValidationReport.Level.IGNORE).build())
                .build();
        vertx = Vertx.vertx();
        simulator = new IterableSimulator(vertx);
        simulator.addProject("acme", "key", IterableProject.Identity.USER_ID, 1000).forget("gone");
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(simulator.port()));
    }

    private static String withUniqueOperationIds(String spec) {
        JsonObject document = new JsonObject(spec);
        java.util.Set<String> seen = new java.util.HashSet<>();
        JsonObject paths = document.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            for (String method : item.fieldNames()) {
                if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
                    String id = op.getString("operationId");
                    for (int n = 2; !seen.add(id); n++) {
                        id = op.getString("operationId") + n;
                    }
                    op.put("operationId", id);
                }
            }
        }
        JsonObject definitions = document.getJsonObject("definitions");
        for (String name : definitions.fieldNames()) {
            JsonObject properties = definitions.getJsonObject(name).getJsonObject("properties");
            if (properties != null && properties.getValue("dataFields") instanceof JsonObject dataFields
                    && "object".equals(dataFields.getString("type")) && !dataFields.containsKey("properties")) {
                dataFields.put("additionalProperties", true);
            }
        }
        return document.encode();
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private ValidationReport exchange(HttpMethod method, String path, String apiKey, JsonObject body) throws Exception {
        var request = client.request(method, path);
        SimpleRequest.Builder expected = new SimpleRequest.Builder(method.name(), path);
        if (apiKey != null) {
            request.putHeader("Api-Key", apiKey);
            expected.withHeader("Api-Key", apiKey);
        }
        HttpResponse<Buffer> response;
        if (body != null) {
            request.putHeader("content-type", "application/json");
            expected.withContentType("application/json").withBody(body.encode());
            response = request.sendBuffer(body.toBuffer()).await(10, TimeUnit.SECONDS);
        } else {
            response = request.send().await(10, TimeUnit.SECONDS);
        }
        ValidationReport report = validator.validate(expected.build(), SimpleResponse.Builder.status(response.statusCode())
                .withContentType("application/json").withBody(response.bodyAsString()).build());
        return ValidationReport.from(report.getMessages().stream()
                .filter(m -> m.getLevel() != ValidationReport.Level.IGNORE).toList());
    }

    private static JsonObject dispatcherBatch() {
        JsonObject fields = new JsonObject().put("subsetsExperimentId", "exp-42").put("subsetsExperimentName", "Winback")
                .put("subsetsExperimentAddedAt", "2026-11-22T09:59:00Z").put("subsetsExperimentAssignment", "treatment")
                .put("subsetsSubscriberChurnRisk", "0.73");
        return new JsonObject().put("users", new JsonArray()
                .add(new JsonObject().put("userId", "u-1").put("dataFields", fields).put("mergeNestedObjects", true))
                .add(new JsonObject().put("userId", "gone").put("dataFields", fields).put("mergeNestedObjects", true))
                .add(new JsonObject().put("userId", "u-2").put("dataFields", new JsonObject().putNull("subsetsExperimentId"))
                        .put("mergeNestedObjects", true)));
    }

    @Test
    void bulkUpdateRequestAndItsPartialFailureAnswerFollowTheDocument() throws Exception {
        ValidationReport report = exchange(HttpMethod.POST, "/api/users/bulkUpdate", "key", dispatcherBatch());
        assertThat(report.getMessages()).isEmpty();
    }

    /** A test delivery's read back: a user by userId and by e-mail, known or not, and a field the project filters out. */
    @Test
    void userReadsFollowTheDocument() throws Exception {
        simulator.project("acme").filterOutField("subsetsExperimentName");
        JsonObject written = client.post("/api/users/bulkUpdate").putHeader("Api-Key", "key").sendJsonObject(new JsonObject()
                .put("users", new JsonArray().add(new JsonObject().put("userId", "reader").put("dataFields", new JsonObject()
                        .put("subsetsExperimentId", "exp-1").put("subsetsExperimentName", "Dropped"))))).await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject();
        assertThat(written.getJsonArray("filteredOutFields")).containsExactly("subsetsExperimentName");

        assertThat(exchange(HttpMethod.GET, "/api/users/byUserId/reader", "key", null).getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.GET, "/api/users/getByEmail?email=reader%40placeholder.email", "key", null).getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.GET, "/api/users/byUserId/nobody", "key", null).getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.GET, "/api/users/byUserId/reader", "wrong", null).getMessages()).isEmpty();
        JsonObject user = client.get("/api/users/byUserId/reader").putHeader("Api-Key", "key").send().await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject().getJsonObject("user");
        assertThat(user.getString("userId")).isEqualTo("reader");
        assertThat(user.getJsonObject("dataFields").getMap()).containsEntry("subsetsExperimentId", "exp-1")
                .doesNotContainKey("subsetsExperimentName");
        assertThat(client.get("/api/users/byUserId/nobody").putHeader("Api-Key", "key").send().await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject()).as("Iterable answers 200 {} for no such user").isEqualTo(new JsonObject());
    }

    @Test
    void getFieldsUpdateAndErrorsFollowTheDocument() throws Exception {
        assertThat(exchange(HttpMethod.GET, "/api/users/getFields", "key", null).getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.POST, "/api/users/update", "key",
                new JsonObject().put("userId", "probe").put("dataFields", new JsonObject().put("subsetsExperimentId", "x")))
                .getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.POST, "/api/users/bulkUpdate", "wrong", dispatcherBatch()).getMessages())
                .as("401 is documented").isEmpty();
        assertThat(errorCodes()).contains(client.post("/api/users/bulkUpdate").putHeader("Api-Key", "wrong")
                .sendJsonObject(dispatcherBatch()).await(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("code"));
    }

    private static java.util.List<Object> errorCodes() throws java.io.IOException {
        return new JsonObject(Files.readString(SPEC)).getJsonObject("definitions").getJsonObject("IterableApiResponse")
                .getJsonObject("properties").getJsonObject("code").getJsonArray("enum").getList();
    }

    /** The GDPR endpoints: forget's request and its documented answers, and both forgotten lists, against the document. */
    @Test
    void forgetAndTheForgottenListsFollowTheDocument() throws Exception {
        simulator.addProject("gdpr-ids", "key-gdpr-ids", IterableProject.Identity.USER_ID).forgotten().limits(100, 100);
        simulator.addProject("gdpr-mail", "key-gdpr-mail", IterableProject.Identity.EMAIL).forgotten().limits(100, 100);
        client.post("/api/users/bulkUpdate").putHeader("Api-Key", "key-gdpr-ids").sendJsonObject(new JsonObject().put("users",
                new JsonArray().add(new JsonObject().put("userId", "u-9").put("dataFields", new JsonObject().put("subsetsExperimentId", "x")))))
                .await(10, TimeUnit.SECONDS);

        assertThat(exchange(HttpMethod.POST, "/api/users/forget", "key-gdpr-ids", new JsonObject().put("userId", "u-9")).getMessages())
                .as("200 IterableApiResponse").isEmpty();
        assertThat(exchange(HttpMethod.POST, "/api/users/forget", "key-gdpr-mail", new JsonObject().put("email", "ada@example.com"))
                .getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.POST, "/api/users/forget", "key-gdpr-ids", new JsonObject().put("email", "ada@example.com"))
                .getMessages()).as("400 is documented").isEmpty();
        assertThat(exchange(HttpMethod.POST, "/api/users/forget", "wrong", new JsonObject().put("userId", "u-9")).getMessages())
                .as("401 is documented").isEmpty();
        assertThat(exchange(HttpMethod.GET, "/api/users/forgottenUserIds", "key-gdpr-ids", null).getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.GET, "/api/users/forgotten", "key-gdpr-mail", null).getMessages()).isEmpty();
        assertThat(exchange(HttpMethod.GET, "/api/users/forgotten", "key-gdpr-ids", null).getMessages())
                .as("a userID-based project: the documented 400").isEmpty();
        assertThat(client.post("/api/users/bulkUpdate").putHeader("Api-Key", "key-gdpr-ids").sendJsonObject(dispatcherBatch()
                .put("users", new JsonArray().add(new JsonObject().put("userId", "u-9")))).await(10, TimeUnit.SECONDS).bodyAsJsonObject()
                .getJsonObject("failedUpdates").getJsonArray("forgottenUserIds").getList()).containsExactly("u-9");
    }

    /** The limits the document gives forget (its description, the only place they are) are the simulator's defaults. */
    @Test
    void forgetsLimitsAreTheDocumentsAndAnswerInItsErrorShape() throws Exception {
        String description = new JsonObject(Files.readString(SPEC)).getJsonObject("paths").getJsonObject("/api/users/forget")
                .getJsonObject("post").getString("description");
        java.util.regex.Matcher perSecond = java.util.regex.Pattern.compile("Rate limit</b>: (\\d+) requests/second, per project")
                .matcher(description);
        java.util.regex.Matcher daily = java.util.regex.Pattern.compile("Daily Cap</b>: (\\d+) requests per 24 hour period, per project")
                .matcher(description);
        assertThat(perSecond.find()).as(description).isTrue();
        assertThat(daily.find()).as(description).isTrue();
        assertThat(ForgottenUsers.FORGET_PER_SECOND).isEqualTo(Integer.parseInt(perSecond.group(1)));
        assertThat(ForgottenUsers.FORGET_DAILY_CAP).isEqualTo(Integer.parseInt(daily.group(1)));
        assertThat(ForgottenUsers.CAP_WINDOW).isEqualTo(java.time.Duration.ofHours(24));

        simulator.addProject("fast", "key-fast", IterableProject.Identity.USER_ID).forgotten().limits(1, 10);
        simulator.addProject("capped", "key-capped", IterableProject.Identity.USER_ID).forgotten().limits(100, 1);
        for (String key : java.util.List.of("key-fast", "key-capped")) {
            HttpResponse<Buffer> first = client.post("/api/users/forget").putHeader("Api-Key", key)
                    .sendJsonObject(new JsonObject().put("userId", "a")).await(10, TimeUnit.SECONDS);
            HttpResponse<Buffer> second = client.post("/api/users/forget").putHeader("Api-Key", key)
                    .sendJsonObject(new JsonObject().put("userId", "b")).await(10, TimeUnit.SECONDS);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).as(key).isEqualTo(429);
            JsonObject body = second.bodyAsJsonObject();
            assertThat(errorCodes()).contains(body.getString("code"));
            assertThat(body.getString("msg")).isNotBlank();
            if (body.containsKey("params")) {
                assertThat(body.getValue("params")).as("params, when present, is an object").isInstanceOf(JsonObject.class);
            }
            if (key.equals("key-capped")) {
                assertThat(body.getString("msg")).contains("Daily cap");
            }
        }
    }

    @Test
    void throttlingAnswersInTheDocumentsErrorShape() throws Exception {
        simulator.project("acme").faults().throttleNext(1);
        HttpResponse<Buffer> throttled = client.post("/api/users/bulkUpdate").putHeader("Api-Key", "key")
                .sendJsonObject(dispatcherBatch()).await(10, TimeUnit.SECONDS);
        assertThat(throttled.statusCode()).isEqualTo(429);
        JsonObject body = throttled.bodyAsJsonObject();
        assertThat(errorCodes()).contains(body.getString("code"));
        assertThat(body.getString("msg")).isNotNull();
    }
}
