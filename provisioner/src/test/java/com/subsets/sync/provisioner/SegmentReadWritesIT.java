package com.subsets.sync.provisioner;

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
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a segment read writes, counted by PostgreSQL itself (its own database, one tenant, so every row counted is this
 * read's): a read of an unchanged segment writes no member row and publishes nothing; a read with one entry and one exit
 * writes exactly those.
 */
@ExtendWith(RealServices.class)
class SegmentReadWritesIT {

    private static final String TOPIC = "segment-writes-it.memberships";
    private static final List<String> MEMBER_TABLES = List.of("segment_member", "segment_read_member", "segment_read_exit");

    private static Vertx vertx;
    private static BlueConicSimulator blueConic;
    private static ProvisionerService provisioner;
    private static KafkaService kafka;
    private static PostgresEndpoint db;

    @BeforeAll
    static void start(PostgresService postgres, KafkaService broker) throws Exception {
        kafka = broker;
        vertx = Vertx.vertx();
        blueConic = new BlueConicSimulator(vertx);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        db = postgres.createDatabase("segment_writes_it");
        kafka.createTopics(1, "segment-writes-it.reports");
        kafka.createTopics(3, TOPIC);
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, "segment-writes-it.reports");
        env.put("PROVISIONER_SEGMENTS_TOPIC", TOPIC);
        env.put("PROVISIONER_SEGMENTS_PAGE_SIZE", "1000");
        env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", "3600000");
        provisioner = ProvisionerTestKit.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    @Test
    void anUnchangedReadWritesNoMemberRowAndAChangedOneWritesOnlyItsChanges() throws Exception {
        BlueConicTenant tenant = blueConic.addTenant("writes", "client-writes", "secret-writes");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3_500; i++) {
            ids.add(tenant.addProfile(Map.of("email", List.of("w" + i + "@example.com"))));
        }
        tenant.segments().define("seg-w", "Writes").members("seg-w", ids);
        JsonObject body = new JsonObject().put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-writes")
                .put("clientSecret", "secret-writes").put("backfill", false).put("followSegments", new JsonArray().add("seg-w"));
        assertThat(operator(provisioner.port(), "PUT", "/v1/tenants/writes/destinations/blueconic", body.encode()).status()).isEqualTo(201);
        await("READY", Duration.ofSeconds(30), () -> status(provisioner.port(), "writes", "blueconic").equals("READY"));

        read();
        assertThat(published()).hasSize(3_500).allMatch(c -> c.change() == SegmentMembership.Change.ENTERED);
        Map<String, Long> afterFirst = rowsWritten();
        assertThat(afterFirst.get("segment_member")).as("the first read inserts every member").isEqualTo(3_500);
        Map<String, String> versions = memberRowVersions();

        read();
        Map<String, Long> afterSecond = rowsWritten();
        System.out.printf("segment read of 3,500 unchanged members, rows written: %s (first read: %s)%n",
                delta(afterFirst, afterSecond), afterFirst);
        assertThat(delta(afterFirst, afterSecond)).as("rows an unchanged read wrote, per table")
                .containsExactlyInAnyOrderEntriesOf(Map.of("segment_member", 0L, "segment_read_member", 0L, "segment_read_exit", 0L));
        assertThat(memberRowVersions()).as("no member row rewritten").isEqualTo(versions);
        assertThat(published()).as("nothing published").hasSize(3_500);

        // One exits, one enters: exactly those are written (each staged once, then applied; the staging removed).
        ids.remove(0);
        ids.add(tenant.addProfile(Map.of("email", List.of("w3500@example.com"))));
        tenant.segments().members("seg-w", ids);
        read();
        Map<String, Long> afterThird = rowsWritten();
        assertThat(delta(afterSecond, afterThird)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "segment_member", 2L, "segment_read_member", 2L, "segment_read_exit", 2L));
        List<SegmentMembership> changes = published().subList(3_500, published().size());
        assertThat(changes).extracting(SegmentMembership::change, SegmentMembership::identifier).containsExactly(
                org.assertj.core.groups.Tuple.tuple(SegmentMembership.Change.ENTERED, "w3500@example.com"),
                org.assertj.core.groups.Tuple.tuple(SegmentMembership.Change.EXITED, "w0@example.com"));
        assertThat(changes).extracting(SegmentMembership::changeId).doesNotHaveDuplicates().doesNotContainNull();
        JsonObject segment = (JsonObject) operator(provisioner.port(), "GET", "/v1/tenants/writes/destinations/blueconic", null).json()
                .getJsonArray("segments").getValue(0);
        assertThat(segment.getLong("members")).isEqualTo(3_500);
    }

    private static void read() throws Exception {
        provisioner.segmentStore().readSoon("writes").await(10, TimeUnit.SECONDS);
        provisioner.readSegments().await(60, TimeUnit.SECONDS);
    }

    /**
     * Rows inserted, updated and deleted in each member table since the database was made, once PostgreSQL's statistics
     * hold every finished transaction. A backend flushes its counts when it goes idle, but at most once a second: one that
     * flushed less than a second before (the read's previous transaction) flushes 10 s later (PostgreSQL 15+,
     * PGSTAT_MIN_INTERVAL and PGSTAT_IDLE_INTERVAL). So wait those 10 s, then read until two samples a second apart agree.
     */
    private static Map<String, Long> rowsWritten() throws Exception {
        Thread.sleep(10_500);
        Map<String, Long> previous = null;
        for (int i = 0; i < 20; i++) {
            Map<String, Long> now = new HashMap<>();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS written FROM pg_stat_user_tables "
                         + "WHERE relname IN ('segment_member', 'segment_read_member', 'segment_read_exit')")) {
                while (rows.next()) {
                    now.put(rows.getString("relname"), rows.getLong("written"));
                }
            }
            if (now.equals(previous) && now.keySet().containsAll(MEMBER_TABLES)) {
                return now;
            }
            previous = now;
            Thread.sleep(1_200);
        }
        throw new AssertionError("PostgreSQL's statistics kept moving: " + previous);
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new HashMap<>();
        MEMBER_TABLES.forEach(t -> out.put(t, after.get(t) - before.get(t)));
        return out;
    }

    /** Each member row's version (xmin, ctid): any rewrite of a row, even to the same value, changes it. */
    private static Map<String, String> memberRowVersions() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT subscriber, xmin::text || ctid::text AS version FROM segment_member")) {
            while (rows.next()) {
                out.put(rows.getString("subscriber"), rows.getString("version"));
            }
        }
        return out;
    }

    /** The membership changes published, in order. */
    private static List<SegmentMembership> published() {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        List<SegmentMembership> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList();
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
