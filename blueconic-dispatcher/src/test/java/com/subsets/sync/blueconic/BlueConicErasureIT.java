package com.subsets.sync.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.TenantPartition;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.provisioner.DispatchControlSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 29 at BlueConic, on a destination that creates profiles ({@code UPSERT}): an erasure tombstone on the state topic
 * clears the five properties of the subscriber's profile and creates none for a subscriber BlueConic does not know
 * (UPDATE: NOTFOUND); with {@code "erasure": "forget"} the profile is deleted; each outcome is on the trail with its
 * erasure id; a resync started afterwards never writes the subscriber's older state again; and a destination registered
 * after an erasure, whose first backfill reads the subscriber's older state long before the tombstone, never creates
 * their profile (the resync reads the erasures topic first and skips the older state as {@code erased}).
 */
@ExtendWith(RealServices.class)
class BlueConicErasureIT {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final int PARTITIONS = 3;

    @Test
    void anErasureClearsOrDeletesCreatesNothingIsOnTheTrailAndALaterResyncNeverWritesTheOlderState(KafkaService kafka)
            throws Exception {
        String topic = "blueconic-erasure.state";
        String deliveries = topic + ".deliveries";
        String erasures = topic + ".erasures";
        kafka.createTopics(PARTITIONS, topic, topic + ".dlq", topic + ".reports", deliveries, erasures);
        Vertx vertx = Vertx.vertx();
        BlueConicSimulator simulator = new BlueConicSimulator(vertx);
        BlueConicTenant instance = simulator.addTenant("acme", "client-acme", "secret-acme");
        SubsetsProperties.defineOn(instance);
        List<Map<String, List<String>>> writes = new CopyOnWriteArrayList<>();
        instance.onWrite(profile -> writes.add(Map.copyOf(profile)));
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + simulator.port();
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        ErasureWriter erase = new ErasureWriter(topic, erasures);
        try (DispatchControlSimulator control = new DispatchControlSimulator();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            JsonObject upsert = new JsonObject().put("instanceUrl", url).put("clientId", "client-acme")
                    .put("clientSecret", "secret-acme").put("strategy", "UPSERT");
            control.destination("acme", upsert).destination("beta", upsert.copy().put("erasure", "forget"));
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "BLUECONIC_TOPIC", topic, "BLUECONIC_DEAD_LETTER_TOPIC", topic + ".dlq", "BLUECONIC_GROUP_ID", topic,
                    "BLUECONIC_REPORTS_TOPIC", topic + ".reports", "BLUECONIC_HTTP_HOST", "127.0.0.1", "BLUECONIC_HTTP_PORT", "0",
                    "BLUECONIC_LINGER_MS", "20", "BLUECONIC_INSECURE_HOSTS", "127.0.0.1", "BLUECONIC_INPUT", "state"));
            env.putAll(Map.of("BLUECONIC_PROVISIONER_URL", control.url(), "BLUECONIC_PROVISIONER_TOKEN", DispatchControlSimulator.TOKEN,
                    "BLUECONIC_PROVISIONER_ALLOW_PLAINTEXT", "true", "BLUECONIC_DIRECTORY_REFRESH_MS", "200",
                    "BLUECONIC_DELIVERIES_TOPIC", deliveries, "BLUECONIC_ERASURES_TOPIC", erasures,
                    // Small bounds: a resync reads at most 50 records ahead of what is resolved (see below).
                    "BLUECONIC_MAX_BUFFERED_RECORDS", "100"));
            DispatcherService<BlueConicDestination> dispatcher = BlueConicDispatcher.start(
                    BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
            try {
                int acme = TenantPartition.of("acme", PARTITIONS);
                Subscriber ada = new Subscriber("u-1", "ada@example.com");
                Subscriber bea = new Subscriber("u-2", "bea@example.com");
                // ada's state, then 100 other subscribers' (more than a resync reads ahead), then ada's erasure.
                send(producer, topic, acme, SubscriberKey.of("acme", ada).encode(), state("acme", ada, "exp-1", 0));
                for (int i = 0; i < 100; i++) {
                    Subscriber other = new Subscriber(null, "f" + i + "@example.com");
                    send(producer, topic, acme, SubscriberKey.of("acme", other).encode(), state("acme", other, "exp-f", i + 1));
                }
                send(producer, topic, TenantPartition.of("beta", PARTITIONS), SubscriberKey.of("beta", bea).encode(),
                        state("beta", bea, "exp-b", 0));
                Await.until("every profile created (UPSERT)", Duration.ofSeconds(30), () -> instance.profileCount() == 102);
                assertThat(instance.profileBy("email", "ada@example.com")).containsEntry("subsets_experiment_id", List.of("exp-1"));

                Erasure adaErased = new Erasure("er-ada", "acme", T0.plusSeconds(500), ada);
                erase.write(producer, acme, SubscriberKey.ofUserId("acme", "u-1").encode(), adaErased);
                erase.write(producer, acme, SubscriberKey.ofEmail("acme", "ada@example.com").encode(), adaErased);
                erase.write(producer, acme, SubscriberKey.ofEmail("acme", "nobody@example.com").encode(),
                        new Erasure("er-stranger", "acme", T0.plusSeconds(501), new Subscriber(null, "nobody@example.com")));
                erase.write(producer, acme, SubscriberKey.ofUserId("acme", "u-7").encode(),
                        new Erasure("er-no-email", "acme", T0.plusSeconds(502), new Subscriber("u-7", null)));
                erase.write(producer, TenantPartition.of("beta", PARTITIONS), SubscriberKey.ofUserId("beta", "u-2").encode(),
                        new Erasure("er-bea", "beta", T0.plusSeconds(503), bea));

                Await.until("ada's five properties cleared, bea's profile deleted", Duration.ofSeconds(30),
                        () -> !instance.profileBy("email", "ada@example.com").containsKey("subsets_experiment_id")
                                && instance.profileBy("email", "bea@example.com") == null);
                assertThat(instance.profileBy("email", "ada@example.com")).as("the profile stays, without Subsets' properties")
                        .containsOnlyKeys("email");
                assertThat(instance.profileBy("email", "nobody@example.com")).as("UPDATE, never created").isNull();
                assertThat(instance.profileCount()).isEqualTo(101);

                Map<String, SubscriberDeliveries.Row> trail = new HashMap<>();
                Await.until("the four erasures on the trail", Duration.ofSeconds(30), () -> {
                    records(kafka, deliveries).forEach(r -> SubscriberDeliveries.decode(r.value()).rows().stream()
                            .filter(row -> row.erasureId() != null).forEach(row -> trail.put(row.erasureId(), row)));
                    return trail.size() == 4;
                });
                assertThat(trail.get("er-ada").outcome()).isEqualTo(SubscriberDeliveries.Outcome.ACCEPTED);
                assertThat(trail.get("er-ada").reason()).isEqualTo("cleared");
                assertThat(trail.get("er-ada").values().values()).hasSize(5).containsOnlyNulls();
                assertThat(trail.get("er-bea").outcome()).isEqualTo(SubscriberDeliveries.Outcome.ACCEPTED);
                assertThat(trail.get("er-bea").reason()).isEqualTo("deleted");
                assertThat(trail.get("er-stranger").outcome()).isEqualTo(SubscriberDeliveries.Outcome.SKIPPED);
                assertThat(trail.get("er-stranger").reason()).isEqualTo("not_found");
                assertThat(trail.get("er-no-email").outcome()).isEqualTo(SubscriberDeliveries.Outcome.SKIPPED);
                assertThat(trail.get("er-no-email").reason()).isEqualTo("no_identifier");

                // A backfill of acme from the start of its partition, after the erasure went out: the state topic still holds
                // ada's older state. With at most 50 records read ahead of what is resolved, it meets the lane's gate alone.
                int writesBefore = writes.size();
                int callsBefore = instance.calls().size();
                control.resync(1, "acme", 0);
                Await.until("the resync done", Duration.ofSeconds(60), () -> control.done(1));
                List<Map<String, List<String>>> resent = writes.subList(writesBefore, writes.size());
                // The others' profiles already hold what the resync sends (UNCHANGED, so no write is seen): count the entries.
                assertThat(instance.calls().subList(callsBefore, instance.calls().size()).stream()
                        .filter(c -> c.path().endsWith("/profiles") && c.method().equals("PUT")).mapToInt(c -> c.items()).sum())
                        .as("the resync did send the others again").isGreaterThanOrEqualTo(100);
                assertThat(resent).filteredOn(p -> List.of("ada@example.com").equals(p.get("email")))
                        .as("ada's older state never goes out after her erasure")
                        .allSatisfy(p -> assertThat(p).doesNotContainKey("subsets_experiment_id"));
                assertThat(instance.profileBy("email", "ada@example.com")).doesNotContainKey("subsets_experiment_id");
                assertThat(instance.profileCount()).isEqualTo(101);

                // gamma: cleo's state, 100 others', then cleo's erasure, all before gamma has a destination (skipped live).
                // Registered after, its first backfill reads cleo's older state 100 records before her tombstone (at most 50
                // ahead of what is resolved: never in one row with it), and no lane ever sent her erasure.
                int gamma = TenantPartition.of("gamma", PARTITIONS);
                Subscriber cleo = new Subscriber("u-3", "cleo@example.com");
                send(producer, topic, gamma, SubscriberKey.of("gamma", cleo).encode(), state("gamma", cleo, "exp-c", 0));
                for (int i = 0; i < 100; i++) {
                    Subscriber other = new Subscriber(null, "g" + i + "@example.com");
                    send(producer, topic, gamma, SubscriberKey.of("gamma", other).encode(), state("gamma", other, "exp-g", i + 1));
                }
                Erasure cleoErased = new Erasure("er-cleo", "gamma", T0.plusSeconds(600), cleo);
                erase.write(producer, gamma, SubscriberKey.ofUserId("gamma", "u-3").encode(), cleoErased);
                erase.write(producer, gamma, SubscriberKey.ofEmail("gamma", "cleo@example.com").encode(), cleoErased);
                Await.until("the live path past gamma's records", Duration.ofSeconds(30),
                        () -> committed(kafka, topic, new TopicPartition(topic, gamma)) >= endOffset(kafka, new TopicPartition(topic, gamma)));
                assertThat(instance.profileCount()).as("gamma has no destination yet").isEqualTo(101);

                control.destination("gamma", upsert);
                control.resync(2, "gamma", 0);
                Await.until("gamma's backfill done", Duration.ofSeconds(60), () -> control.done(2));
                Await.until("gamma's others created", Duration.ofSeconds(30), () -> instance.profileCount() >= 201);
                assertThat(instance.profileBy("email", "cleo@example.com")).as("cleo's profile never created again").isNull();
                assertThat(instance.profileCount()).isEqualTo(201);
                assertThat(writes).noneMatch(p -> List.of("cleo@example.com").equals(p.get("email")));
                Await.until("cleo's erasure on the trail", Duration.ofSeconds(30), () -> records(kafka, deliveries).stream()
                        .flatMap(r -> SubscriberDeliveries.decode(r.value()).rows().stream())
                        .anyMatch(row -> "er-cleo".equals(row.erasureId())
                                && row.outcome() == SubscriberDeliveries.Outcome.SKIPPED && "not_found".equals(row.reason())));
            } finally {
                dispatcher.close().await(60, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] state(String tenant, Subscriber who, String experiment, int second) {
        return StateRecordCodec.encode(new StateRecord(tenant, who, Map.of(DestinationField.EXPERIMENT_ID,
                new FieldFact(experiment, T0.plusSeconds(second), second, "e-" + second))));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, int partition, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, key, value));
        producer.flush();
    }

    /** Writes an erasure as the state service does: a tombstone with the header, and the record on the erasures topic. */
    private record ErasureWriter(String topic, String erasures) {
        void write(KafkaProducer<String, byte[]> producer, int partition, String key, Erasure erasure) {
            producer.send(new ProducerRecord<>(topic, partition, key, null, List.of(new RecordHeader(Erasure.HEADER, erasure.encode()))));
            producer.send(new ProducerRecord<>(erasures, partition, erasure.tenantId(), erasure.encode()));
            producer.flush();
        }
    }

    private static long committed(KafkaService kafka, String group, TopicPartition partition) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            var offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long endOffset(KafkaService kafka, TopicPartition partition) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> records(KafkaService kafka, String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("enable.auto.commit", "false");
        List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
