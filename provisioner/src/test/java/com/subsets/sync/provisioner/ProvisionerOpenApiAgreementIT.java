package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN;
import static com.subsets.sync.provisioner.ProvisionerTestKit.DISPATCHER_TOKEN;
import static com.subsets.sync.provisioner.ProvisionerTestKit.OPERATOR_TOKEN;
import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.EmbeddedPostgres;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.OpenApiDocument;
import com.subsets.sync.infra.OpenApiDocument.Answer;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RawHttp;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.UniqueSubscribers;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps openapi/provisioner-api.json and the running provisioner in agreement, as ingest's OpenApiAgreementIT does
 * for its API (the check is infra-kit's {@link OpenApiDocument}): every documented response of every operation, and
 * each error code a response lists, is produced by a real request to a provisioner on a real PostgreSQL and broker
 * with the vendors' simulators, with its status, media type, headers and a body valid against the document's schema;
 * and nothing is produced here that the document does not list. A 500 is a statement PostgreSQL refuses (the tables
 * held locked past the database's lock_timeout); a 503 comes from a second provisioner whose PostgreSQL has stopped.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionerOpenApiAgreementIT {

    private static final OpenApiDocument DOCUMENT = OpenApiDocument.fromClasspath("/openapi/provisioner-api.json");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LOOKUP_TOKEN = "acme-lookup-token-for-tests";
    private static final String DLQ = "openapi-it.dlq.iterable";
    private static final String DESTINATION = "/v1/tenants/{tenantId}/destinations/{kind}";
    private static final String SEGMENTS = "/v1/tenants/{tenantId}/subscribers/{subscriber}/segments";
    private static final String DELIVERIES = "/v1/tenants/{tenantId}/subscribers/{subscriber}/deliveries";
    private static final String ERASURE = "/v1/tenants/{tenantId}/erasures/{erasureId}";
    private static final String DIRECTORY = "/v1/dispatch/{kind}/destinations";
    private static final String PARKING = "/v1/dispatch/{kind}/parkings/{tenantId}";
    private static final String PROGRESS = "/v1/dispatch/{kind}/resyncs/{id}";
    private static final String NAMED = "/v1/dispatch/{kind}/resyncs/{id}/subscribers";
    private static final String A_PARKING = "{\"partition\":0,\"fromOffset\":7,\"reason\":\"destination_error_503: down\","
            + "\"parkedAt\":\"2026-12-03T08:00:00Z\"}";
    private static final String A_PROGRESS = "{\"position\":3,\"endOffset\":10,\"total\":5,\"sent\":2,\"done\":false}";

    private Vertx vertx;
    private IterableSimulator iterable;
    private BlueConicSimulator blueConic;
    private KafkaService kafka;
    private PostgresEndpoint db;
    private ProvisionerService provisioner;
    private int port;
    /** A second provisioner whose PostgreSQL is stopped once it has started: the only honest way to see its 503s. */
    private EmbeddedPostgres downCluster;
    private ProvisionerService down;
    /** A replay of one subscriber, queued at set-up: the resync whose keys are paged. */
    private long pagedReplay;

    @BeforeAll
    void start(PostgresService postgres, KafkaService broker) throws Exception {
        kafka = broker;
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic = new BlueConicSimulator(vertx);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        kafka.createTopics(1, "openapi-it.reports", "openapi-it.down.reports", "openapi-it.dlq.blueconic", "openapi-it.segments",
                "openapi-it.deliveries", "openapi-it.erasures");
        kafka.createTopics(1, DLQ);
        db = postgres.createDatabase("openapi_it");
        // A statement waiting longer than this for a lock is refused: how the 500s below are produced.
        sql(db, "ALTER DATABASE " + db.database() + " SET lock_timeout = '500ms'");
        provisioner = ProvisionerTestKit.start(env(db, "openapi-it.reports"));
        port = provisioner.port();

        downCluster = EmbeddedPostgres.start();
        down = ProvisionerTestKit.start(env(downCluster.createDatabase("openapi_down"), "openapi-it.down.reports"));
        downCluster.close();
        await("the stopped database answered 503", WAIT,
                () -> call(down.port(), "GET", "/v1/tenants/acme/destinations/iterable", OPERATOR_TOKEN, null).status() == 503);

        setUpTenants();
    }

    private Map<String, String> env(PostgresEndpoint database, String reportsTopic) {
        Map<String, String> env = ProvisionerTestKit.env(database, kafka, iterable.port(), reportsTopic);
        env.put("PROVISIONER_ITERABLE_DEAD_LETTER_TOPIC", DLQ);
        env.put("PROVISIONER_BLUECONIC_DEAD_LETTER_TOPIC", "openapi-it.dlq.blueconic");
        env.put("PROVISIONER_SEGMENTS_TOPIC", "openapi-it.segments");
        env.put("PROVISIONER_DELIVERIES_TOPIC", "openapi-it.deliveries");
        env.put("PROVISIONER_ERASURES_TOPIC", "openapi-it.erasures");
        // Never created: a DONE test delivery's state cannot be read, how its 503 state_unavailable is produced.
        env.put("PROVISIONER_STATE_TOPIC", "openapi-it.no-state");
        env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", "3600000");
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", "acme:" + TokenAuthenticator.sha256Hex(LOOKUP_TOKEN));
        env.put("PROVISIONER_HTTP_BODY_TIMEOUT_MS", "1000");
        // A replay of more than one subscriber is a full resync: replayflood's two make one.
        env.put("PROVISIONER_REPLAY_MAX_SUBSCRIBERS", "1");
        return env;
    }

    /**
     * acme: BlueConic, following a segment with one member, read; steady: Iterable, READY, its lane parked and a resync
     * queued (so the directory has every part); the tenants the replays read dead letters of.
     */
    private void setUpTenants() throws Exception {
        BlueConicTenant acme = blueConic.addTenant("acme", "client-acme", "secret-acme");
        String member = acme.addProfile(Map.of("email", List.of("m1@example.com")));
        acme.segments().define("seg-1", "Pages").members("seg-1", List.of(member));
        assertThat(operator("PUT", "/v1/tenants/acme/destinations/blueconic", new JsonObject()
                .put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-acme")
                .put("clientSecret", "secret-acme").put("backfill", false)
                .put("followSegments", new JsonArray().add("seg-1"))
                .put("notifications", notifications("failures")).encode()).status()).isEqualTo(201);
        for (String tenant : List.of("steady", "replayed", "replaybusy", "replay500", "pagedkeys", "replayflood")) {
            registerIterable(tenant);
        }
        // The registrations the PUT answers are produced with: real projects, so none of them fails.
        for (String tenant : List.of("created", "same", "changed")) {
            iterable.addProject("p-" + tenant, "key-" + tenant + "-0001", IterableProject.Identity.USER_ID);
        }
        for (String tenant : List.of("acme")) {
            await(tenant + " READY", WAIT, () -> "READY".equals(statusOf(tenant, "blueconic")));
        }
        for (String tenant : List.of("steady", "replayed", "replaybusy", "replay500", "pagedkeys", "replayflood")) {
            await(tenant + " READY", WAIT, () -> "READY".equals(statusOf(tenant, "iterable")));
        }
        provisioner.readSegments().await(60, TimeUnit.SECONDS);
        assertThat(dispatcher("PUT", "/v1/dispatch/iterable/parkings/steady", A_PARKING).status()).isEqualTo(204);
        assertThat(operator("POST", "/v1/tenants/steady/destinations/iterable/resync", null).status()).isEqualTo(202);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String tenant : List.of("replayed", "replaybusy", "replay500", "pagedkeys", "replayflood")) {
                producer.send(new ProducerRecord<>(DLQ, tenant, state(tenant, "u1"))).get();
            }
            producer.send(new ProducerRecord<>(DLQ, "replayflood", state("replayflood", "u2"))).get();
            // steady's delivery history: a day with its distinct subscribers and last five updated, as a dispatcher reports.
            Instant now = Instant.now();
            UniqueSubscribers sketch = UniqueSubscribers.empty();
            List<DeliveryReport.Updated> updated = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                sketch.add(new Subscriber("u" + i, null));
                updated.add(new DeliveryReport.Updated("u" + i, i % 2 == 0 ? null : "u" + i + "@example.com", now.minusSeconds(i)));
            }
            producer.send(new ProducerRecord<>("openapi-it.reports", "steady", DeliveryReport.create("steady", "iterable", now, 7, 1, 0,
                    now, new DeliveryReport.LastError(now, "destination_error_400", "bad field"), sketch.state(), updated).encode())).get();
        }
        var paged = operator("POST", "/v1/tenants/pagedkeys/destinations/iterable/replay", null);
        assertThat(paged.status()).as(paged.body()).isEqualTo(202);
        pagedReplay = paged.json().getJsonObject("resync").getLong("id");
        await("steady's delivery reported", WAIT, () -> !operator("GET", "/v1/tenants/steady/destinations/iterable/status", null).json()
                .getJsonObject("delivery").getJsonArray("days").isEmpty());
    }

    @AfterAll
    void stop() throws Exception {
        if (down != null) {
            down.close().await(30, TimeUnit.SECONDS);
        }
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    @Test
    void everyDocumentedResponseIsProducedInItsDocumentedShape() {
        assertThat(DOCUMENT.responses()).hasSize(119 + 20 + 8 + 9 + 7);
        assertThat(DOCUMENT.disagreements(producers())).as("document and service disagree").isEmpty();
    }

    /** The 202 of a replay above the cap, in the shape its document says (one answer per status is produced above). */
    @Test
    void aReplayAboveTheCapAnswersAFullResyncInTheDocumentedShape() {
        var replay = operator("POST", "/v1/tenants/replayflood/destinations/iterable/replay", null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.json().getBoolean("fullResync")).isTrue();
        assertThat(DOCUMENT.problems("#/components/schemas/ReplayAccepted", replay.body())).isEmpty();
        JsonObject named = replay.json().copy();
        named.getJsonObject("resync").put("subscribers", 2);
        assertThat(DOCUMENT.problems("#/components/schemas/ReplayAccepted", named.encode()))
                .as("a full resync that named subscribers would be off the document").isNotEmpty();
    }

    @Test
    void theDocumentIsServedWithoutAToken() {
        var served = call(port, "GET", "/openapi.json", null, null);
        assertThat(served.status()).isEqualTo(200);
        assertThat(new JsonObject(served.body())).isEqualTo(new JsonObject(DOCUMENT.json().toString()));
    }

    private Map<String, Callable<Answer>> producers() {
        Map<String, Callable<Answer>> p = new LinkedHashMap<>();
        p.put("GET /openapi.json 200", () -> answer(call(port, "GET", "/openapi.json", null, null)));

        String created = "/v1/tenants/created/destinations/iterable";
        p.put("PUT " + DESTINATION + " 201", () -> answer(operator("PUT", created, new JsonObject(iterableBody("created", false))
                .put("notifications", notifications("every_run")).put("fields", new JsonObject()
                        .put("subsetsExperimentId", new JsonObject().put("mode", "add"))).encode())));
        p.put("PUT " + DESTINATION + " 200", () -> {
            operator("PUT", "/v1/tenants/same/destinations/iterable", iterableBody("same", false));
            return answer(operator("PUT", "/v1/tenants/same/destinations/iterable", iterableBody("same", false)));
        });
        p.put("PUT " + DESTINATION + " 202", () -> {
            operator("PUT", "/v1/tenants/changed/destinations/iterable", iterableBody("changed", false));
            return answer(operator("PUT", "/v1/tenants/changed/destinations/iterable", iterableBody("changed", true)));
        });
        p.put("PUT " + DESTINATION + " 400 invalid_destination", () -> {
            // A write mode that is none, and a field that is none of the five (issue 28): each violation names both.
            ProvisionerTestKit.Reply bad = operator("PUT", created, new JsonObject().put("apiKey", "key-created-0001")
                    .put("fields", new JsonObject().put("subsetsExperimentId", new JsonObject().put("mode", "sum"))
                            .put("subsetsColour", new JsonObject().put("mode", "add"))).encode());
            assertThat(bad.body()).contains("fields.subsetsExperimentId.mode", "sum", "fields.subsetsColour", "mode add");
            return answer(operator("PUT", created, new JsonObject()
                    .put("apiKey", "short").put("notifications", new JsonObject().put("webhook", new JsonObject()
                            .put("url", "http://127.0.0.1:9/hook"))).encode()));
        });
        p.put("PUT " + DESTINATION + " 400 invalid_tenant_id",
                () -> answer(operator("PUT", "/v1/tenants/Not_A_Tenant/destinations/iterable", iterableBody("created", false))));
        p.put("PUT " + DESTINATION + " 400 malformed_json", () -> answer(operator("PUT", created, "{\"apiKey\":")));
        p.put("PUT " + DESTINATION + " 400 invalid_text", () -> answer(operator("PUT", created, "{\"apiKey\":\"key\\u0000-0001\"}")));
        p.put("PUT " + DESTINATION + " 401 unauthorized", () -> answer(call(port, "PUT", created, DISPATCHER_TOKEN,
                iterableBody("created", false))));
        p.put("PUT " + DESTINATION + " 404 unknown_destination",
                () -> answer(operator("PUT", "/v1/tenants/created/destinations/mailchimp", "{}")));
        p.put("PUT " + DESTINATION + " 408 request_timeout", () -> stalled("PUT", created, OPERATOR_TOKEN));
        p.put("PUT " + DESTINATION + " 413 payload_too_large", () -> answer(operator("PUT", created, tooLarge())));
        p.put("PUT " + DESTINATION + " 415 unsupported_media_type", () -> answer(ProvisionerTestKit.call(port, "PUT", created,
                OPERATOR_TOKEN, iterableBody("created", false), "text/plain")));
        p.put("PUT " + DESTINATION + " 500 internal_error", () -> locked(() -> operator("PUT", created, iterableBody("created", true))));
        p.put("PUT " + DESTINATION + " 503 unavailable", () -> answer(call(down.port(), "PUT", created, OPERATOR_TOKEN,
                iterableBody("created", false))));

        String acme = "/v1/tenants/acme/destinations/blueconic";
        p.put("GET " + DESTINATION + " 200", () -> answer(operator("GET", acme, null)));
        operatorPathErrors(p, "GET " + DESTINATION, "GET", "");
        p.put("GET " + DESTINATION + " 404 not_registered", () -> answer(operator("GET", "/v1/tenants/nobody/destinations/iterable", null)));

        p.put("DELETE " + DESTINATION + " 204", () -> {
            registerIterable("deleted");
            return answer(operator("DELETE", "/v1/tenants/deleted/destinations/iterable", null));
        });
        operatorPathErrors(p, "DELETE " + DESTINATION, "DELETE", "");
        p.put("DELETE " + DESTINATION + " 404 not_registered",
                () -> answer(operator("DELETE", "/v1/tenants/nobody/destinations/iterable", null)));
        p.put("PATCH " + DESTINATION + " 405 method_not_allowed", () -> answer(operator("PATCH", created, "{}")));

        p.put("POST " + DESTINATION + "/provision 200",
                () -> answer(operator("POST", "/v1/tenants/steady/destinations/iterable/provision", null)));
        p.put("POST " + DESTINATION + "/provision 202", () -> whileRunning("steady", "iterable",
                () -> operator("POST", "/v1/tenants/steady/destinations/iterable/provision", null)));
        operatorPathErrors(p, "POST " + DESTINATION + "/provision", "POST", "/provision");
        p.put("POST " + DESTINATION + "/provision 404 not_registered",
                () -> answer(operator("POST", "/v1/tenants/nobody/destinations/iterable/provision", null)));

        p.put("GET " + DESTINATION + "/status 200", () -> answer(operator("GET", "/v1/tenants/steady/destinations/iterable/status", null)));
        operatorPathErrors(p, "GET " + DESTINATION + "/status", "GET", "/status");

        p.put("POST " + DESTINATION + "/resync 202", () -> {
            registerIterable("resynced");
            return answer(operator("POST", "/v1/tenants/resynced/destinations/iterable/resync", null));
        });
        operatorPathErrors(p, "POST " + DESTINATION + "/resync", "POST", "/resync");
        p.put("POST " + DESTINATION + "/resync 404 not_registered",
                () -> answer(operator("POST", "/v1/tenants/nobody/destinations/iterable/resync", null)));
        p.put("POST " + DESTINATION + "/resync 409 resync_in_progress",
                () -> answer(operator("POST", "/v1/tenants/steady/destinations/iterable/resync", null)));

        testDeliveries(p);

        String replay = "/v1/tenants/replayed/destinations/iterable/replay";
        p.put("POST " + DESTINATION + "/replay 200", () -> answer(operator("POST", replay + "?since=" + Instant.now(), null)));
        p.put("POST " + DESTINATION + "/replay 202", () -> answer(operator("POST", replay + "?reason=the%20key%20was%20fixed", null)));
        p.put("POST " + DESTINATION + "/replay 400 invalid_since", () -> answer(operator("POST", replay + "?since=yesterday", null)));
        p.put("POST " + DESTINATION + "/replay 400 invalid_reason",
                () -> answer(operator("POST", replay + "?reason=" + "x".repeat(501), null)));
        p.put("POST " + DESTINATION + "/replay 400 invalid_tenant_id",
                () -> answer(operator("POST", "/v1/tenants/-/destinations/iterable/replay", null)));
        p.put("POST " + DESTINATION + "/replay 400 invalid_text", () -> answer(operator("POST", replay + "?reason=%00", null)));
        p.put("POST " + DESTINATION + "/replay 401 unauthorized", () -> answer(call(port, "POST", replay, LOOKUP_TOKEN, null)));
        p.put("POST " + DESTINATION + "/replay 404 not_registered",
                () -> answer(operator("POST", "/v1/tenants/nobody/destinations/iterable/replay", null)));
        p.put("POST " + DESTINATION + "/replay 404 unknown_destination",
                () -> answer(operator("POST", "/v1/tenants/replayed/destinations/mailchimp/replay", null)));
        p.put("POST " + DESTINATION + "/replay 409 resync_in_progress", () -> {
            operator("POST", "/v1/tenants/replaybusy/destinations/iterable/resync", null);
            return answer(operator("POST", "/v1/tenants/replaybusy/destinations/iterable/replay", null));
        });
        p.put("POST " + DESTINATION + "/replay 500 internal_error", () -> locked(List.of("destination_resync"),
                () -> operator("POST", "/v1/tenants/replay500/destinations/iterable/replay", null)));
        p.put("POST " + DESTINATION + "/replay 503 dead_letters_unavailable",
                () -> answer(call(down.port(), "POST", replay, OPERATOR_TOKEN, null)));

        String lookup = "/v1/tenants/acme/subscribers/m1@example.com/segments";
        p.put("GET " + SEGMENTS + " 200", () -> answer(call(port, "GET", lookup, LOOKUP_TOKEN, null)));
        p.put("GET " + SEGMENTS + " 400 invalid_tenant_id",
                () -> answer(operator("GET", "/v1/tenants/ACME/subscribers/m1@example.com/segments", null)));
        p.put("GET " + SEGMENTS + " 400 invalid_subscriber",
                () -> answer(operator("GET", "/v1/tenants/acme/subscribers/" + "m".repeat(257) + "/segments", null)));
        p.put("GET " + SEGMENTS + " 400 invalid_text", () -> answer(operator("GET", "/v1/tenants/acme/subscribers/m%001/segments", null)));
        p.put("GET " + SEGMENTS + " 401 unauthorized", () -> answer(call(port, "GET", lookup, DISPATCHER_TOKEN, null)));
        p.put("GET " + SEGMENTS + " 404 not_found",
                () -> answer(call(port, "GET", "/v1/tenants/steady/subscribers/m1@example.com/segments", LOOKUP_TOKEN, null)));
        p.put("GET " + SEGMENTS + " 500 internal_error", () -> locked(() -> operator("GET", lookup, null)));
        p.put("GET " + SEGMENTS + " 503 unavailable", () -> answer(call(down.port(), "GET", lookup, LOOKUP_TOKEN, null)));

        // A subscriber's row as the deliveries consumer writes it: delivered once, then dead-lettered (every part non-null).
        String story = "/v1/tenants/acme/subscribers/m1@example.com/deliveries?by=email";
        p.put("GET " + DELIVERIES + " 200", () -> {
            sql(db, "INSERT INTO subscriber_delivery (tenant_id, kind, state_key, user_id, email, delivered_at, delivered_values, "
                    + "answered_at, answer, answer_reason, answer_detail, dead_letter_at, dead_letter_reason, dead_letter_detail, "
                    + "dead_letter_values) VALUES ('acme', 'blueconic', 'acme' || chr(31) || chr(31) || 'm1@example.com', NULL, "
                    + "'m1@example.com', now() - interval '1 hour', '{\"subsetsExperimentId\": \"exp-1\", \"subsetsExperimentName\": null}', "
                    + "now(), 'dead_lettered', 'unauthorized', 'invalid_client', now(), 'unauthorized', 'invalid_client', "
                    + "'{\"subsetsSubscriberChurnRisk\": \"0.50\"}') ON CONFLICT DO NOTHING");
            return answer(call(port, "GET", story, LOOKUP_TOKEN, null));
        });
        p.put("GET " + DELIVERIES + " 400 invalid_tenant_id",
                () -> answer(operator("GET", "/v1/tenants/ACME/subscribers/u-1/deliveries", null)));
        p.put("GET " + DELIVERIES + " 400 invalid_subscriber",
                () -> answer(operator("GET", "/v1/tenants/acme/subscribers/" + "u".repeat(257) + "/deliveries", null)));
        p.put("GET " + DELIVERIES + " 400 invalid_by", () -> answer(operator("GET", "/v1/tenants/acme/subscribers/u-1/deliveries?by=phone", null)));
        p.put("GET " + DELIVERIES + " 400 invalid_text", () -> answer(operator("GET", "/v1/tenants/acme/subscribers/u%001/deliveries", null)));
        p.put("GET " + DELIVERIES + " 401 unauthorized", () -> answer(call(port, "GET", story, DISPATCHER_TOKEN, null)));
        p.put("GET " + DELIVERIES + " 404 not_found",
                () -> answer(call(port, "GET", "/v1/tenants/steady/subscribers/u-1/deliveries", LOOKUP_TOKEN, null)));
        p.put("GET " + DELIVERIES + " 500 internal_error", () -> locked(() -> operator("GET", story, null)));
        p.put("GET " + DELIVERIES + " 503 unavailable", () -> answer(call(down.port(), "GET", story, LOOKUP_TOKEN, null)));

        // An erasure as the erasures consumer and the dispatchers' answers leave it (every part of a status non-null).
        String erasure = "/v1/tenants/acme/erasures/er-1";
        p.put("GET " + ERASURE + " 200", () -> {
            sql(db, "INSERT INTO erasure (tenant_id, erasure_id, erased_at) VALUES ('acme', 'er-1', now() - interval '1 minute') "
                    + "ON CONFLICT DO NOTHING");
            sql(db, "INSERT INTO erasure_destination (tenant_id, erasure_id, kind, mode, status, reason, detail) VALUES "
                    + "('acme', 'er-1', 'blueconic', 'forget', 'failed', 'unauthorized', 'invalid_client') ON CONFLICT DO NOTHING");
            return answer(call(port, "GET", erasure, LOOKUP_TOKEN, null));
        });
        p.put("GET " + ERASURE + " 400 invalid_tenant_id", () -> answer(operator("GET", "/v1/tenants/ACME/erasures/er-1", null)));
        p.put("GET " + ERASURE + " 400 invalid_erasure_id",
                () -> answer(operator("GET", "/v1/tenants/acme/erasures/" + "e".repeat(129), null)));
        p.put("GET " + ERASURE + " 401 unauthorized", () -> answer(call(port, "GET", erasure, DISPATCHER_TOKEN, null)));
        p.put("GET " + ERASURE + " 404 not_found", () -> answer(call(port, "GET", "/v1/tenants/acme/erasures/er-unknown", LOOKUP_TOKEN, null)));
        p.put("GET " + ERASURE + " 500 internal_error", () -> locked(() -> operator("GET", erasure, null)));
        p.put("GET " + ERASURE + " 503 unavailable", () -> answer(call(down.port(), "GET", erasure, LOOKUP_TOKEN, null)));

        String directory = "/v1/dispatch/iterable/destinations";
        p.put("GET " + DIRECTORY + " 200", () -> answer(dispatcher("GET", directory, null)));
        p.put("GET " + DIRECTORY + " 400 invalid_text", () -> answer(dispatcher("GET", directory + "?since=%00", null)));
        p.put("GET " + DIRECTORY + " 401 unauthorized", () -> answer(call(port, "GET", directory, BLUECONIC_DISPATCHER_TOKEN, null)));
        p.put("GET " + DIRECTORY + " 404 unknown_destination",
                () -> answer(dispatcher("GET", "/v1/dispatch/mailchimp/destinations", null)));
        p.put("GET " + DIRECTORY + " 500 internal_error", () -> locked(() -> dispatcher("GET", directory, null)));
        p.put("GET " + DIRECTORY + " 503 unavailable", () -> answer(call(down.port(), "GET", directory, DISPATCHER_TOKEN, null)));

        String parking = "/v1/dispatch/iterable/parkings/steady";
        p.put("PUT " + PARKING + " 204", () -> answer(dispatcher("PUT", parking, A_PARKING)));
        p.put("PUT " + PARKING + " 400 invalid_parking", () -> answer(dispatcher("PUT", parking, "{\"partition\":-1}")));
        p.put("PUT " + PARKING + " 400 malformed_json", () -> answer(dispatcher("PUT", parking, "[1,2]")));
        p.put("PUT " + PARKING + " 400 invalid_tenant_id", () -> answer(dispatcher("PUT", "/v1/dispatch/iterable/parkings/St", A_PARKING)));
        p.put("PUT " + PARKING + " 400 invalid_text", () -> answer(dispatcher("PUT", parking + "?x=%00", A_PARKING)));
        p.put("PUT " + PARKING + " 401 unauthorized", () -> answer(call(port, "PUT", parking, OPERATOR_TOKEN, A_PARKING)));
        p.put("PUT " + PARKING + " 404 not_registered",
                () -> answer(dispatcher("PUT", "/v1/dispatch/iterable/parkings/nobody", A_PARKING)));
        p.put("PUT " + PARKING + " 404 unknown_destination",
                () -> answer(dispatcher("PUT", "/v1/dispatch/mailchimp/parkings/steady", A_PARKING)));
        p.put("PUT " + PARKING + " 408 request_timeout", () -> stalled("PUT", parking, DISPATCHER_TOKEN));
        p.put("PUT " + PARKING + " 413 payload_too_large", () -> answer(dispatcher("PUT", parking, tooLarge())));
        p.put("PUT " + PARKING + " 500 internal_error", () -> locked(() -> dispatcher("PUT", parking, A_PARKING)));
        p.put("PUT " + PARKING + " 503 unavailable", () -> answer(call(down.port(), "PUT", parking, DISPATCHER_TOKEN, A_PARKING)));

        String recovered = "/v1/dispatch/iterable/parkings/steady?partition=0&fromOffset=7";
        p.put("DELETE " + PARKING + " 204", () -> answer(dispatcher("DELETE", recovered, null)));
        p.put("DELETE " + PARKING + " 400 invalid_fromOffset",
                () -> answer(dispatcher("DELETE", "/v1/dispatch/iterable/parkings/steady?fromOffset=-1", null)));
        p.put("DELETE " + PARKING + " 400 invalid_tenant_id",
                () -> answer(dispatcher("DELETE", "/v1/dispatch/iterable/parkings/St?fromOffset=7", null)));
        p.put("DELETE " + PARKING + " 400 invalid_text", () -> answer(dispatcher("DELETE", recovered + "&x=%00", null)));
        p.put("DELETE " + PARKING + " 401 unauthorized", () -> answer(call(port, "DELETE", recovered, OPERATOR_TOKEN, null)));
        p.put("DELETE " + PARKING + " 404 not_registered",
                () -> answer(dispatcher("DELETE", "/v1/dispatch/iterable/parkings/nobody?fromOffset=7", null)));
        p.put("DELETE " + PARKING + " 404 unknown_destination",
                () -> answer(dispatcher("DELETE", "/v1/dispatch/mailchimp/parkings/steady?fromOffset=7", null)));
        p.put("DELETE " + PARKING + " 500 internal_error", () -> locked(() -> dispatcher("DELETE", recovered, null)));
        p.put("DELETE " + PARKING + " 503 unavailable", () -> answer(call(down.port(), "DELETE", recovered, DISPATCHER_TOKEN, null)));

        p.put("POST " + PROGRESS + " 204", () -> answer(dispatcher("POST", "/v1/dispatch/iterable/resyncs/" + resyncOf("steady"),
                A_PROGRESS)));
        String unknown = "/v1/dispatch/iterable/resyncs/999999";
        p.put("POST " + PROGRESS + " 400 invalid_progress", () -> answer(dispatcher("POST", unknown, "{\"position\":1}")));
        p.put("POST " + PROGRESS + " 400 malformed_json", () -> answer(dispatcher("POST", unknown, "{\"position\":1}{}")));
        p.put("POST " + PROGRESS + " 400 invalid_text", () -> answer(dispatcher("POST", unknown + "?x=%00", A_PROGRESS)));
        p.put("POST " + PROGRESS + " 401 unauthorized", () -> answer(call(port, "POST", unknown, BLUECONIC_DISPATCHER_TOKEN, A_PROGRESS)));
        p.put("POST " + PROGRESS + " 404 unknown_resync", () -> answer(dispatcher("POST", unknown, A_PROGRESS)));
        p.put("POST " + PROGRESS + " 404 unknown_destination",
                () -> answer(dispatcher("POST", "/v1/dispatch/mailchimp/resyncs/1", A_PROGRESS)));
        p.put("POST " + PROGRESS + " 408 request_timeout", () -> stalled("POST", unknown, DISPATCHER_TOKEN));
        p.put("POST " + PROGRESS + " 413 payload_too_large", () -> answer(dispatcher("POST", unknown, tooLarge())));
        p.put("POST " + PROGRESS + " 500 internal_error", () -> locked(() -> dispatcher("POST", unknown, A_PROGRESS)));
        p.put("POST " + PROGRESS + " 503 unavailable", () -> answer(call(down.port(), "POST", unknown, DISPATCHER_TOKEN, A_PROGRESS)));

        String named = "/v1/dispatch/iterable/resyncs/" + pagedReplay + "/subscribers";
        p.put("GET " + NAMED + " 200", () -> answer(dispatcher("GET", named + "?limit=1", null)));
        p.put("GET " + NAMED + " 400 invalid_limit", () -> answer(dispatcher("GET", named + "?limit=0", null)));
        p.put("GET " + NAMED + " 400 invalid_text", () -> answer(dispatcher("GET", named + "?after=%00", null)));
        p.put("GET " + NAMED + " 401 unauthorized", () -> answer(call(port, "GET", named, BLUECONIC_DISPATCHER_TOKEN, null)));
        p.put("GET " + NAMED + " 404 unknown_resync",
                () -> answer(dispatcher("GET", "/v1/dispatch/iterable/resyncs/999999/subscribers", null)));
        p.put("GET " + NAMED + " 404 unknown_destination",
                () -> answer(dispatcher("GET", "/v1/dispatch/mailchimp/resyncs/1/subscribers", null)));
        p.put("GET " + NAMED + " 500 internal_error", () -> locked(() -> dispatcher("GET", named, null)));
        p.put("GET " + NAMED + " 503 unavailable", () -> answer(call(down.port(), "GET", named, DISPATCHER_TOKEN, null)));

        p.put("GET /health/live 200", () -> answer(call(provisioner.metricsPort(), "GET", "/health/live", null, null)));
        p.put("GET /health/ready 200", () -> answer(call(provisioner.metricsPort(), "GET", "/health/ready", null, null)));
        p.put("GET /health/ready 503", () -> answer(call(down.metricsPort(), "GET", "/health/ready", null, null)));
        p.put("GET /metrics 200", () -> answer(call(provisioner.metricsPort(), "GET", "/metrics", null, null)));
        return p;
    }

    /** POST .../test and GET .../test/{id}: each on a tenant of its own where it queues one. */
    private void testDeliveries(Map<String, Callable<Answer>> p) {
        String body = "{\"subscribers\":[{\"userId\":\"u1\"},{\"email\":\"u2@example.com\"}]}";
        String test = "/v1/tenants/steady/destinations/iterable/test";
        String post = "POST " + DESTINATION + "/test";
        p.put(post + " 202", () -> {
            registerIterable("tested");
            return answer(operator("POST", "/v1/tenants/tested/destinations/iterable/test", body));
        });
        p.put(post + " 400 invalid_test_subscribers", () -> {
            // No body: the saved test subscribers, and steady has none.
            assertThat(operator("POST", test, null).json().getString("code")).isEqualTo("invalid_test_subscribers");
            return answer(operator("POST", test, "{\"subscribers\":[]}"));
        });
        p.put(post + " 400 malformed_json", () -> answer(operator("POST", test, "{\"subscribers\":")));
        p.put(post + " 400 invalid_tenant_id", () -> answer(operator("POST", "/v1/tenants/Steady/destinations/iterable/test", body)));
        p.put(post + " 400 invalid_text", () -> answer(operator("POST", test + "?x=%00", body)));
        p.put(post + " 401 unauthorized", () -> answer(call(port, "POST", test, DISPATCHER_TOKEN, body)));
        p.put(post + " 404 not_registered", () -> answer(operator("POST", "/v1/tenants/nobody/destinations/iterable/test", body)));
        p.put(post + " 404 unknown_destination", () -> answer(operator("POST", "/v1/tenants/steady/destinations/mailchimp/test", body)));
        p.put(post + " 409 resync_in_progress", () -> answer(operator("POST", test, body)));
        p.put(post + " 500 internal_error", () -> {
            registerIterable("test500");
            return locked(List.of("destination_resync"), () -> operator("POST", "/v1/tenants/test500/destinations/iterable/test", body));
        });
        p.put(post + " 503 unavailable", () -> answer(call(down.port(), "POST", test, OPERATOR_TOKEN, body)));

        String get = "GET " + DESTINATION + "/test/{id}";
        p.put(get + " 200", () -> {
            registerIterable("testread");
            long id = operator("POST", "/v1/tenants/testread/destinations/iterable/test", body).json().getLong("id");
            return answer(operator("GET", "/v1/tenants/testread/destinations/iterable/test/" + id, null));
        });
        operatorPathErrors(p, get, "GET", "/test/1");
        p.put(get + " 404 not_found", () -> answer(operator("GET", test + "/999999", null)));
        p.put(get + " 503 state_unavailable", () -> {
            registerIterable("teststate");
            long id = operator("POST", "/v1/tenants/teststate/destinations/iterable/test", body).json().getLong("id");
            assertThat(dispatcher("POST", "/v1/dispatch/iterable/resyncs/" + id,
                    "{\"position\":0,\"endOffset\":0,\"total\":2,\"sent\":2,\"done\":true}").status()).isEqualTo(204);
            return answer(operator("GET", "/v1/tenants/teststate/destinations/iterable/test/" + id, null));
        });
    }

    /**
     * The answers every operator endpoint of a destination shares: a bad tenant id, a NUL, a dispatcher's token, an
     * unknown kind, a refused statement and a stopped database.
     */
    private void operatorPathErrors(Map<String, Callable<Answer>> p, String operation, String method, String suffix) {
        String path = "/v1/tenants/steady/destinations/iterable" + suffix;
        p.put(operation + " 400 invalid_tenant_id", () -> answer(operator(method, "/v1/tenants/Steady/destinations/iterable" + suffix,
                null)));
        p.put(operation + " 400 invalid_text", () -> answer(operator(method, path + "?x=%00", null)));
        p.put(operation + " 401 unauthorized", () -> answer(call(port, method, path, DISPATCHER_TOKEN, null)));
        p.put(operation + " 404 unknown_destination", () -> answer(operator(method, "/v1/tenants/steady/destinations/mailchimp" + suffix,
                null)));
        // Never the real steady for DELETE: a refused or unreachable delete must not be the one that succeeds.
        String refused = method.equals("DELETE") ? "/v1/tenants/nobody/destinations/iterable" : path;
        p.put(operation + " 500 internal_error", () -> locked(() -> operator(method, refused, null)));
        p.put(operation + " 503 unavailable", () -> answer(call(down.port(), method, refused, OPERATOR_TOKEN, null)));
    }

    // ---- requests ----

    private static ProvisionerTestKit.Reply call(int port, String method, String path, String token, String body) {
        return ProvisionerTestKit.call(port, method, path, token, body);
    }

    private ProvisionerTestKit.Reply operator(String method, String path, String body) {
        return call(port, method, path, OPERATOR_TOKEN, body);
    }

    private ProvisionerTestKit.Reply dispatcher(String method, String path, String body) {
        return call(port, method, path, DISPATCHER_TOKEN, body);
    }

    private static Answer answer(ProvisionerTestKit.Reply reply) {
        return Answer.of(reply.raw());
    }

    private String statusOf(String tenant, String kind) {
        return ProvisionerTestKit.status(port, tenant, kind);
    }

    private String iterableBody(String tenant, boolean preferUserId) {
        return new JsonObject().put("apiKey", "key-" + tenant + "-0001").put("projectId", "p-" + tenant)
                .put("preferUserId", preferUserId).put("backfill", false).encode();
    }

    /** Who is told of a destination's health: a webhook that nothing answers (nothing the test waits for is sent). */
    private static JsonObject notifications(String on) {
        return new JsonObject().put("webhook", new JsonObject().put("url", "https://127.0.0.1:9/hooks/subsets")
                .put("secret", "whsec-0123456789abcdef")).put("on", on);
    }

    private void registerIterable(String tenant) {
        iterable.addProject("p-" + tenant, "key-" + tenant + "-0001", IterableProject.Identity.USER_ID);
        var reply = operator("PUT", "/v1/tenants/" + tenant + "/destinations/iterable", iterableBody(tenant, false));
        assertThat(reply.status()).as(reply.body()).isIn(200, 201);
    }

    private static String tooLarge() {
        return "{\"apiKey\":\"" + "k".repeat(70_000) + "\"}";
    }

    private long resyncOf(String tenant) {
        return operator("GET", "/v1/tenants/" + tenant + "/destinations/iterable/status", null).json().getJsonObject("resync")
                .getLong("id");
    }

    /** Headers and the start of a body that never comes: answered once the body timeout passes. */
    private Answer stalled(String method, String path, String token) throws Exception {
        try (RawHttp raw = new RawHttp(port, 30_000)) {
            RawHttp.Answer answer = raw.write(RawHttp.head(method, path, Map.of("Authorization", "Bearer " + token,
                    "Content-Type", "application/json", "Content-Length", "1000")) + "{\"apiKey\":").readAnswerThenClose();
            return new Answer(answer.status(), answer.headers(), answer.body());
        }
    }

    // ---- the database refusing ----

    private Answer locked(Callable<ProvisionerTestKit.Reply> request) throws Exception {
        return locked(List.of(), request);
    }

    /**
     * {@code request} while these tables (none: every table of the provisioner) are locked by another session for
     * longer than the database's lock_timeout: PostgreSQL refuses the provisioner's statements on them.
     */
    private Answer locked(List<String> tables, Callable<ProvisionerTestKit.Reply> request) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = 0");
            c.setAutoCommit(false);
            String names = tables.isEmpty() ? allTables(s) : String.join(", ", tables);
            s.execute("LOCK TABLE " + names + " IN ACCESS EXCLUSIVE MODE");
            try {
                return answer(request.call());
            } finally {
                c.rollback();
            }
        }
    }

    private static String allTables(Statement s) throws SQLException {
        try (ResultSet rows = s.executeQuery("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                + "WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** {@code request} while another session holds the destination's provisioning lock, as another replica's run would. */
    private Answer whileRunning(String tenant, String kind, Callable<ProvisionerTestKit.Reply> request) throws Exception {
        long key = ByteBuffer.wrap(TokenAuthenticator.sha256("provisioning/" + tenant + "/" + kind), 0, 8).getLong();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + key + ")");
            return answer(request.call());
        }
    }

    private static void sql(PostgresEndpoint where, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(where.jdbcUrl(), where.user(), where.password());
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static byte[] state(String tenant, String user) {
        return StateRecordCodec.encode(new StateRecord(tenant, new Subscriber(user, null), Map.of(DestinationField.CHURN_RISK,
                new FieldFact("0.5", Instant.parse("2026-12-01T00:00:00Z"), 3, "e-" + user))));
    }
}
