package com.subsets.sync.simulator.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /rest/v2/profiles} entries with {@code "strategy": "DELETE"}, held to BlueConic's OpenAPI 3.1 document
 * (../shared/specs/blueconic-rest-v2-r103.openapi.json): the request body against the operation's request schema, the
 * answer against its 200 schema (JSON Schema 2020-12, resolved inside the whole document). The document says of DELETE
 * only "Will delete the profile with the given ID"; what the simulator does where it is silent is in {@link BulkProfiles}.
 */
class BlueConicDeleteTest {

    static final Path SPEC = Path.of(System.getProperty("user.dir"), "..", "..", "shared", "specs",
            "blueconic-rest-v2-r103.openapi.json").normalize();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Vertx vertx;
    private BlueConicSimulator simulator;
    private BlueConicTenant tenant;
    private WebClient client;
    private String token;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new BlueConicSimulator(vertx);
        tenant = simulator.addTenant("acme", "client-1", "secret-1");
        tenant.property(new JsonObject().put("id", "subsets_experiment_id").put("name", "subsetsExperimentId"));
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(simulator.port()));
        token = client.post("/rest/v2/oauth/token").sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
                .add("client_id", "client-1").add("client_secret", "secret-1")).await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject().getString("access_token");
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Sends the entries, holds request and answer to the document, and returns the results. */
    private JsonArray put(JsonArray entries, String objectiveIds) throws Exception {
        var request = client.put("/rest/v2/profiles").putHeader("authorization", "Bearer " + token);
        if (objectiveIds != null) {
            request.addQueryParam("objectiveIds", objectiveIds);
        }
        HttpResponse<Buffer> response = request.sendJson(entries).await(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        JsonNode operation = MAPPER.readTree(SPEC.toFile()).at("/paths/~1profiles/put");
        assertThat(violations(operation.at("/requestBody/content/application~1json/schema"), entries.encode())).as("request").isEmpty();
        assertThat(violations(operation.at("/responses/200/content/application~1json/schema"), response.bodyAsString()))
                .as("answer").isEmpty();
        return response.bodyAsJsonArray();
    }

    private static List<String> violations(JsonNode schema, String body) throws Exception {
        assertThat(schema.isMissingNode()).as("the document describes it").isFalse();
        ObjectNode root = (ObjectNode) MAPPER.readTree(SPEC.toFile());
        schema.fields().forEachRemaining(field -> root.set(field.getKey(), field.getValue()));
        List<String> problems = new ArrayList<>();
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root, SchemaValidatorsConfig.builder().build())
                .validate(MAPPER.readTree(body)).forEach(m -> problems.add(m.getMessage()));
        return problems;
    }

    private static JsonObject byEmail(String identifier, String email) {
        return new JsonObject().put("identifier", identifier).put("strategy", "DELETE")
                .put("matching", new JsonArray().add(new JsonArray().add(new JsonObject().put("id", "email").put("value", email))));
    }

    private static JsonObject state(JsonArray results, String identifier) {
        return results.stream().map(JsonObject.class::cast).filter(r -> identifier.equals(r.getString("identifier"))).findFirst()
                .orElseThrow();
    }

    @Test
    void deleteFindsTheProfileByMatchingOrProfileIdAndAnswersDeletedOrNotFound() throws Exception {
        String ada = tenant.addProfile(Map.of("email", List.of("ada@example.com"), "subsets_experiment_id", List.of("exp-1")));
        String bob = tenant.addProfile(Map.of("email", List.of("bob@example.com")));
        String eve = tenant.addProfile(Map.of("email", List.of("eve@example.com")));

        JsonArray results = put(new JsonArray()
                .add(byEmail("by-matching", "ada@example.com"))
                .add(new JsonObject().put("identifier", "by-id").put("profileId", bob).put("strategy", "DELETE"))
                .add(byEmail("nobody", "nobody@example.com"))
                .add(new JsonObject().put("identifier", "unknown-id").put("profileId", "no-such-profile").put("strategy", "DELETE")), null);

        assertThat(state(results, "by-matching").getString("state")).isEqualTo("DELETED");
        assertThat(state(results, "by-matching").getString("profileId")).isEqualTo(ada);
        assertThat(state(results, "by-id").getString("state")).isEqualTo("DELETED");
        assertThat(state(results, "nobody").getString("state")).isEqualTo("NOTFOUND");
        assertThat(state(results, "unknown-id").getString("state")).isEqualTo("NOTFOUND");
        assertThat(tenant.hasProfile(ada)).isFalse();
        assertThat(tenant.hasProfile(bob)).isFalse();
        assertThat(tenant.hasProfile(eve)).as("nobody else").isTrue();
        assertThat(tenant.profileBy("email", "ada@example.com")).as("its index entry went with it").isNull();
        assertThat(tenant.deletedProfiles()).containsExactly(ada, bob);
        assertThat(tenant.profileCount()).isEqualTo(1);

        JsonArray again = put(new JsonArray().add(byEmail("again", "ada@example.com"))
                .add(new JsonObject().put("identifier", "update").put("strategy", "UPDATE").put("matching", byEmail("x", "ada@example.com")
                        .getJsonArray("matching")).put("properties", new JsonArray().add(new JsonObject().put("id", "subsets_experiment_id")
                        .put("values", new JsonArray().add("exp-2")).put("strategy", "SET")))), null);
        assertThat(state(again, "again").getString("state")).as("a repeated deletion").isEqualTo("NOTFOUND");
        assertThat(state(again, "update").getString("state")).as("UPDATE never brings it back").isEqualTo("NOTFOUND");
        assertThat(tenant.profileCount()).isEqualTo(1);
    }

    /** The document is silent on properties in a DELETE entry: they are accepted as any entry's and ignored. */
    @Test
    void propertiesOfADeleteEntryAreIgnoredEvenUnknownOnes() throws Exception {
        String ada = tenant.addProfile(Map.of("email", List.of("ada@example.com")));

        JsonArray results = put(new JsonArray().add(byEmail("with-properties", "ada@example.com").put("properties", new JsonArray()
                .add(new JsonObject().put("id", "no_such_property").put("values", new JsonArray().add("x")).put("strategy", "SET")))), null);

        assertThat(state(results, "with-properties").getString("state")).isEqualTo("DELETED");
        assertThat(state(results, "with-properties").containsKey("validationErrors")).isFalse();
        assertThat(tenant.hasProfile(ada)).isFalse();
        HttpResponse<Buffer> badShape = client.put("/rest/v2/profiles").putHeader("authorization", "Bearer " + token)
                .sendJson(new JsonArray().add(byEmail("bad", "bob@example.com").put("properties", new JsonArray().add(new JsonObject()
                        .put("values", new JsonArray()))))).await(10, TimeUnit.SECONDS);
        assertThat(badShape.statusCode()).as("a malformed property is refused whatever the strategy").isEqualTo(400);
    }

    /** objectiveIds decide whether profiles are "updated or created", never whether one is deleted. */
    @Test
    void consentDoesNotHoldADeletionBack() throws Exception {
        String ada = tenant.addProfile(Map.of("email", List.of("ada@example.com")));

        JsonArray results = put(new JsonArray().add(byEmail("no-consent", "ada@example.com")), "objective1,objective2");

        assertThat(state(results, "no-consent").getString("state")).isEqualTo("DELETED");
        assertThat(tenant.hasProfile(ada)).isFalse();
    }

    @Test
    void aDeleteEntryNamingNoProfileIsSkippedWithItsValidationError() throws Exception {
        JsonArray results = put(new JsonArray().add(new JsonObject().put("identifier", "nameless").put("strategy", "DELETE")), null);

        assertThat(state(results, "nameless").getString("state")).isEqualTo("SKIPPED");
        assertThat(state(results, "nameless").getJsonObject("validationErrors").getJsonArray("profileId").getList())
                .containsExactly("profileId or matching is required");
    }

    @Test
    void theDocumentKnowsTheStrategyAndBothStates() throws Exception {
        JsonNode schemas = MAPPER.readTree(SPEC.toFile()).at("/components/schemas");
        assertThat(schemas.at("/BulkInputEntryV2/properties/strategy/enum").toString()).contains("\"DELETE\"");
        assertThat(schemas.at("/BulkResultBean/properties/state/enum").toString()).contains("\"DELETED\"").contains("\"NOTFOUND\"");
        JsonNode operation = MAPPER.readTree(SPEC.toFile()).at("/paths/~1profiles/put");
        assertThat(violations(operation.at("/responses/200/content/application~1json/schema"), "[{\"state\":\"GONE\"}]"))
                .as("the check has teeth: a state the document does not know").isNotEmpty();
        assertThat(violations(operation.at("/requestBody/content/application~1json/schema"), "[{\"strategy\":\"ERASE\"}]"))
                .as("a strategy the document does not know").isNotEmpty();
    }
}
