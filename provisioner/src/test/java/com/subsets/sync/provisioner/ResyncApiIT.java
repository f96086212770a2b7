package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.call;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provisioner's side of resyncs, replays and parkings against a real PostgreSQL and broker: a first READY
 * asks for a backfill (unless opted out), one resync at a time, progress and ETA from the dispatcher's reports,
 * a parked destination DEGRADED with its reason until its recovery queues the resync of its changes, a replay
 * that finds a tenant's subscribers on the dead-letter topic, and a backfill for each READY revision that moves
 * the destination to another target (none for new credentials or other settings).
 */
@ExtendWith(RealServices.class)
class ResyncApiIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DLQ = "resync-api-it.dlq.iterable";
    /** PROVISIONER_REPLAY_MAX_SUBSCRIBERS here: a replay of more is a full resync. */
    private static final int REPLAY_CAP = 5;

    private static Vertx vertx;
    private static IterableSimulator iterable;
    private static BlueConicSimulator blueConic;
    private static BlueConicSimulator otherBlueConic;
    private static ProvisionerService provisioner;
    private static KafkaService kafka;
    private static int port;

    @BeforeAll
    static void start(PostgresService postgres, KafkaService broker) throws Exception {
        kafka = broker;
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic = new BlueConicSimulator(vertx);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        otherBlueConic = new BlueConicSimulator(vertx);
        otherBlueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        PostgresEndpoint db = postgres.createDatabase("resync_api_it");
        kafka.createTopics(1, "resync-api-it.reports");
        kafka.createTopics(2, DLQ);
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, iterable.port(), "resync-api-it.reports");
        env.put("PROVISIONER_ITERABLE_DEAD_LETTER_TOPIC", DLQ);
        env.put("PROVISIONER_REPLAY_MAX_SUBSCRIBERS", String.valueOf(REPLAY_CAP));
        provisioner = ProvisionerTestKit.start(env);
        port = provisioner.port();
    }

    @AfterAll
    static void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    private static void register(String tenant, boolean backfill) throws InterruptedException {
        iterable.addProject("p-" + tenant, "key-" + tenant + "-0001", IterableProject.Identity.USER_ID);
        JsonObject body = new JsonObject().put("apiKey", "key-" + tenant + "-0001").put("projectId", "p-" + tenant);
        if (!backfill) {
            body.put("backfill", false);
        }
        var created = operator(port, "PUT", "/v1/tenants/" + tenant + "/destinations/iterable", body.encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await(tenant + " READY", WAIT, () -> status(port, tenant, "iterable").equals("READY"));
    }

    private static JsonObject statusOf(String tenant) {
        return statusOf(tenant, "iterable");
    }

    private static JsonObject statusOf(String tenant, String kind) {
        return operator(port, "GET", "/v1/tenants/" + tenant + "/destinations/" + kind + "/status", null).json();
    }

    private static String tokenOf(String kind) {
        return kind.equals("iterable") ? ProvisionerTestKit.DISPATCHER_TOKEN : ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN;
    }

    private static JsonObject dispatch() {
        return dispatch("iterable");
    }

    private static JsonObject dispatch(String kind) {
        var reply = call(port, "GET", "/v1/dispatch/" + kind + "/destinations", tokenOf(kind), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static JsonObject jobOf(String tenant) {
        return jobOf(tenant, "iterable");
    }

    private static JsonObject jobOf(String tenant, String kind) {
        return dispatch(kind).getJsonArray("resyncs").stream().map(JsonObject.class::cast)
                .filter(j -> j.getString("tenantId").equals(tenant)).findFirst().orElse(null);
    }

    private static ProvisionerTestKit.Reply progress(long id, String body) {
        return call(port, "POST", "/v1/dispatch/iterable/resyncs/" + id, ProvisionerTestKit.DISPATCHER_TOKEN, body);
    }

    /** The resync the destination's status shows (the one to run, else the last), run to its end as a dispatcher would. */
    private static JsonObject runResync(String tenant, String kind) {
        JsonObject resync = statusOf(tenant, kind).getJsonObject("resync");
        assertThat(call(port, "POST", "/v1/dispatch/" + kind + "/resyncs/" + resync.getLong("id"), tokenOf(kind),
                "{\"position\":10,\"endOffset\":10,\"total\":5,\"sent\":5,\"done\":true}").status()).isEqualTo(204);
        assertThat(jobOf(tenant, kind)).as("nothing else to run").isNull();
        return resync;
    }

    /** A new revision of the registration, READY. */
    private static void revise(String tenant, String kind, JsonObject body) throws InterruptedException {
        String path = "/v1/tenants/" + tenant + "/destinations/" + kind;
        long revision = operator(port, "GET", path, null).json().getLong("revision");
        var changed = operator(port, "PUT", path, body.encode());
        assertThat(changed.status()).as(changed.body()).isEqualTo(202);
        await(tenant + " revision " + (revision + 1) + " READY", WAIT, () -> {
            JsonObject view = operator(port, "GET", path, null).json();
            return view.getLong("revision") == revision + 1 && view.getString("status").equals("READY");
        });
    }

    @Test
    void aReadyRevisionAtAnotherIterableTargetIsBackfilledUnlessOptedOutAndNewCredentialsAreNot() throws Exception {
        register("moving", true);
        JsonObject ready = runResync("moving", "iterable");
        assertThat(ready.getString("reason")).isEqualTo("ready");

        JsonObject byEmail = new JsonObject().put("apiKey", "key-moving-0001").put("projectId", "p-moving").put("identifier", "email");
        revise("moving", "iterable", byEmail);
        JsonObject moved = statusOf("moving").getJsonObject("resync");
        assertThat(moved.getString("reason")).isEqualTo("target");
        assertThat(moved.getString("status")).isEqualTo("PENDING");
        assertThat(moved.getString("detail")).contains("identifier: userId -> email");
        JsonObject job = jobOf("moving");
        assertThat(job.getLong("id")).isEqualTo(moved.getLong("id")).isNotEqualTo(ready.getLong("id"));
        assertThat(job.getLong("fromOffset")).isZero();
        assertThat(job.getValue("subscriberCount")).as("every subscriber").isNull();
        // The same revision READY again (a run now; the simulator's getFields limit may fail it first, then the sweep's
        // retry): still one backfill.
        assertThat(operator(port, "POST", "/v1/tenants/moving/destinations/iterable/provision", null).json().getLong("revision"))
                .isEqualTo(2);
        await("moving READY again", WAIT, () -> status(port, "moving", "iterable").equals("READY"));
        runResync("moving", "iterable");

        iterable.addProject("p-moving-rotated", "key-moving-0002", IterableProject.Identity.EMAIL);
        revise("moving", "iterable", byEmail.copy().put("apiKey", "key-moving-0002").put("preferUserId", true));
        JsonObject last = statusOf("moving").getJsonObject("resync");
        assertThat(last.getLong("id")).as("a rotated key and preferUserId: the same project").isEqualTo(moved.getLong("id"));
        assertThat(last.getString("status")).isEqualTo("DONE");
        assertThat(jobOf("moving")).isNull();

        revise("moving", "iterable", byEmail.copy().put("apiKey", "key-moving-0002").put("region", "eu").put("backfill", false));
        assertThat(statusOf("moving").getJsonObject("resync").getLong("id")).as("opted out").isEqualTo(moved.getLong("id"));
        assertThat(jobOf("moving")).isNull();
    }

    @Test
    void aChangeOfWriteModesIsBackfilledAndAModeTheExistingFieldCannotHoldFailsNamingIt() throws Exception {
        register("modal", true);
        assertThat(runResync("modal", "iterable").getString("reason")).isEqualTo("ready");
        JsonObject body = new JsonObject().put("apiKey", "key-modal-0001").put("projectId", "p-modal");

        revise("modal", "iterable", body.copy().put("fields", new JsonObject()
                .put("subsetsExperimentName", new JsonObject().put("mode", "set"))));
        JsonObject remodelled = runResync("modal", "iterable");
        assertThat(remodelled.getString("reason")).isEqualTo("target");
        assertThat(remodelled.getString("detail")).contains("fields: all set_or_clear -> subsetsExperimentName=set");

        // subsetsExperimentId exists as a string (created by the first run): Iterable never changes a field's type.
        var changed = operator(port, "PUT", "/v1/tenants/modal/destinations/iterable", body.copy().put("fields", new JsonObject()
                .put("subsetsExperimentId", new JsonObject().put("mode", "add"))).encode());
        assertThat(changed.status()).as(changed.body()).isEqualTo(202);
        await("modal FAILED", WAIT, () -> status(port, "modal", "iterable").equals("FAILED"));
        assertThat(operator(port, "GET", "/v1/tenants/modal/destinations/iterable", null).json().getString("statusReason"))
                .contains("subsetsExperimentId exists as string but its mode add needs array");
        assertThat(jobOf("modal")).as("no backfill of a revision that never became READY").isNull();
    }

    @Test
    void aFirstReadyOptedOutStaysTheFirstWhenBackfillIsTurnedOnLater() throws Exception {
        register("late", false);
        JsonObject body = new JsonObject().put("apiKey", "key-late-0001").put("projectId", "p-late");
        var on = operator(port, "PUT", "/v1/tenants/late/destinations/iterable", body.encode());
        assertThat(on.status()).as("backfill alone provisions nothing again").isEqualTo(200);
        assertThat(on.json().getBoolean("backfill")).isTrue();

        iterable.addProject("p-late-rotated", "key-late-0002", IterableProject.Identity.USER_ID);
        revise("late", "iterable", body.put("apiKey", "key-late-0002"));
        assertThat(statusOf("late").getValue("resync")).as("a rotated key is no first READY").isNull();

        revise("late", "iterable", body.put("identifier", "email"));
        assertThat(statusOf("late").getJsonObject("resync").getString("reason")).isEqualTo("target");
    }

    @Test
    void aBlueConicDestinationMovedToAnotherMatchingPropertyOrInstanceIsBackfilled() throws Exception {
        blueConic.addTenant("moving", "client-moving-1", "secret-moving-1");
        otherBlueConic.addTenant("moving", "client-moving-2", "secret-moving-2");
        String instance = "http://127.0.0.1:" + blueConic.port();
        JsonObject body = new JsonObject().put("instanceUrl", instance).put("clientId", "client-moving-1")
                .put("clientSecret", "secret-moving-1").put("objectiveIds", new JsonArray().add("marketing"));
        var created = operator(port, "PUT", "/v1/tenants/bc-moving/destinations/blueconic", body.encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await("bc-moving READY", WAIT, () -> status(port, "bc-moving", "blueconic").equals("READY"));
        assertThat(runResync("bc-moving", "blueconic").getString("reason")).isEqualTo("ready");

        revise("bc-moving", "blueconic", body.put("matchingProperty", "customer_id"));
        JsonObject matched = runResync("bc-moving", "blueconic");
        assertThat(matched.getString("reason")).isEqualTo("target");
        assertThat(matched.getString("detail")).contains("matchingProperty: email -> customer_id");

        blueConic.addApplication("moving", "client-moving-2", "secret-moving-2");
        revise("bc-moving", "blueconic", body.put("clientId", "client-moving-2").put("clientSecret", "secret-moving-2")
                .put("strategy", "UPSERT").put("objectiveIds", new JsonArray()));
        assertThat(statusOf("bc-moving", "blueconic").getJsonObject("resync").getLong("id"))
                .as("another application, strategy and objectives: the same instance").isEqualTo(matched.getLong("id"));
        assertThat(jobOf("bc-moving", "blueconic")).isNull();

        revise("bc-moving", "blueconic", body.put("instanceUrl", "http://127.0.0.1:" + otherBlueConic.port()));
        JsonObject moved = statusOf("bc-moving", "blueconic").getJsonObject("resync");
        assertThat(moved.getString("reason")).isEqualTo("target");
        assertThat(moved.getString("detail")).contains("instanceUrl: " + instance + " -> http://127.0.0.1:" + otherBlueConic.port());
        assertThat(jobOf("bc-moving", "blueconic").getLong("id")).isEqualTo(moved.getLong("id"));
    }

    @Test
    void aFirstReadyAsksForABackfillThatRunsAloneAndReportsItsProgress() throws Exception {
        register("fresh", true);
        JsonObject resync = statusOf("fresh").getJsonObject("resync");
        assertThat(resync.getString("reason")).isEqualTo("ready");
        assertThat(resync.getString("status")).isEqualTo("PENDING");
        JsonObject job = jobOf("fresh");
        assertThat(job.getLong("fromOffset")).isZero();
        assertThat(job.getValue("subscriberCount")).isNull();
        assertThat(job.getValue("position")).isNull();

        var busy = operator(port, "POST", "/v1/tenants/fresh/destinations/iterable/resync", null);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().getString("code")).isEqualTo("resync_in_progress");

        long id = job.getLong("id");
        assertThat(statusOf("fresh").getJsonObject("resync").getValue("queuePosition")).isNull();
        assertThat(progress(id, "{\"queued\":3}").status()).as("waiting on its replica").isEqualTo(204);
        JsonObject waiting = statusOf("fresh").getJsonObject("resync");
        assertThat(waiting.getInteger("queuePosition")).isEqualTo(3);
        assertThat(waiting.getString("status")).isEqualTo("PENDING");
        var badPlace = progress(id, "{\"queued\":0}");
        assertThat(badPlace.status()).isEqualTo(400);
        assertThat(badPlace.json().getString("code")).isEqualTo("invalid_progress");
        assertThat(progress(id + 1000, "{\"queued\":1}").status()).isEqualTo(404);

        assertThat(progress(id, "{\"position\":40,\"endOffset\":400,\"total\":200,\"sent\":20,\"done\":false}").status()).isEqualTo(204);
        JsonObject running = statusOf("fresh").getJsonObject("resync");
        assertThat(running.getValue("queuePosition")).as("it runs: no place in a queue").isNull();
        assertThat(running.getString("status")).isEqualTo("RUNNING");
        assertThat(running.getLong("sent")).isEqualTo(20);
        assertThat(running.getLong("total")).isEqualTo(200);
        assertThat(running.getString("startedAt")).isNotNull();
        assertThat(Instant.parse(running.getString("eta"))).isAfter(Instant.parse(running.getString("startedAt")));
        assertThat(jobOf("fresh").getLong("position")).as("where a new owner resumes").isEqualTo(40);

        var invalid = progress(id, "{\"position\":-1,\"endOffset\":400,\"total\":200,\"sent\":20,\"done\":false}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("position");
        assertThat(progress(id + 1000, "{\"position\":1,\"endOffset\":400,\"total\":200,\"sent\":20,\"done\":false}").status())
                .isEqualTo(404);
        assertThat(call(port, "POST", "/v1/dispatch/iterable/resyncs/" + id, ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN,
                "{}").status()).as("another kind's token").isEqualTo(401);

        assertThat(progress(id, "{\"position\":400,\"endOffset\":400,\"total\":200,\"sent\":200,\"lastError\":\"x\",\"done\":true}")
                .status()).isEqualTo(204);
        JsonObject done = statusOf("fresh").getJsonObject("resync");
        assertThat(done.getString("status")).isEqualTo("DONE");
        assertThat(done.getString("lastError")).isEqualTo("x");
        assertThat(jobOf("fresh")).isNull();

        var requested = operator(port, "POST", "/v1/tenants/fresh/destinations/iterable/resync", null);
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        assertThat(requested.json().getJsonObject("resync").getString("reason")).isEqualTo("requested");
        assertThat(jobOf("fresh").getLong("id")).isEqualTo(requested.json().getJsonObject("resync").getLong("id"));
    }

    @Test
    void aDestinationThatOptedOutGetsNoBackfill() throws Exception {
        register("quiet", false);
        assertThat(statusOf("quiet").getValue("resync")).isNull();
        assertThat(operator(port, "GET", "/v1/tenants/quiet/destinations/iterable", null).json().getBoolean("backfill")).isFalse();
        assertThat(jobOf("quiet")).isNull();
    }

    @Test
    void aParkedDestinationIsDegradedUntilItRecoversAndThenItsChangesAreResynced() throws Exception {
        register("parked", false);
        String parking = new JsonObject().put("partition", 1).put("fromOffset", 4711)
                .put("reason", "destination_error_503: down").put("parkedAt", "2026-12-03T08:00:00Z").encode();
        var bad = call(port, "PUT", "/v1/dispatch/iterable/parkings/parked", ProvisionerTestKit.DISPATCHER_TOKEN, "{\"partition\":1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("code")).isEqualTo("invalid_parking");
        assertThat(call(port, "PUT", "/v1/dispatch/iterable/parkings/nobody", ProvisionerTestKit.DISPATCHER_TOKEN, parking).status())
                .isEqualTo(404);

        assertThat(call(port, "PUT", "/v1/dispatch/iterable/parkings/parked", ProvisionerTestKit.DISPATCHER_TOKEN, parking).status())
                .isEqualTo(204);
        JsonObject degraded = statusOf("parked");
        assertThat(degraded.getString("status")).isEqualTo("DEGRADED");
        assertThat(degraded.getJsonObject("degraded").getString("reason")).isEqualTo("destination_error_503: down");
        assertThat(degraded.getJsonObject("degraded").getString("since")).isEqualTo("2026-12-03T08:00:00Z");
        assertThat(dispatch().getJsonObject("parked").getJsonObject("parked").getLong("fromOffset")).isEqualTo(4711);

        for (int i = 0; i < 2; i++) {
            assertThat(call(port, "DELETE", "/v1/dispatch/iterable/parkings/parked", ProvisionerTestKit.DISPATCHER_TOKEN, null)
                    .status()).as("recovery is idempotent").isEqualTo(204);
        }
        assertThat(statusOf("parked").getString("status")).isEqualTo("READY");
        assertThat(dispatch().getJsonObject("parked").containsKey("parked")).isFalse();
        JsonObject job = jobOf("parked");
        assertThat(job.getLong("fromOffset")).isEqualTo(4711);
        assertThat(statusOf("parked").getJsonObject("resync").getString("reason")).isEqualTo("recovered");
        assertThat(statusOf("parked").getJsonObject("resync").getString("detail")).contains("destination_error_503: down");
    }

    /** Issue 26: the parking's PUT never arrived (the provisioner was away); the recovery alone still queues the resync. */
    @Test
    void aRecoveryOfAParkingNeverRecordedQueuesItsResyncOnceFromTheGivenOffset() throws Exception {
        register("unrecorded", false);
        String path = "/v1/dispatch/iterable/parkings/unrecorded?partition=2&fromOffset=815";
        for (int i = 0; i < 3; i++) {
            assertThat(call(port, "DELETE", path, ProvisionerTestKit.DISPATCHER_TOKEN, null).status())
                    .as("told again until acknowledged: idempotent").isEqualTo(204);
        }
        JsonObject job = jobOf("unrecorded");
        assertThat(job.getLong("fromOffset")).isEqualTo(815);
        assertThat(statusOf("unrecorded").getJsonObject("resync").getString("reason")).isEqualTo("recovered");
        assertThat(dispatch().getJsonArray("resyncs").stream().map(JsonObject.class::cast)
                .filter(j -> j.getString("tenantId").equals("unrecorded")).count()).as("one resync, however often told").isEqualTo(1);

        var bad = call(port, "DELETE", "/v1/dispatch/iterable/parkings/unrecorded?fromOffset=-1", ProvisionerTestKit.DISPATCHER_TOKEN, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("code")).isEqualTo("invalid_fromOffset");
        assertThat(call(port, "DELETE", "/v1/dispatch/iterable/parkings/nobody?fromOffset=1", ProvisionerTestKit.DISPATCHER_TOKEN, null)
                .status()).isEqualTo(404);
    }

    @Test
    void aReplayFindsTheTenantsDeadLetteredSubscribers() throws Exception {
        register("replayed", false);
        Instant before = Instant.now().minusSeconds(1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(DLQ, "x", state("replayed", "u1"))).get();
            producer.send(new ProducerRecord<>(DLQ, "y", state("replayed", "u1"))).get();
            producer.send(new ProducerRecord<>(DLQ, "z", state("replayed", "u2"))).get();
            producer.send(new ProducerRecord<>(DLQ, "w", state("someone-else", "u3"))).get();
            producer.send(new ProducerRecord<>(DLQ, "v", "not a record".getBytes())).get();
        }
        var none = operator(port, "POST", "/v1/tenants/replayed/destinations/iterable/replay?since="
                + Instant.now().plusSeconds(60), null);
        assertThat(none.status()).as(none.body()).isEqualTo(200);
        assertThat(none.json().getInteger("found")).isZero();

        var replay = operator(port, "POST", "/v1/tenants/replayed/destinations/iterable/replay?since=" + before
                + "&reason=credential%20fixed", null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.json().getInteger("found")).isEqualTo(2);
        assertThat(replay.json().getJsonObject("resync").getString("reason")).isEqualTo("replay");
        assertThat(replay.json().getJsonObject("resync").getInteger("subscribers")).isEqualTo(2);
        assertThat(replay.json().getBoolean("fullResync")).isFalse();
        assertThat(replay.json().getInteger("maxSubscribers")).isEqualTo(REPLAY_CAP);
        // The directory says how many, never which: the replica that runs it pages them.
        JsonObject job = jobOf("replayed");
        assertThat(job.fieldNames()).doesNotContain("subscribers");
        assertThat(job.getLong("subscriberCount")).isEqualTo(2);
        String u1 = SubscriberKey.of("replayed", new Subscriber("u1", null)).encode();
        String u2 = SubscriberKey.of("replayed", new Subscriber("u2", null)).encode();
        assertThat(pagedKeys("iterable", job.getLong("id"), 1)).as("a page of one at a time, in key order").containsExactly(u1, u2);
        assertThat(pagedKeys("iterable", job.getLong("id"), 10_000)).containsExactly(u1, u2);

        var tooLong = operator(port, "POST", "/v1/tenants/replayed/destinations/iterable/replay?reason=" + "x".repeat(501), null);
        assertThat(tooLong.status()).isEqualTo(400);
    }

    @Test
    void aReplaysSubscribersArePagedOnlyByItsKindWhileItRunsAndForgottenOnceDone() throws Exception {
        register("paged", false);
        Instant before = Instant.now().minusSeconds(1);
        deadLetter("paged", 4);
        var replay = operator(port, "POST", "/v1/tenants/paged/destinations/iterable/replay?since=" + before, null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        long id = replay.json().getJsonObject("resync").getLong("id");
        String path = "/v1/dispatch/iterable/resyncs/" + id + "/subscribers";

        var first = call(port, "GET", path + "?limit=3", ProvisionerTestKit.DISPATCHER_TOKEN, null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().getLong("resyncId")).isEqualTo(id);
        assertThat(first.json().getString("tenantId")).isEqualTo("paged");
        assertThat(first.json().getLong("subscriberCount")).isEqualTo(4);
        assertThat(first.json().getJsonArray("subscribers")).hasSize(3);
        assertThat(first.json().getString("next")).as("a full page: more may follow").isEqualTo(first.json().getJsonArray("subscribers")
                .getString(2));
        assertThat(pagedKeys("iterable", id, 3)).hasSize(4).doesNotHaveDuplicates().isSorted();

        var badLimit = call(port, "GET", path + "?limit=10001", ProvisionerTestKit.DISPATCHER_TOKEN, null);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.json().getString("code")).isEqualTo("invalid_limit");
        var otherKind = call(port, "GET", "/v1/dispatch/blueconic/resyncs/" + id + "/subscribers",
                ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN, null);
        assertThat(otherKind.status()).as("another kind's dispatchers never read it").isEqualTo(404);
        assertThat(otherKind.json().getString("code")).isEqualTo("unknown_resync");
        assertThat(call(port, "GET", path, ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN, null).status()).isEqualTo(401);
        assertThat(call(port, "GET", "/v1/dispatch/iterable/resyncs/999999/subscribers", ProvisionerTestKit.DISPATCHER_TOKEN, null)
                .status()).isEqualTo(404);

        assertThat(progress(id, "{\"position\":10,\"endOffset\":10,\"total\":4,\"sent\":4,\"done\":true}").status()).isEqualTo(204);
        assertThat(call(port, "GET", path, ProvisionerTestKit.DISPATCHER_TOKEN, null).status()).as("done: nothing to page").isEqualTo(404);
        assertThat(statusOf("paged").getJsonObject("resync").getLong("subscribers")).as("its count stays in the history").isEqualTo(4);
    }

    @Test
    void aReplayAboveTheCapIsAFullResyncOfTheTenantAndSaysSo() throws Exception {
        register("flooded", false);
        Instant before = Instant.now().minusSeconds(1);
        deadLetter("flooded", REPLAY_CAP + 3);

        var replay = operator(port, "POST", "/v1/tenants/flooded/destinations/iterable/replay?since=" + before
                + "&reason=key%20revoked", null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        JsonObject answer = replay.json();
        assertThat(answer.getBoolean("fullResync")).isTrue();
        assertThat(answer.getInteger("maxSubscribers")).isEqualTo(REPLAY_CAP);
        assertThat(answer.getInteger("found")).as("the scan stops one past the cap").isEqualTo(REPLAY_CAP + 1);
        JsonObject resync = answer.getJsonObject("resync");
        assertThat(resync.getString("reason")).isEqualTo("replay");
        assertThat(resync.getString("detail")).startsWith("replay of dead letters since").contains("key revoked")
                .contains("more than " + REPLAY_CAP + " subscribers").contains("a full resync of the tenant instead");
        assertThat(resync.fieldNames()).as("it names none: every subscriber").doesNotContain("subscribers");

        JsonObject job = jobOf("flooded");
        assertThat(job.getValue("subscriberCount")).as("every subscriber of the tenant").isNull();
        assertThat(job.getLong("id")).isEqualTo(resync.getLong("id"));
        var none = call(port, "GET", "/v1/dispatch/iterable/resyncs/" + job.getLong("id") + "/subscribers",
                ProvisionerTestKit.DISPATCHER_TOKEN, null);
        assertThat(none.status()).as("a full resync names no subscriber").isEqualTo(404);
    }

    /** {@code count} distinct subscribers of the tenant on the dead-letter topic, each twice. */
    private static void deadLetter(String tenant, int count) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(DLQ, tenant + i, state(tenant, "u" + i))).get();
                }
            }
        }
    }

    /** Every key of a resync, a page of {@code limit} at a time after the last key of the page before, as a dispatcher reads them. */
    private static java.util.List<String> pagedKeys(String kind, long id, int limit) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        String after = null;
        do {
            String path = "/v1/dispatch/" + kind + "/resyncs/" + id + "/subscribers?limit=" + limit + (after == null ? ""
                    : "&after=" + java.net.URLEncoder.encode(after, java.nio.charset.StandardCharsets.UTF_8));
            var page = call(port, "GET", path, tokenOf(kind), null);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().getJsonArray("subscribers").forEach(k -> keys.add((String) k));
            assertThat(page.json().getJsonArray("subscribers").size()).isLessThanOrEqualTo(limit);
            after = page.json().getString("next");
        } while (after != null);
        return keys;
    }

    private static byte[] state(String tenant, String user) {
        return StateRecordCodec.encode(new StateRecord(tenant, new Subscriber(user, null), Map.of(DestinationField.CHURN_RISK,
                new FieldFact("0.5", Instant.parse("2026-12-01T00:00:00Z"), 3, "e-" + user))));
    }
}
