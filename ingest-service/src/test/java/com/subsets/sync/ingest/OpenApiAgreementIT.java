package com.subsets.sync.ingest;

import static com.subsets.sync.ingest.IngestTestKit.TOKEN;
import static com.subsets.sync.ingest.IngestTestKit.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.OpenApiDocument;
import com.subsets.sync.infra.OpenApiDocument.Answer;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.EventType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps openapi/ingest-api.json and the service in agreement: every documented response of every
 * operation is produced by the running service, with the documented media type, headers and body shape
 * (the check is infra-kit's {@link OpenApiDocument}, which the provisioner's document is held to as well).
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiAgreementIT {

    static final OpenApiDocument DOCUMENT = OpenApiDocument.fromClasspath("/openapi/ingest-api.json");

    private IngestTestKit up;
    /** A second instance whose Kafka is unreachable: the only honest way to see its 503s. */
    private IngestTestKit kafkaDown;

    @BeforeAll
    void start(KafkaService kafka) throws Exception {
        kafka.createTopics(1, "openapi-it.events");
        up = new IngestTestKit(kafka.bootstrapServers(), "openapi-it.events",
                Map.of("INGEST_MAX_BODY_BYTES", "65536", "INGEST_HTTP_BODY_TIMEOUT_MS", "500"));
        kafkaDown = new IngestTestKit("127.0.0.1:1", "openapi-it.events", Map.of("INGEST_PUBLISH_TIMEOUT_MS", "500"));
    }

    @AfterAll
    void stop() throws Exception {
        up.close();
        kafkaDown.close();
    }

    private Map<String, Callable<Answer>> producers() {
        Map<String, String> auth = Map.of("authorization", "Bearer " + TOKEN, "content-type", "application/json");
        Map<String, Callable<HttpResponse<Buffer>>> requests = Map.ofEntries(
                Map.entry("POST /v1/events 408", () -> stalledBody()),
                Map.entry("POST /v1/events 202", () -> up.post(event("doc-1", "acme", "u", 0.1))),
                Map.entry("POST /v1/events 400", () -> up.post("{\"eventId\":\"x\"}")),
                Map.entry("POST /v1/events 401", () -> up.send(HttpMethod.POST, "/v1/events",
                        Map.of("content-type", "application/json"), "{}")),
                Map.entry("POST /v1/events 413", () -> up.send(HttpMethod.POST, "/v1/events", auth, " ".repeat(70_000))),
                Map.entry("POST /v1/events 415", () -> up.send(HttpMethod.POST, "/v1/events",
                        Map.of("authorization", "Bearer " + TOKEN, "content-type", "text/csv"), "a,b")),
                Map.entry("POST /v1/events 503", () -> kafkaDown.post(event("doc-2", "acme", "u", 0.1))),
                Map.entry("GET /v1/events 405", () -> up.send(HttpMethod.GET, "/v1/events", Map.of(), null)),
                Map.entry("GET /health/live 200", () -> up.ops("/health/live")),
                Map.entry("GET /health/ready 200", () -> up.ops("/health/ready")),
                Map.entry("GET /health/ready 503", () -> kafkaDown.ops("/health/ready")),
                Map.entry("GET /metrics 200", () -> up.ops("/metrics")));
        Map<String, Callable<Answer>> producers = new LinkedHashMap<>();
        requests.forEach((key, request) -> producers.put(key, () -> answer(request.call())));
        return producers;
    }

    private static Answer answer(HttpResponse<Buffer> response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
        return new Answer(response.statusCode(), headers, response.bodyAsString() == null ? "" : response.bodyAsString());
    }

    /** An authenticated request whose body stops coming: the service answers once the body timeout passes. */
    private HttpResponse<Buffer> stalledBody() throws Exception {
        return up.clientVertx.createHttpClient().request(HttpMethod.POST, up.service.port(), "127.0.0.1", "/v1/events")
                .compose(request -> {
                    request.exceptionHandler(closedByTheService -> { });
                    request.putHeader("authorization", "Bearer " + TOKEN).putHeader("content-type", "application/json")
                            .putHeader("content-length", "1000").write("[{\"eventId\":");
                    return request.response();
                })
                .compose(response -> response.body().map(body -> (HttpResponse<Buffer>) new io.vertx.ext.web.client.impl.HttpResponseImpl<>(
                        response.version(), response.statusCode(), response.statusMessage(), response.headers(),
                        io.vertx.core.MultiMap.caseInsensitiveMultiMap(), java.util.List.of(), body, java.util.List.of())))
                .await(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The request examples show every type of contract v1, and each is an event the service accepts as it stands. */
    @Test
    void everyRequestExampleIsAnEventTheServiceAccepts() throws Exception {
        var examples = DOCUMENT.json().at("/paths/~1v1~1events/post/requestBody/content/application~1json/examples");
        assertThat(examples.isObject()).as("request examples documented").isTrue();
        Set<String> types = new TreeSet<>();
        for (var example : (Iterable<com.fasterxml.jackson.databind.JsonNode>) examples::elements) {
            String event = example.get("value").toString();
            types.add(example.get("value").get("type").asText());

            HttpResponse<Buffer> response = up.post(event);

            assertThat(response.statusCode()).as(event + " answered " + response.bodyAsString()).isEqualTo(202);
            assertThat(response.bodyAsJsonObject().getJsonArray("eventIds").getList())
                    .containsExactly(new JsonObject(event).getString("eventId"));
        }
        assertThat(types).containsExactlyInAnyOrderElementsOf(Arrays.stream(EventType.values()).map(EventType::wireName).toList());
    }

    @Test
    void everyDocumentedResponseIsProducedInItsDocumentedShape() {
        assertThat(DOCUMENT.responses()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(DOCUMENT.disagreements(producers())).as("document and service disagree").isEmpty();
    }
}
