package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.BLUECONIC_DISPATCHER_TOKEN;
import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Segment reads within the provisioner's limits, on a real PostgreSQL and broker and the BlueConic simulator: many
 * tenants due at once never starve the database pool (reads and provisioning runs share one limit below the pool
 * size, and a read's queries run on its lock's connection), and a read whose changes cannot be published (the topic
 * is missing) is a failed read with its reason in the view, tried again on schedule.
 */
@ExtendWith(RealServices.class)
class SegmentReadLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private PostgresService postgres;
    private KafkaService kafka;
    private Vertx vertx;
    private BlueConicSimulator blueConic;
    private ProvisionerService provisioner;
    private final Map<String, BlueConicTenant> tenants = new HashMap<>();

    @BeforeEach
    void start(PostgresService postgres, KafkaService kafka) throws Exception {
        this.postgres = postgres;
        this.kafka = kafka;
        vertx = Vertx.vertx();
        blueConic = new BlueConicSimulator(vertx);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    private ProvisionerService provisioner(String name, String topic, Map<String, String> extra) throws Exception {
        PostgresEndpoint db = postgres.createDatabase(name);
        kafka.createTopics(1, name + ".reports");
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, name + ".reports");
        env.put("PROVISIONER_SEGMENTS_TOPIC", topic);
        env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", "3600000");
        env.putAll(extra);
        provisioner = ProvisionerTestKit.start(env);
        return provisioner;
    }

    private void followOne(String tenant, int members) throws Exception {
        BlueConicTenant t = blueConic.addTenant(tenant, "client-" + tenant, "secret-" + tenant);
        this.tenants.put(tenant, t);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add(t.addProfile(Map.of("email", List.of(tenant + i + "@example.com"))));
        }
        t.segments().define("seg-" + tenant, "Segment of " + tenant).members("seg-" + tenant, ids);
        JsonObject body = new JsonObject().put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-" + tenant)
                .put("clientSecret", "secret-" + tenant).put("backfill", false)
                .put("followSegments", new JsonArray().add("seg-" + tenant));
        assertThat(operator(provisioner.port(), "PUT", "/v1/tenants/" + tenant + "/destinations/blueconic", body.encode()).status())
                .isEqualTo(201);
        await(tenant + " READY", WAIT, () -> status(provisioner.port(), tenant, "blueconic").equals("READY"));
    }

    /** The tenant's one followed segment in the view; before its first read, nothing (members -1). */
    private static JsonObject segmentView(ProvisionerService provisioner, String tenant) {
        JsonArray segments = operator(provisioner.port(), "GET", "/v1/tenants/" + tenant + "/destinations/blueconic", null).json()
                .getJsonArray("segments");
        return segments.isEmpty() ? new JsonObject().put("members", -1) : segments.getJsonObject(0);
    }

    @Test
    void eightTenantsDueAtOnceNeverStarveThePool() throws Exception {
        String topic = "limits-it.pool";
        kafka.createTopics(1, topic);
        provisioner("limits_pool", topic, Map.of("PROVISIONER_DB_POOL_SIZE", "3"));
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tenants.add("busy" + i);
            followOne("busy" + i, 3);
        }
        for (String tenant : tenants) {
            // Slow answers: every read is under way at once, each holding its lock.
            this.tenants.get(tenant).faults().latency(800);
            provisioner.segmentStore().readSoon(tenant).await(10, TimeUnit.SECONDS);
        }
        Future<Void> reads = provisioner.readSegments();
        // While they run, the API and the dispatch directory answer (the pool's wait for a connection would be 30 s).
        assertThat(promptly("/v1/dispatch/blueconic/destinations", BLUECONIC_DISPATCHER_TOKEN)).isEqualTo(200);
        assertThat(promptly("/v1/tenants/busy0/destinations/blueconic", ProvisionerTestKit.OPERATOR_TOKEN)).isEqualTo(200);
        assertThat(reads.isComplete()).as("the reads were under way meanwhile").isFalse();
        reads.await(120, TimeUnit.SECONDS);
        // Tenants left for lack of a slot stay due: the next passes read them.
        await("every tenant read", Duration.ofSeconds(60), () -> {
            provisioner.readSegments().await();
            return tenants.stream().allMatch(t -> segmentView(provisioner, t).getLong("members") == 3);
        });
        for (String tenant : tenants) {
            assertThat(segmentView(provisioner, tenant).getString("lastError")).as(tenant).isNull();
        }
        assertThat(published(topic)).hasSize(24);
    }

    @Test
    void aReadWhoseChangesCannotBePublishedFailsWithItsReasonAndIsTriedAgainOnSchedule() throws Exception {
        String topic = "limits-it.not-created-yet";
        provisioner("limits_publish", topic, Map.of("PROVISIONER_SEGMENTS_RETRY_MS", "1000"));
        followOne("nowhere", 3);
        provisioner.segmentStore().readSoon("nowhere").await(10, TimeUnit.SECONDS);
        await("the failed read in the view", Duration.ofSeconds(60), () -> segmentView(provisioner, "nowhere").getString("lastError") != null);
        JsonObject failed = segmentView(provisioner, "nowhere");
        assertThat(failed.getString("lastError")).contains("publish_failed").contains(topic);
        assertThat(failed.getLong("members")).isZero();

        kafka.createTopics(1, topic);
        // Nobody asks: the reader's own schedule tries again.
        await("read again on schedule", Duration.ofSeconds(60), () -> segmentView(provisioner, "nowhere").getLong("members") == 3);
        assertThat(segmentView(provisioner, "nowhere").getString("lastError")).isNull();
        assertThat(published(topic)).hasSize(3).allMatch(c -> c.change() == SegmentMembership.Change.ENTERED);
    }

    /** The status of a GET answered within 10 s (a starved pool answers after its 30 s connection timeout, or never). */
    private int promptly(String path, String token) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + provisioner.port() + path))
                        .timeout(Duration.ofSeconds(10)).header("authorization", "Bearer " + token).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private List<SegmentMembership> published(String topic) {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        List<SegmentMembership> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(SegmentMembership.decode(record.value()));
                }
            }
        }
        return out;
    }
}
