package com.subsets.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The state service on a real broker, exactly once: one subscriber's twenty scores sent in a shuffled order
 * (some twice) end as the newest score, on the tenant's partition of the compacted state topic; a record
 * that is not an event is dead-lettered; killed mid-run, no change lost or written twice; issue 25's example
 * leaves one live record per subscriber.
 */
@ExtendWith(RealServices.class)
class SubscriberStateIT {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    @Test
    void outOfOrderAndRepeatedEventsEndAtTheNewestFactOnTheTenantsPartition(KafkaService kafka) throws Exception {
        String events = "state-it.events";
        String state = "state-it.state";
        kafka.createTopics(3, events, state, events + ".dlq", StateServiceEnv.erasures(events));
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "state-it", events, state);
        List<AssignmentEvent> scores = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            scores.add(new AssignmentEvent("s-" + i, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(i),
                    new Subscriber("u-1", null), null, null, null, new BigDecimal("0." + (10 + i))));
        }
        List<AssignmentEvent> sent = new ArrayList<>(scores);
        sent.addAll(scores.subList(0, 5));
        Collections.shuffle(sent, new Random(7));
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (AssignmentEvent e : sent) {
                producer.send(new ProducerRecord<>(events, "acme", codec.encode(e)));
            }
            producer.send(new ProducerRecord<>(events, "acme", "{not json".getBytes(StandardCharsets.UTF_8)));
        }

        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        try {
            int tenantPartition = Utils.toPositive(Utils.murmur2("acme".getBytes(StandardCharsets.UTF_8))) % 3;
            List<ConsumerRecord<String, byte[]>> written = new ArrayList<>();
            Await.until("the newest score in the state topic", Duration.ofSeconds(60), () -> {
                written.clear();
                written.addAll(CommittedRecords.of(kafka, state));
                return !written.isEmpty() && "0.29".equals(churnRisk(written.get(written.size() - 1)));
            });
            assertThat(written).as("on the partition the tenant's events are on").allMatch(r -> r.partition() == tenantPartition);
            assertThat(written).extracting(SubscriberStateIT::churnRisk).as("never an older score after a newer one")
                    .isSortedAccordingTo(String::compareTo);
            Await.until("the bad record dead-lettered", Duration.ofSeconds(30), () -> !CommittedRecords.of(kafka, events + ".dlq").isEmpty());
            // Every store's RocksDB reports the one shared cache, of the configured size (Streams' default would be 50 MB each).
            List<Object> capacities = service.streamsMetrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("block-cache-capacity")).map(e -> e.getValue().metricValue()).toList();
            assertThat(capacities).as("block-cache-capacity of each store").isNotEmpty()
                    .allMatch(v -> ((Number) v).longValue() == SubscriberStateConfig.DEFAULT_ROCKSDB_MEMORY_BYTES);
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Killed with SIGKILL mid-run and started again: exactly-once means the committed state topic holds one
     * record per event (each of these events changes its subscriber's score), none lost and none twice, and
     * every subscriber ends at its last score. Events keep arriving while it dies.
     */
    @Test
    void killedMidRunThenRestartedNoChangeIsLostOrWrittenTwice(KafkaService kafka) throws Exception {
        String events = "state-kill.events";
        String state = "state-kill.state";
        kafka.createTopics(3, events, state, events + ".dlq", StateServiceEnv.erasures(events));
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "state-kill", events, state);
        // A killed member keeps its partitions until its session expires (45 s by default): 6 s here.
        env.put("KAFKA_PROPERTY_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS", "1000");
        int subscribers = 500;
        int rounds = 10;
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        EventCodec codec = new EventCodec();
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        java.util.function.IntConsumer sendRound = round -> {
            for (int u = 0; u < subscribers; u++) {
                String tenant = "t-" + (u % 6);
                // A third named by userId, a third by userId and e-mail (linked in round 0, the link confirmed by every
                // later round), a third by e-mail only: each event still changes one subscriber's one record.
                Subscriber who = switch (u % 3) {
                    case 0 -> new Subscriber("u-" + u, null);
                    case 1 -> new Subscriber("u-" + u, "u-" + u + "@example.com");
                    default -> new Subscriber(null, "u-" + u + "@example.com");
                };
                producer.send(new ProducerRecord<>(events, tenant, codec.encode(new AssignmentEvent("k-" + u + "-" + round,
                        EventType.CHURN_RISK_SCORED, tenant, T0.plusSeconds(round), who, null, null,
                        null, new BigDecimal(String.format("0.%02d", round + 1))))));
            }
            producer.flush();
        };
        sendRound.accept(0);

        // Rounds keep arriving while the service is killed, so it dies with work (and a transaction) under way.
        Process killed = com.subsets.sync.infra.ForkedJvm.start(Main.class, env, java.nio.file.Path.of("target/state-kill.log"));
        Thread later = new Thread(() -> {
            for (int round = 1; round < rounds; round++) {
                sendRound.accept(round);
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            Await.until("some states written before the kill", Duration.ofSeconds(60), () -> !CommittedRecords.of(kafka, state).isEmpty());
            later.start();
            Thread.sleep(400);
        } finally {
            killed.destroyForcibly().waitFor();
        }
        later.join();
        producer.close();
        int beforeKill = CommittedRecords.of(kafka, state).size();

        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        try {
            List<ConsumerRecord<String, byte[]>> written = new ArrayList<>();
            Await.until("every subscriber at its last score", Duration.ofSeconds(90), () -> {
                written.clear();
                written.addAll(CommittedRecords.of(kafka, state));
                Map<String, String> last = new HashMap<>();
                written.forEach(r -> last.put(r.key(), churnRisk(r)));
                return last.size() == subscribers && last.values().stream().allMatch("0.10"::equals);
            });
            System.out.printf("subscriber-state crash recovery: %d of %d changes committed before the kill%n", beforeKill,
                    subscribers * rounds);
            assertThat(beforeKill).as("killed mid-run").isLessThan(subscribers * rounds);
            assertThat(written).as("one committed change per event: none lost, none twice").hasSize(subscribers * rounds);
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 25's example on a real broker, after an e-mail-only score: read as compaction keeps it (the latest record
     * per key), the state topic holds exactly one live record, u-1's, cleared with the newest churn and carrying both
     * identifiers, and a tombstone for the e-mail-only subscriber the link superseded, both on the tenant's partition.
     */
    @Test
    void theIssuesExampleLeavesOneLiveRecordAndATombstoneOnTheCompactedTopic(KafkaService kafka) throws Exception {
        String events = "state-links.events";
        String state = "state-links.state";
        kafka.createTopics(3, events, state, events + ".dlq", StateServiceEnv.erasures(events));
        compact(kafka, state);
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "state-links", events, state);
        Subscriber both = new Subscriber("u-1", "ada@example.com");
        List<AssignmentEvent> example = List.of(
                new AssignmentEvent("e-8", EventType.CHURN_RISK_SCORED, "acme", T0.minusSeconds(3600),
                        new Subscriber(null, "ada@example.com"), null, null, null, new BigDecimal("0.2")),
                new AssignmentEvent("e-9", EventType.ASSIGNED, "acme", T0, both, new Experiment("exp-1", "Winback"),
                        Assignment.TREATMENT, T0, new BigDecimal("0.5")),
                new AssignmentEvent("e-10", EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(3600), new Subscriber("u-1", null),
                        null, null, null, new BigDecimal("0.9")),
                new AssignmentEvent("e-11", EventType.UNASSIGNED, "acme", T0.plusSeconds(7200), both, new Experiment("exp-1", null),
                        null, null, null));
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (AssignmentEvent e : example) {
                producer.send(new ProducerRecord<>(events, "acme", codec.encode(e)));
            }
        }

        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        String userKey = "acme\u001Fu-1\u001F";
        String emailKey = "acme\u001F\u001Fada@example.com";
        try {
            List<ConsumerRecord<String, byte[]>> written = new ArrayList<>();
            Map<String, byte[]> latest = new HashMap<>();
            Await.until("u-1 unassigned in the state topic", Duration.ofSeconds(60), () -> {
                written.clear();
                written.addAll(CommittedRecords.of(kafka, state));
                latest.clear();
                written.forEach(r -> latest.put(r.key(), r.value()));
                return latest.get(userKey) != null && "e-11".equals(new JsonObject(new String(latest.get(userKey), StandardCharsets.UTF_8))
                        .getJsonObject("fields").getJsonObject("subsetsExperimentId").getString("eventId"));
            });
            int tenantPartition = Utils.toPositive(Utils.murmur2("acme".getBytes(StandardCharsets.UTF_8))) % 3;
            assertThat(written).as("tombstone included, on the tenant's partition").allMatch(r -> r.partition() == tenantPartition);
            assertThat(latest).containsOnlyKeys(userKey, emailKey);
            assertThat(latest.get(emailKey)).as("the e-mail-only subscriber, superseded by the link: a tombstone").isNull();
            assertThat(latest.values().stream().filter(java.util.Objects::nonNull)).as("one live record").hasSize(1);
            JsonObject u1 = new JsonObject(new String(latest.get(userKey), StandardCharsets.UTF_8));
            assertThat(u1.getJsonObject("subscriber")).isEqualTo(new JsonObject().put("userId", "u-1").put("email", "ada@example.com"));
            assertThat(u1.getJsonObject("fields").getJsonObject("subsetsSubscriberChurnRisk").getString("value")).isEqualTo("0.90");
            assertThat(u1.getJsonObject("fields").getJsonObject("subsetsExperimentId").getString("value")).isNull();
            assertThat(u1.getJsonObject("fields").getJsonObject("subsetsExperimentAssignment").getString("value")).isNull();
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }

    /** The topic compacted, as the state topic is in production. */
    private static void compact(KafkaService kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static String churnRisk(ConsumerRecord<String, byte[]> record) {
        return new JsonObject(new String(record.value(), StandardCharsets.UTF_8)).getJsonObject("fields")
                .getJsonObject("subsetsSubscriberChurnRisk").getString("value");
    }
}
