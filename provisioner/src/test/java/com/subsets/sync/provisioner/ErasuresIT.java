package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.call;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.FieldValue;
import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.model.SubscriberDeliveries.Outcome;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Erasures at the provisioner (issue 29), on a real PostgreSQL and broker: an erasure record leaves a pending status per
 * destination, takes the subscriber's delivery rows, run-history identifiers and segment memberships away (the exit
 * published with its changeId); the dispatchers' answers to the erase rows move the statuses, also when they come
 * first; Iterable in mode forget is called (a test receiver standing in for the simulator's forget endpoint, which
 * another branch adds), retried after a 429, failed with Iterable's words after a 400; two replicas share Iterable's
 * limits (3 a second, a daily cap of 5 here); the endpoint's answers.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasuresIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ERASURES = "erasures-it.erasures";
    private static final String DELIVERIES = "erasures-it.deliveries";
    private static final String SEGMENTS = "erasures-it.segments";
    private static final String REPORTS = "erasures-it.reports";
    private static final String LOOKUP = "er-lookup-token";
    private static final String OTHER_LOOKUP = "other-lookup-token";
    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    private Vertx vertx;
    private ForgetReceiver iterable;
    private BlueConicSimulator blueConic;
    private KafkaService kafka;
    private PostgresEndpoint db;
    private Map<String, String> env;
    private ProvisionerService provisioner;
    private KafkaProducer<String, byte[]> producer;
    private int port;

    @BeforeAll
    void start(PostgresService postgres, KafkaService broker) throws Exception {
        kafka = broker;
        vertx = Vertx.vertx();
        iterable = new ForgetReceiver(vertx, Set.of("iterable-key-er", "iterable-key-cap"));
        blueConic = new BlueConicSimulator(vertx);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        kafka.createTopics(1, ERASURES, DELIVERIES, SEGMENTS, REPORTS);
        db = postgres.createDatabase("erasures_it");
        env = ProvisionerTestKit.env(db, kafka, iterable.port(), REPORTS);
        env.put("PROVISIONER_ERASURES_TOPIC", ERASURES);
        env.put("PROVISIONER_DELIVERIES_TOPIC", DELIVERIES);
        env.put("PROVISIONER_SEGMENTS_TOPIC", SEGMENTS);
        env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", "3600000");
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", "er:" + TokenAuthenticator.sha256Hex(LOOKUP) + ",other:"
                + TokenAuthenticator.sha256Hex(OTHER_LOOKUP));
        env.put("PROVISIONER_FORGET_PER_SECOND", "3");
        env.put("PROVISIONER_FORGET_PER_DAY", "5");
        env.put("PROVISIONER_FORGET_INTERVAL_MS", "50");
        env.put("PROVISIONER_FORGET_RETRY_BASE_MS", "200");
        env.put("PROVISIONER_FORGET_RETRY_MAX_MS", "1000");
        env.put("PROVISIONER_REPLICA", "replica-a");
        provisioner = ProvisionerTestKit.start(env);
        port = provisioner.port();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer());

        // er: Iterable identifying users by userId, forgetting; BlueConic (clearing) following seg-1, whose member is m1.
        BlueConicTenant tenant = blueConic.addTenant("er", "client-er", "secret-er");
        String member = tenant.addProfile(Map.of("email", List.of("m1@example.com")));
        String other = tenant.addProfile(Map.of("email", List.of("m2@example.com")));
        tenant.segments().define("seg-1", "Loyal").members("seg-1", List.of(member, other));
        assertThat(operator(port, "PUT", "/v1/tenants/er/destinations/blueconic", new JsonObject()
                .put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-er").put("clientSecret", "secret-er")
                .put("backfill", false).put("followSegments", new JsonArray().add("seg-1")).encode()).status()).isEqualTo(201);
        assertThat(operator(port, "PUT", "/v1/tenants/er/destinations/iterable", new JsonObject().put("apiKey", "iterable-key-er")
                .put("backfill", false).put("erasure", "forget").encode()).status()).isEqualTo(201);
        await("er READY", WAIT, () -> "READY".equals(ProvisionerTestKit.status(port, "er", "blueconic"))
                && "READY".equals(ProvisionerTestKit.status(port, "er", "iterable")));
        provisioner.readSegments().await(60, TimeUnit.SECONDS);
        assertThat(count("SELECT count(*) FROM segment_member WHERE tenant_id = 'er'")).isEqualTo(2);
    }

    @AfterAll
    void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    @Test
    void theSettingIsValidatedStoredShownAndHandedToTheDispatchers() {
        ProvisionerTestKit.Reply bad = operator(port, "PUT", "/v1/tenants/er/destinations/iterable", new JsonObject()
                .put("apiKey", "iterable-key-er").put("erasure", "shred").encode());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("erasure").contains("clear, forget");
        JsonObject before = operator(port, "GET", "/v1/tenants/er/destinations/iterable", null).json();
        assertThat(before.getJsonObject("settings").getString("erasure")).isEqualTo("forget");
        // Its own column: changing it alone is no new revision, nothing is provisioned again.
        for (String mode : List.of("clear", "forget")) {
            ProvisionerTestKit.Reply changed = operator(port, "PUT", "/v1/tenants/er/destinations/iterable", new JsonObject()
                    .put("apiKey", "iterable-key-er").put("backfill", false).put("erasure", mode).encode());
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            assertThat(changed.json().getJsonObject("settings").getString("erasure")).isEqualTo(mode);
            assertThat(changed.json().getLong("revision")).isEqualTo(before.getLong("revision"));
        }
        assertThat(operator(port, "GET", "/v1/tenants/er/destinations/blueconic", null).json().getJsonObject("settings")
                .getString("erasure")).as("the default").isEqualTo("clear");
        JsonObject directory = call(port, "GET", "/v1/dispatch/iterable/destinations", ProvisionerTestKit.DISPATCHER_TOKEN, null).json();
        assertThat(directory.getJsonObject("destinations").getJsonObject("er").getString("erasure")).isEqualTo("forget");
        JsonObject blue = call(port, "GET", "/v1/dispatch/blueconic/destinations", ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN, null).json();
        assertThat(blue.getJsonObject("destinations").getJsonObject("er").getString("erasure")).isEqualTo("clear");
    }

    @Test
    void anErasureTakesTheSubscribersTracesAwayAndTheAnswersMoveItsStatuses() throws Exception {
        Subscriber erased = new Subscriber("u1", "m1@example.com");
        // What the provisioner keeps of them before: their delivery rows (by userId at Iterable, by e-mail at BlueConic)
        // and another subscriber's, and a day's last subscribers updated.
        trail("iterable", row(erased, Outcome.ACCEPTED, null), row(new Subscriber("u2", null), Outcome.ACCEPTED, null));
        trail("blueconic", row(new Subscriber(null, "m1@example.com"), Outcome.ACCEPTED, null));
        producer.send(new ProducerRecord<>(REPORTS, "er", DeliveryReport.create("er", "iterable", Instant.now(), 2, 0, 0, Instant.now(),
                null, null, List.of(new DeliveryReport.Updated("u1", "m1@example.com", Instant.now()),
                        new DeliveryReport.Updated("u2", null, Instant.now().minusSeconds(1)))).encode())).get();
        await("delivery rows and the day's last updated", WAIT, () -> count("SELECT count(*) FROM subscriber_delivery WHERE tenant_id = 'er'") == 3
                && count("SELECT count(*) FROM delivery_day WHERE tenant_id = 'er' AND jsonb_array_length(last_updated) = 2") == 1);

        // An unreadable record first: passed over, the partition goes on.
        producer.send(new ProducerRecord<>(ERASURES, "er", "{\"erasureId\": \"x\", \"subscriber\": {\"email\": \"m1@example.com\"}"
                .getBytes(StandardCharsets.UTF_8))).get();
        iterable.throttleOnce.add("u1");
        producer.send(new ProducerRecord<>(ERASURES, "er", new Erasure("er-1", "er", AT, erased).encode())).get();
        JsonObject first = awaitErasure("er-1", e -> e.getJsonArray("destinations").size() == 2);
        assertThat(first.getString("tenantId")).isEqualTo("er");
        assertThat(first.getString("erasedAt")).isEqualTo(AT.toString());
        assertThat(first.getString("receivedAt")).isNotNull();
        assertThat(destination(first, "iterable").getString("mode")).isEqualTo("forget");
        assertThat(destination(first, "iterable").getString("status")).isEqualTo("pending");
        assertThat(destination(first, "blueconic").getString("mode")).isEqualTo("clear");
        assertThat(destination(first, "blueconic").getString("status")).isEqualTo("pending");
        assertThat(first.getJsonArray("destinations").getJsonObject(0).getString("kind")).as("iterable, then blueconic").isEqualTo("iterable");

        assertThat(strings("SELECT coalesce(user_id, email) FROM subscriber_delivery WHERE tenant_id = 'er'")).containsExactly("u2");
        assertThat(strings("SELECT last_updated::text FROM delivery_day WHERE tenant_id = 'er'")).singleElement().satisfies(days -> {
            assertThat(days).contains("u2").doesNotContain("u1").doesNotContain("m1@example.com");
        });
        assertThat(strings("SELECT subscriber FROM segment_member WHERE tenant_id = 'er'")).containsExactly("m2@example.com");
        assertThat(count("SELECT members FROM segment_followed WHERE tenant_id = 'er' AND segment_id = 'seg-1'")).isEqualTo(1);
        List<SegmentMembership> exits = published("er").stream().filter(c -> c.change() == SegmentMembership.Change.EXITED).toList();
        assertThat(exits).singleElement().satisfies(exit -> {
            assertThat(exit.identifier()).isEqualTo("m1@example.com");
            assertThat(exit.identifierName()).isEqualTo("email");
            assertThat(exit.segmentId()).isEqualTo("seg-1");
            assertThat(exit.changeId()).isEqualTo(SegmentMembership.of("er", "seg-1", "Loyal", "email", "m1@example.com",
                    SegmentMembership.Change.EXITED, AT, "erasure/er-1").changeId());
        });
        // BlueConic still lists them in the segment (a clear keeps the profile): the next read does not bring them back,
        // and the database holds no identifier of theirs for it, only two keyed hashes (userId, e-mail).
        provisioner.readSegments().await(60, TimeUnit.SECONDS);
        assertThat(strings("SELECT subscriber FROM segment_member WHERE tenant_id = 'er'")).containsExactly("m2@example.com");
        assertThat(published("er").stream().filter(c -> c.change() == SegmentMembership.Change.ENTERED)
                .map(SegmentMembership::identifier)).as("m1 entered once, at the first read").doesNotHaveDuplicates();
        assertThat(count("SELECT count(*) FROM erased_subscriber WHERE tenant_id = 'er' AND expires_at > now() + interval '29 days'"))
                .isEqualTo(2);

        // The same record again: nothing changes, nothing is published twice with another id.
        producer.send(new ProducerRecord<>(ERASURES, "er", new Erasure("er-1", "er", AT, erased).encode())).get();

        // The dispatchers' answers: BlueConic cleared; Iterable found nothing, so the forget is queued and called (a 429
        // first, then 200): forgotten, the identifier no longer kept.
        // First, an answer about them to a state sent before the erasure, read after its record: not kept once the erase
        // row's answer is in.
        trail("blueconic", new SubscriberDeliveries.Row(erased, Outcome.ACCEPTED, null, null,
                Map.of(DestinationField.CHURN_RISK, FieldValue.set("0.50"))));
        trail("blueconic", erase(erased, Outcome.ACCEPTED, "cleared", null, "er-1"));
        // A repeated erase row's answer (a second pass finds nothing there) never takes back what was done.
        trail("blueconic", erase(erased, Outcome.SKIPPED, "not_found", null, "er-1"));
        trail("iterable", erase(erased, Outcome.SKIPPED, "not_found", null, "er-1"));
        JsonObject done = awaitErasure("er-1", e -> "forgotten".equals(destination(e, "iterable").getString("status")));
        assertThat(destination(done, "blueconic").getString("status")).isEqualTo("cleared");
        assertThat(iterable.callsOf("iterable-key-er")).extracting(ForgetReceiver.Call::identifier).containsExactly("u1", "u1");
        assertThat(iterable.callsOf("iterable-key-er")).extracting(ForgetReceiver.Call::name).containsOnly("userId");
        assertThat(count("SELECT count(*) FROM erasure_destination WHERE forget_identifier IS NOT NULL AND erasure_id = 'er-1'")).isZero();
        assertThat(count("SELECT count(*) FROM subscriber_delivery WHERE tenant_id = 'er' AND user_id = 'u1'"))
                .as("an erase row is never a delivery").isZero();
        assertThat(strings("SELECT coalesce(user_id, email) FROM subscriber_delivery WHERE tenant_id = 'er'")).containsExactly("u2");
        // A pending (a repeated erasure record) never overwrites a done status.
        producer.send(new ProducerRecord<>(ERASURES, "er", new Erasure("er-1", "er", AT, erased).encode())).get();

        // Answers before the record: kept, not shown until the record is in; then never overwritten by pending.
        Subscriber third = new Subscriber("u3", "m3@example.com");
        iterable.refused.add("u3");
        trail("blueconic", erase(third, Outcome.DEAD_LETTERED, "unauthorized", "invalid_client", "er-2"));
        trail("iterable", erase(third, Outcome.ACCEPTED, "cleared", null, "er-2"));
        await("the answers to er-2 written", WAIT, () -> count("SELECT count(*) FROM erasure_destination WHERE erasure_id = 'er-2'") == 2);
        ProvisionerTestKit.Reply early = call(port, "GET", "/v1/tenants/er/erasures/er-2", LOOKUP, null);
        assertThat(early.status()).as("not recorded yet").isEqualTo(404);
        assertThat(early.json().getString("code")).isEqualTo("not_found");
        producer.send(new ProducerRecord<>(ERASURES, "er", new Erasure("er-2", "er", AT, third).encode())).get();
        JsonObject second = awaitErasure("er-2", e -> "failed".equals(destination(e, "iterable").getString("status")));
        assertThat(destination(second, "blueconic").getString("status")).isEqualTo("failed");
        assertThat(destination(second, "blueconic").getString("reason")).isEqualTo("unauthorized");
        assertThat(destination(second, "blueconic").getString("detail")).isEqualTo("invalid_client");
        assertThat(destination(second, "iterable").getString("reason")).isEqualTo("forget_refused_400");
        assertThat(destination(second, "iterable").getString("detail")).as("Iterable's words, without the identifier").isEqualTo("User [erased] cannot be forgotten");
        assertThat(count("SELECT count(*) FROM erasure_destination WHERE forget_identifier IS NOT NULL AND erasure_id = 'er-2'")).isZero();
        assertThat(destination(awaitErasure("er-1", e -> true), "iterable").getString("status")).isEqualTo("forgotten");
        assertThat(published("er").stream().filter(c -> c.change() == SegmentMembership.Change.EXITED).map(SegmentMembership::changeId)
                .distinct().count()).as("one exit, however often the record came").isEqualTo(1);

        // The endpoint: a lookup token of the tenant or an operator; another tenant's 404, none 401, a bad id 400.
        assertThat(call(port, "GET", "/v1/tenants/er/erasures/er-1", OPERATOR_TOKEN, null).status()).isEqualTo(200);
        ProvisionerTestKit.Reply foreign = call(port, "GET", "/v1/tenants/er/erasures/er-1", OTHER_LOOKUP, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).doesNotContain("forgotten");
        assertThat(call(port, "GET", "/v1/tenants/er/erasures/er-1", null, null).status()).isEqualTo(401);
        ProvisionerTestKit.Reply badId = call(port, "GET", "/v1/tenants/er/erasures/" + "e".repeat(129), LOOKUP, null);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().getString("code")).isEqualTo("invalid_erasure_id");
        assertThat(call(port, "GET", "/v1/tenants/er/erasures/er%201", LOOKUP, null).json().getString("code")).isEqualTo("invalid_erasure_id");
        assertThat(call(port, "GET", "/v1/tenants/er/erasures/unknown", LOOKUP, null).status()).isEqualTo(404);

        // Counted: the unreadable record, the 429 retried, the 400 refused.
        List<String> meters = call(provisioner.metricsPort(), "GET", "/metrics", null, null).body().lines().toList();
        assertThat(meters).filteredOn(l -> l.startsWith("provisioner_erasures_records_total{") && l.contains("outcome=\"unreadable\""))
                .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
        assertThat(meters).filteredOn(l -> l.startsWith("provisioner_erasures_forget_calls_total{") && l.contains("outcome=\"retry\""))
                .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
        assertThat(meters).filteredOn(l -> l.startsWith("provisioner_erasures_forget_calls_total{") && l.contains("outcome=\"refused\""))
                .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
    }

    /**
     * Eight forgets of one project queued, two replicas working the queue: 3 calls in any second and 5 in all (the
     * daily cap set for the test), the other three still queued for when the day's window frees a call, each
     * forgotten one's identifier gone.
     */
    @Test
    void twoReplicasShareTheProjectsThreePerSecondAndItsDailyCap() throws Exception {
        assertThat(operator(port, "PUT", "/v1/tenants/cap/destinations/iterable", new JsonObject().put("apiKey", "iterable-key-cap")
                .put("identifier", "email").put("backfill", false).put("erasure", "forget").encode()).status()).isEqualTo(201);
        await("cap READY", WAIT, () -> "READY".equals(ProvisionerTestKit.status(port, "cap", "iterable")));
        Map<String, String> second = new HashMap<>(env);
        second.put("PROVISIONER_HTTP_PORT", "0");
        second.put("PROVISIONER_REPLICA", "replica-b");
        ProvisionerService replicaB = ProvisionerTestKit.start(second);
        try {
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                rows.append(i == 0 ? "" : ", ").append("('cap', 'cap-").append(i).append("', 'iterable', 'forget', 'forget_queued', 'f")
                        .append(i).append("@example.com', now())");
            }
            sql("INSERT INTO erasure (tenant_id, erasure_id, erased_at) SELECT 'cap', 'cap-' || i, now() FROM generate_series(0, 7) i");
            sql("INSERT INTO erasure_destination (tenant_id, erasure_id, kind, mode, status, forget_identifier, forget_next_at) VALUES "
                    + rows);
            await("five forgets called", WAIT, () -> iterable.callsOf("iterable-key-cap").size() >= 5);
            Thread.sleep(2_000);
            List<ForgetReceiver.Call> calls = iterable.callsOf("iterable-key-cap");
            assertThat(calls).as("the daily cap, across both replicas").hasSize(5);
            assertThat(calls).extracting(ForgetReceiver.Call::name).containsOnly("email");
            assertThat(calls.stream().map(ForgetReceiver.Call::identifier).distinct().count()).isEqualTo(5);
            // Counted in PostgreSQL: never a fourth call within a second of three.
            List<Instant> counted = instants("SELECT called_at FROM iterable_forget_call WHERE project_id = 'tenant-cap' ORDER BY called_at");
            assertThat(counted).hasSize(5);
            for (int i = 3; i < counted.size(); i++) {
                assertThat(Duration.between(counted.get(i - 3), counted.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
            // As Iterable received them (a little jitter on the way allowed).
            assertThat(calls.get(3).atNanos() - calls.get(0).atNanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(800));
            await("five forgotten", WAIT, () -> count("SELECT count(*) FROM erasure_destination WHERE tenant_id = 'cap' AND status = 'forgotten' "
                    + "AND forget_identifier IS NULL") == 5);
            assertThat(count("SELECT count(*) FROM erasure_destination WHERE tenant_id = 'cap' AND status = 'forget_queued' "
                    + "AND forget_identifier IS NOT NULL AND forget_next_at > now() + interval '23 hours'")).as("queued beyond the cap").isEqualTo(3);
        } finally {
            replicaB.close().await(30, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ----

    private static SubscriberDeliveries.Row row(Subscriber who, Outcome outcome, String reason) {
        return new SubscriberDeliveries.Row(who, outcome, reason, null, Map.of(DestinationField.CHURN_RISK, FieldValue.set("0.42")));
    }

    private static SubscriberDeliveries.Row erase(Subscriber who, Outcome outcome, String reason, String detail, String erasureId) {
        Map<DestinationField, FieldValue> cleared = new java.util.EnumMap<>(DestinationField.class);
        for (DestinationField field : DestinationField.values()) {
            cleared.put(field, FieldValue.CLEAR);
        }
        return new SubscriberDeliveries.Row(who, outcome, reason, detail, cleared, erasureId);
    }

    private void trail(String kind, SubscriberDeliveries.Row... rows) throws Exception {
        for (byte[] value : SubscriberDeliveries.encode("er", kind, Instant.now(), List.of(rows), 1 << 20)) {
            producer.send(new ProducerRecord<>(DELIVERIES, "er", value)).get();
        }
    }

    private JsonObject awaitErasure(String id, java.util.function.Predicate<JsonObject> check) throws InterruptedException {
        JsonObject[] found = new JsonObject[1];
        await("erasure " + id, WAIT, () -> {
            ProvisionerTestKit.Reply reply = call(port, "GET", "/v1/tenants/er/erasures/" + id, LOOKUP, null);
            if (reply.status() != 200) {
                return false;
            }
            found[0] = reply.json();
            return check.test(found[0]);
        });
        return found[0];
    }

    private static JsonObject destination(JsonObject erasure, String kind) {
        return erasure.getJsonArray("destinations").stream().map(JsonObject.class::cast).filter(d -> kind.equals(d.getString("kind")))
                .findFirst().orElseThrow();
    }

    private List<SegmentMembership> published(String tenant) {
        List<SegmentMembership> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(SEGMENTS, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = consumer.endOffsets(partitions).get(partitions.get(0));
            while (consumer.position(partitions.get(0)) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (tenant.equals(record.key())) {
                        out.add(SegmentMembership.decode(record.value()));
                    }
                }
            }
        }
        return out;
    }

    private Connection connection() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long count(String query) {
        try (Connection c = connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> strings(String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private List<Instant> instants(String query) throws SQLException {
        List<Instant> out = new ArrayList<>();
        try (Connection c = connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getTimestamp(1).toInstant());
            }
        }
        return out;
    }
}
