package com.subsets.sync.ingest;

import static com.subsets.sync.ingest.IngestTestKit.TOKEN;
import static com.subsets.sync.ingest.IngestTestKit.assigned;
import static com.subsets.sync.ingest.IngestTestKit.erased;
import static com.subsets.sync.ingest.IngestTestKit.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ingest API against a real broker: what is accepted lands on the topic; what is refused lands nowhere. */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestApiIT {

    static final int MAX_EVENTS = 100;
    static final int MAX_BODY = 64 * 1024;
    private IngestTestKit kit;

    @BeforeAll
    void start(KafkaService kafka) throws Exception {
        String topic = "ingest-api-it.events";
        kafka.createTopics(3, topic);
        kit = new IngestTestKit(kafka.bootstrapServers(), topic, Map.of(
                "INGEST_MAX_EVENTS_PER_REQUEST", String.valueOf(MAX_EVENTS),
                "INGEST_MAX_BODY_BYTES", String.valueOf(MAX_BODY)));
    }

    @AfterAll
    void stop() throws Exception {
        kit.close();
    }

    @Test
    void acceptedEventsAreOnTheTopicWithKeyHeadersCanonicalBodyAndTenantOrder() throws Exception {
        long before = kit.recordCount();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(event("order-" + i, "tenant-" + (i % 3), "u-" + i, i / 100.0));
        }
        HttpResponse<Buffer> batch = kit.post("[" + String.join(",", events.subList(0, 20)) + "]");
        List<HttpResponse<Buffer>> singles = new ArrayList<>();
        for (String e : events.subList(20, 30)) {
            singles.add(kit.post(e));
        }

        assertThat(batch.statusCode()).isEqualTo(202);
        JsonObject accepted = batch.bodyAsJsonObject();
        assertThat(accepted.getInteger("accepted")).isEqualTo(20);
        assertThat(accepted.getJsonArray("eventIds").getList()).containsExactlyElementsOf(
                IntStream.range(0, 20).mapToObj(i -> "order-" + i).toList());
        assertThat(singles).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(202));

        List<ConsumerRecord<String, byte[]>> records = kit.readAll((int) before + 30).stream()
                .filter(r -> new String(r.value(), UTF_8).contains("\"order-")).toList();
        assertThat(records).hasSize(30);
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonObject body = new JsonObject(Buffer.buffer(record.value()));
            assertThat(record.key()).isEqualTo(body.getString("tenantId"));
            assertThat(new String(record.headers().lastHeader("event-type").value(), UTF_8)).isEqualTo("churn_risk.scored");
            assertThat(new String(record.headers().lastHeader("content-type").value(), UTF_8))
                    .isEqualTo("application/vnd.subsets.assignment-event.v1+json");
            assertThat(body.getString("occurredAt")).as("normalised to UTC").isEqualTo("2026-11-22T09:59:00Z");
            assertThat(codec.decode(record.value()).isValid()).isTrue();
        }
        Map<String, List<String>> idsByTenant = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                LinkedHashMap::new, Collectors.mapping(r -> new JsonObject(Buffer.buffer(r.value())).getString("eventId"),
                        Collectors.toList())));
        for (int t = 0; t < 3; t++) {
            int tenant = t;
            assertThat(idsByTenant.get("tenant-" + t)).as("one tenant's events keep their order").containsExactlyElementsOf(
                    IntStream.range(0, 30).filter(i -> i % 3 == tenant).mapToObj(i -> "order-" + i).toList());
        }
    }

    record BadRequest(String name, HttpMethod method, String path, Map<String, String> headers, String body,
                      int status, String code, List<String> violations) {
        @Override
        public String toString() {
            return name + " -> " + status + " " + code;
        }
    }

    static List<BadRequest> badRequests() {
        String ok = assigned("bad-0", "acme", "u-1");
        JsonObject base = new JsonObject(ok);
        List<BadRequest> cases = new ArrayList<>();
        // Malformed JSON
        cases.add(bad("truncated JSON", ok.substring(0, 40), "malformed_json"));
        cases.add(bad("trailing garbage", ok + " x", "malformed_json"));
        cases.add(bad("duplicate key", "{\"eventId\":\"a\",\"eventId\":\"b\"}", "malformed_json"));
        cases.add(bad("empty body", "", "malformed_json"));
        cases.add(bad("plain text", "hello", "malformed_json"));
        cases.add(bad("NaN churn risk", event("n", "acme", "u", 0.5).replace("0.5", "NaN"), "malformed_json"));
        // Not an event
        cases.add(bad("a JSON string", "\"event\"", "invalid_events", "$"));
        cases.add(bad("a JSON number", "42", "invalid_events", "$"));
        cases.add(bad("array of non-objects", "[1,2]", "invalid_events", "0:$", "1:$"));
        // Each contract rule
        cases.add(invalid("missing eventId", base.copy().putNull("eventId").encode().replace("\"eventId\":null,", ""), "eventId"));
        cases.add(invalid("eventId with a space", base.copy().put("eventId", "bad id").encode(), "eventId"));
        cases.add(invalid("eventId too long", base.copy().put("eventId", "e".repeat(129)).encode(), "eventId"));
        cases.add(invalid("missing type", without(base, "type"), "type"));
        cases.add(invalid("unknown type", base.copy().put("type", "experiment.created").encode(), "type"));
        cases.add(invalid("uppercase tenantId", base.copy().put("tenantId", "Acme").encode(), "tenantId"));
        cases.add(invalid("missing tenantId", without(base, "tenantId"), "tenantId"));
        cases.add(invalid("missing occurredAt", without(base, "occurredAt"), "occurredAt"));
        cases.add(invalid("occurredAt without offset", base.copy().put("occurredAt", "2026-11-22T09:59:00").encode(), "occurredAt"));
        cases.add(invalid("occurredAt impossible date", base.copy().put("occurredAt", "2026-02-30T09:59:00Z").encode(), "occurredAt"));
        cases.add(invalid("missing subscriber", without(base, "subscriber"), "subscriber"));
        cases.add(invalid("empty subscriber", base.copy().put("subscriber", new JsonObject()).encode(), "subscriber"));
        cases.add(invalid("bad email", base.copy().put("subscriber", new JsonObject().put("email", "nope")).encode(), "subscriber.email"));
        cases.add(invalid("null email", base.copy().put("subscriber", new JsonObject().put("userId", "u").putNull("email")).encode(), "subscriber.email"));
        cases.add(invalid("blank userId", base.copy().put("subscriber", new JsonObject().put("userId", "  ")).encode(), "subscriber.userId"));
        cases.add(invalid("userId too long", base.copy().put("subscriber", new JsonObject().put("userId", "u".repeat(257))).encode(), "subscriber.userId"));
        cases.add(invalid("userId with control character", base.copy().put("subscriber", new JsonObject().put("userId", "u\u0001")).encode(), "subscriber.userId"));
        cases.add(invalid("unknown subscriber property", base.copy().put("subscriber", new JsonObject().put("userId", "u").put("phone", "1")).encode(), "subscriber.phone"));
        cases.add(invalid("unknown top-level property", base.copy().put("churnRsik", 0.1).encode(), "churnRsik"));
        cases.add(invalid("assigned without experiment", without(base, "experiment"), "experiment"));
        cases.add(invalid("assigned without experiment name", base.copy().put("experiment", new JsonObject().put("id", "x")).encode(), "experiment.name"));
        cases.add(invalid("experiment name with a bell", base.copy().put("experiment", new JsonObject().put("id", "x")
                .put("name", "ding\u0007")).encode(), "experiment.name"));
        // Escaped in the JSON text: a lone surrogate in a Java string would leave as "?" in UTF-8.
        cases.add(invalid("experiment name with an unpaired surrogate", base.copy().put("experiment", new JsonObject().put("id", "x")
                .put("name", "half SURROGATE")).encode().replace("SURROGATE", "\\uD800"), "experiment.name"));
        cases.add(invalid("experiment name of 1,001 characters", base.copy().put("experiment", new JsonObject().put("id", "x")
                .put("name", "n".repeat(1_001))).encode(), "experiment.name"));
        cases.add(invalid("assigned without assignment", without(base, "assignment"), "assignment"));
        cases.add(invalid("assignment holdout", base.copy().put("assignment", "holdout").encode(), "assignment"));
        cases.add(invalid("assigned without addedAt", without(base, "addedAt"), "addedAt"));
        cases.add(invalid("churn risk above 1", base.copy().put("churnRisk", 1.2).encode(), "churnRisk"));
        cases.add(invalid("churn risk as text", base.copy().put("churnRisk", "0.2").encode(), "churnRisk"));
        // Valid JSON numbers that once held an event loop for seconds or built a 600 MB message, and one a double reads as 0.
        for (String huge : List.of("1e-30000000", "1e-300000000", "2e600000000", "1e-400")) {
            cases.add(invalid("churn risk " + huge, ok.replace("\"churnRisk\":0.73", "\"churnRisk\":" + huge), "churnRisk"));
        }
        cases.add(invalid("scored without churn risk", event("s", "acme", "u", 0.5).replace(",\"churnRisk\":0.5", ""), "churnRisk"));
        cases.add(invalid("scored with experiment", new JsonObject(event("s", "acme", "u", 0.5)).put("experiment", new JsonObject().put("id", "x")).encode(), "experiment"));
        cases.add(invalid("unassigned with assignment", unassignedWithAssignment(base), "assignment"));
        String erasure = erased("erase-bad", "acme", "u-1", "ada@example.com");
        cases.add(invalid("erased with churn risk", new JsonObject(erasure).put("churnRisk", 0.5).encode(), "churnRisk"));
        cases.add(invalid("erased with experiment", new JsonObject(erasure).put("experiment", new JsonObject().put("id", "x")).encode(), "experiment"));
        cases.add(invalid("erased with assignment", new JsonObject(erasure).put("assignment", "control").encode(), "assignment"));
        cases.add(invalid("erased with addedAt", new JsonObject(erasure).put("addedAt", "2026-11-22T09:00:00Z").encode(), "addedAt"));
        cases.add(invalid("erased without subscriber", without(new JsonObject(erasure), "subscriber"), "subscriber"));
        cases.add(invalid("erased with an empty subscriber", new JsonObject(erasure).put("subscriber", new JsonObject()).encode(), "subscriber"));
        cases.add(invalid("erased with a bad email", erased("erase-bad", "acme", null, "ada@example"), "subscriber.email"));
        // Batches
        cases.add(new BadRequest("mixed valid and invalid", HttpMethod.POST, "/v1/events", json(),
                "[" + ok + "," + base.copy().put("assignment", "x").encode() + "]", 400, "invalid_events", List.of("1:assignment")));
        cases.add(new BadRequest("two invalid in a batch of three", HttpMethod.POST, "/v1/events", json(),
                "[" + base.copy().put("tenantId", "A").encode() + "," + ok + "," + without(base, "addedAt") + "]",
                400, "invalid_events", List.of("0:tenantId", "2:addedAt")));
        cases.add(bad("empty array", "[]", "empty_batch"));
        cases.add(new BadRequest("too many events", HttpMethod.POST, "/v1/events", json(),
                "[" + String.join(",", java.util.Collections.nCopies(MAX_EVENTS + 1, event("t", "acme", "u", 0.1))) + "]",
                400, "too_many_events", List.of()));
        cases.add(new BadRequest("body too large", HttpMethod.POST, "/v1/events", json(),
                "[" + " ".repeat(MAX_BODY) + "]", 413, "payload_too_large", List.of()));
        // Content type
        cases.add(new BadRequest("text/plain", HttpMethod.POST, "/v1/events", Map.of("authorization", "Bearer " + TOKEN,
                "content-type", "text/plain"), ok, 415, "unsupported_media_type", List.of()));
        cases.add(new BadRequest("no content type", HttpMethod.POST, "/v1/events", Map.of("authorization", "Bearer " + TOKEN),
                ok, 415, "unsupported_media_type", List.of()));
        cases.add(new BadRequest("application/xml", HttpMethod.POST, "/v1/events", Map.of("authorization", "Bearer " + TOKEN,
                "content-type", "application/xml"), "<event/>", 415, "unsupported_media_type", List.of()));
        // Authentication
        cases.add(new BadRequest("no token", HttpMethod.POST, "/v1/events", Map.of("content-type", "application/json"),
                ok, 401, "unauthorized", List.of()));
        cases.add(new BadRequest("wrong token", HttpMethod.POST, "/v1/events", Map.of("authorization", "Bearer nope",
                "content-type", "application/json"), ok, 401, "unauthorized", List.of()));
        cases.add(new BadRequest("basic auth", HttpMethod.POST, "/v1/events", Map.of("authorization", "Basic dTpw",
                "content-type", "application/json"), ok, 401, "unauthorized", List.of()));
        cases.add(new BadRequest("empty bearer", HttpMethod.POST, "/v1/events", Map.of("authorization", "Bearer ",
                "content-type", "application/json"), ok, 401, "unauthorized", List.of()));
        // Paths and methods
        cases.add(new BadRequest("GET on events", HttpMethod.GET, "/v1/events", Map.of(), null, 405, "method_not_allowed", List.of()));
        cases.add(new BadRequest("PUT on events", HttpMethod.PUT, "/v1/events", json(), ok, 405, "method_not_allowed", List.of()));
        cases.add(new BadRequest("unknown path", HttpMethod.POST, "/v1/event", json(), ok, 404, "not_found", List.of()));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetTheDocumentedErrorAndPublishNothing(BadRequest bad) throws Exception {
        long before = kit.recordCount();

        HttpResponse<Buffer> response = kit.send(bad.method(), bad.path(), bad.headers(), bad.body());

        assertThat(response.statusCode()).isEqualTo(bad.status());
        assertThat(response.getHeader("content-type")).isEqualTo("application/json");
        JsonObject body = response.bodyAsJsonObject();
        assertThat(OpenApiAgreementIT.DOCUMENT.problems("#/components/schemas/Error", body.encode())).as("documented error shape").isEmpty();
        assertThat(body.getInteger("status")).isEqualTo(bad.status());
        assertThat(body.getString("code")).isEqualTo(bad.code());
        assertThat(body.getString("message")).isNotBlank().doesNotContain(TOKEN);
        if (!bad.violations().isEmpty()) {
            List<String> found = body.getJsonArray("violations").stream().map(o -> (JsonObject) o)
                    .map(v -> v.getInteger("index") + ":" + v.getString("path")).toList();
            List<String> expected = bad.violations().stream().map(p -> p.contains(":") ? p : "0:" + p).toList();
            assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(kit.recordCount()).as("nothing published").isEqualTo(before);
    }

    /**
     * Bodies that are not UTF-8 (RFC 8259 section 8.1): each byte sequence replaces the {@code ~} in the
     * experiment's name of a valid event (the last case is a whole body in UTF-16LE with a byte-order mark).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "overlong encoding of /      | c0 af",
            "encoded surrogate           | ed a0 80",
            "code point above U+10FFFF   | f4 90 80 80",
            "byte F5, never UTF-8        | f5 80 80 80",
            "truncated 3-byte sequence   | e2 82",
            "truncated 4-byte sequence   | f0 9f 98",
            "lone continuation byte      | 80",
            "UTF-16LE with byte-order mark | utf-16le"})
    void bodiesThatAreNotUtf8GetMalformedJsonNamingTheByteOffsetAndPublishNothing(String name, String bytes) throws Exception {
        String text = new JsonObject(assigned("utf8-0", "acme", "u-1"))
                .put("experiment", new JsonObject().put("id", "x").put("name", "A~B")).encode();
        byte[] body;
        int offset;
        if (bytes.equals("utf-16le")) {
            byte[] utf16 = text.getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
            body = new byte[utf16.length + 2];
            body[0] = (byte) 0xFF;
            body[1] = (byte) 0xFE;
            System.arraycopy(utf16, 0, body, 2, utf16.length);
            offset = 0;
        } else {
            byte[] bad = java.util.HexFormat.ofDelimiter(" ").parseHex(bytes.trim());
            byte[] plain = text.getBytes(UTF_8);
            offset = text.indexOf('~');
            body = new byte[plain.length - 1 + bad.length];
            System.arraycopy(plain, 0, body, 0, offset);
            System.arraycopy(bad, 0, body, offset, bad.length);
            System.arraycopy(plain, offset + 1, body, offset + bad.length, plain.length - offset - 1);
        }
        long before = kit.recordCount();

        HttpResponse<Buffer> response = kit.post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject error = response.bodyAsJsonObject();
        assertThat(error.getString("code")).isEqualTo("malformed_json");
        assertThat(error.getString("message")).contains("byte offset " + offset);
        assertThat(kit.recordCount()).as("nothing published").isEqualTo(before);
    }

    /** An erasure goes through like any event: on the topic under its tenant, typed, its eventId the erasure's id. */
    @Test
    void erasuresByEitherIdentifierOrBothAreAcceptedAndLandOnTheTopic() throws Exception {
        long before = kit.recordCount();

        HttpResponse<Buffer> single = kit.post(erased("erase-1", "acme", null, "ada@example.com"));
        HttpResponse<Buffer> batch = kit.post("[" + erased("erase-2", "acme", "u-2", null) + "," + assigned("erase-3", "acme", "u-3")
                + "," + erased("erase-4", "globex", "u-4", "grace@example.com") + "]");

        assertThat(single.statusCode()).as(single.bodyAsString()).isEqualTo(202);
        assertThat(single.bodyAsJsonObject().getJsonArray("eventIds").getList()).containsExactly("erase-1");
        assertThat(batch.statusCode()).as(batch.bodyAsString()).isEqualTo(202);
        assertThat(batch.bodyAsJsonObject().getInteger("accepted")).isEqualTo(3);
        EventCodec codec = new EventCodec();
        Map<String, ConsumerRecord<String, byte[]>> published = kit.readAll((int) before + 4).stream()
                .filter(r -> new String(r.value(), UTF_8).contains("\"erase-"))
                .collect(Collectors.toMap(r -> codec.decode(r.value()).event().eventId(), r -> r));
        assertThat(published).containsOnlyKeys("erase-1", "erase-2", "erase-3", "erase-4");
        ConsumerRecord<String, byte[]> byEmail = published.get("erase-1");
        assertThat(byEmail.key()).isEqualTo("acme");
        assertThat(new String(byEmail.headers().lastHeader("event-type").value(), UTF_8)).isEqualTo("subscriber.erased");
        assertThat(new String(byEmail.value(), UTF_8)).as("canonical, nothing but the subscriber").isEqualTo(
                "{\"eventId\":\"erase-1\",\"type\":\"subscriber.erased\",\"tenantId\":\"acme\","
                        + "\"occurredAt\":\"2026-11-24T08:00:00Z\",\"subscriber\":{\"email\":\"ada@example.com\"}}");
        AssignmentEvent both = codec.decode(published.get("erase-4").value()).event();
        assertThat(both.type()).isEqualTo(EventType.ERASED);
        assertThat(both.subscriber()).isEqualTo(new Subscriber("u-4", "grace@example.com"));
        assertThat(published.get("erase-4").key()).isEqualTo("globex");
        assertThat(codec.decode(published.get("erase-2").value()).event().subscriber()).isEqualTo(new Subscriber("u-2", null));
        assertThat(new String(published.get("erase-3").headers().lastHeader("event-type").value(), UTF_8))
                .isEqualTo("experiment.assigned");
    }

    /** A malformed erasure is refused, nothing published, each violation naming the field and why. */
    @Test
    void aMalformedErasureIsRefusedNamingTheField() throws Exception {
        long before = kit.recordCount();
        String bad = new JsonObject(erased("erase-bad-1", "acme", "u-1", null)).put("churnRisk", 0.2).encode();

        HttpResponse<Buffer> response = kit.post("[" + erased("erase-ok", "acme", "u-9", null) + "," + bad + "]");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject error = response.bodyAsJsonObject();
        assertThat(error.getString("code")).isEqualTo("invalid_events");
        assertThat(error.getJsonArray("violations").getList()).hasSize(1);
        JsonObject violation = error.getJsonArray("violations").getJsonObject(0);
        assertThat(violation.getInteger("index")).isEqualTo(1);
        assertThat(violation.getString("path")).isEqualTo("churnRisk");
        assertThat(violation.getString("message")).isEqualTo("is not allowed for subscriber.erased");
        assertThat(kit.recordCount()).as("nothing published, not even the valid erasure").isEqualTo(before);
    }

    @Test
    void experimentNamesWithTabsLineBreaksAndAThousandCharactersAreAccepted() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = i == 7 ? "Winback\toffer" : i == 8 ? "n".repeat(1_000) : i == 9 ? "line one\r\nline two" : "Winback";
            events.add(new JsonObject(assigned("names-" + i, "acme", "u-" + i))
                    .put("experiment", new JsonObject().put("id", "x").put("name", name)).encode());
        }

        HttpResponse<Buffer> response = kit.post("[" + String.join(",", events) + "]");

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
        assertThat(response.bodyAsJsonObject().getInteger("accepted")).isEqualTo(50);
    }

    /** The doubles a platform's model emits: a batch of them was once refused whole (at most 20 decimal places). */
    @Test
    void everyProbabilityADoubleHoldsIsAcceptedAndLandsOnTheTopicAsSent() throws Exception {
        List<String> risks = List.of("5e-324", "1e-30", "3.2e-25", "1E-300", "0.5e0", "0.123456789012345678901");
        List<String> events = new ArrayList<>();
        for (int i = 0; i < risks.size(); i++) {
            events.add(event("tiny-" + i, "acme", "u-" + i, 0.5).replace("\"churnRisk\":0.5", "\"churnRisk\":" + risks.get(i)));
        }
        long before = kit.recordCount();

        HttpResponse<Buffer> response = kit.post("[" + String.join(",", events) + "]");

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
        assertThat(response.bodyAsJsonObject().getInteger("accepted")).isEqualTo(risks.size());
        EventCodec codec = new EventCodec();
        Map<String, java.math.BigDecimal> published = kit.readAll((int) before + risks.size()).stream()
                .filter(r -> new String(r.value(), UTF_8).contains("\"tiny-"))
                .map(r -> codec.decode(r.value()).event())
                .collect(Collectors.toMap(e -> e.eventId(), e -> e.churnRisk()));
        assertThat(published).hasSize(risks.size());
        for (int i = 0; i < risks.size(); i++) {
            assertThat(published.get("tiny-" + i)).isEqualByComparingTo(new java.math.BigDecimal(risks.get(i)));
        }
    }

    @Test
    void thereAreAtLeastFortyBadRequests() {
        assertThat(badRequests()).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void operationsEndpointsAnswer() throws Exception {
        kit.post(event("metrics-1", "acme", "u", 0.3));
        assertThat(kit.ops("/health/live").statusCode()).isEqualTo(200);
        assertThat(kit.send(HttpMethod.GET, "/metrics", Map.of(), null).statusCode()).as("not on the API's port").isEqualTo(404);
        assertThat(kit.send(HttpMethod.GET, "/health/ready", Map.of(), null).statusCode()).as("not on the API's port").isEqualTo(404);
        HttpResponse<Buffer> ready = kit.ops("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
        String metrics = kit.ops("/metrics").bodyAsString();
        assertThat(metrics).contains(
                "ingest_events_accepted_total{service=\"ingest-service\"}",
                "ingest_requests_rejected_total{reason=\"invalid_events\"",
                "ingest_events_rejected_total{reason=\"invalid_events\"",
                "ingest_publish_latency_seconds_bucket{outcome=\"acked\"",
                "ingest_in_flight_bytes{",
                "ingest_in_flight_limit_bytes{",
                "vertx_http_server_requests_total{",
                "route=\"/v1/events\"",
                "jvm_memory_used_bytes{");
        assertThat(metrics).containsPattern("# HELP ingest_events_accepted_total \\S+");
    }

    private static Map<String, String> json() {
        return Map.of("authorization", "Bearer " + TOKEN, "content-type", "application/json");
    }

    private static BadRequest bad(String name, String body, String code, String... paths) {
        return new BadRequest(name, HttpMethod.POST, "/v1/events", json(), body, 400, code, List.of(paths));
    }

    private static BadRequest invalid(String name, String body, String path) {
        return new BadRequest(name, HttpMethod.POST, "/v1/events", json(), body, 400, "invalid_events", List.of(path));
    }

    private static String without(JsonObject event, String field) {
        JsonObject copy = event.copy();
        copy.remove(field);
        return copy.encode();
    }

    private static String unassignedWithAssignment(JsonObject base) {
        Map<String, Object> map = new HashMap<>(base.getMap());
        map.put("type", "experiment.unassigned");
        map.remove("addedAt");
        map.remove("churnRisk");
        return new JsonObject(map).encode();
    }
}
