package com.subsets.sync.blueconic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.common.RecordedCall;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events on the topic arrive as BlueConic profile properties, through token expiry, 401s, 429s, 503s and consent. */
@ExtendWith(RealServices.class)
class BlueConicDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static int run;

    private final EventCodec codec = new EventCodec();
    private Vertx vertx;
    private BlueConicSimulator simulator;
    private BlueConicTenant tenant;
    private KafkaService kafka;
    private String topic;
    private KafkaProducer<String, byte[]> producer;
    private DispatcherService<BlueConicDestination> dispatcher;

    @BeforeEach
    void start(KafkaService kafka) throws Exception {
        this.kafka = kafka;
        topic = "blueconic-it-" + (++run) + ".events";
        kafka.createTopics(2, topic, topic + ".dlq", topic + ".reports");
        vertx = Vertx.vertx();
        simulator = new BlueConicSimulator(vertx);
        tenant = simulator.addTenant("acme", "client-acme", "secret-acme");
        for (DestinationField field : DestinationField.values()) {
            tenant.property(new JsonObject().put("id", field.blueConicId()).put("name", field.blueConicName()));
        }
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.close().await(60, TimeUnit.SECONDS);
        }
        producer.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private void startDispatcher(String objectiveIds) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BLUECONIC_TOPIC", topic, "BLUECONIC_DEAD_LETTER_TOPIC", topic + ".dlq", "BLUECONIC_GROUP_ID", topic,
                "BLUECONIC_HTTP_HOST", "127.0.0.1", "BLUECONIC_HTTP_PORT", "0",
                "BLUECONIC_LINGER_MS", "100", "BLUECONIC_RETRY_BASE_MS", "50",
                "BLUECONIC_INSECURE_HOSTS", "127.0.0.1",
                "BLUECONIC_DESTINATIONS", "{\"acme\":{\"instanceUrl\":\"http://127.0.0.1:" + simulator.port()
                        + "\",\"clientId\":\"client-acme\",\"clientSecret\":\"secret-acme\"" + objectiveIds + "}}"));
        env.put("BLUECONIC_REPORTS_TOPIC", topic + ".reports");
        dispatcher = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                .await(60, TimeUnit.SECONDS);
    }

    private void send(AssignmentEvent... events) {
        for (AssignmentEvent e : events) {
            producer.send(new ProducerRecord<>(topic, e.tenantId(), codec.encode(e)));
        }
        producer.flush();
    }

    private static AssignmentEvent assigned(String email, String experiment, int second) {
        return new AssignmentEvent("a-" + second + "-" + Integer.toHexString(email.hashCode()), EventType.ASSIGNED, "acme",
                Instant.parse("2026-11-22T09:00:00Z").plusSeconds(second), new Subscriber("id-" + email.hashCode(), email),
                new Experiment(experiment, "Name of " + experiment), Assignment.TREATMENT, Instant.parse("2026-11-22T08:00:00Z"), null);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic + ".dlq").stream()
                    .map(p -> new TopicPartition(topic + ".dlq", p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(expected == 0 ? 1 : 30);
            while ((expected == 0 || records.size() < expected) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    @Test
    void eventsBecomeProfilePropertiesAndUnknownSubscribersAreDeadLettered() throws Exception {
        for (int i = 0; i < 20; i++) {
            tenant.addProfile(Map.of("email", List.of("u" + i + "@example.com")));
        }
        startDispatcher("");
        for (int i = 0; i < 20; i++) {
            send(assigned("u" + i + "@example.com", "exp-1", 1), assigned("u" + i + "@example.com", "exp-2", 2));
        }
        send(assigned("stranger@example.com", "exp-1", 3));

        await("every known subscriber updated", () -> java.util.stream.IntStream.range(0, 20).allMatch(i ->
                List.of("exp-2").equals(tenant.profileBy("email", "u" + i + "@example.com").get("subsets_experiment_id"))));
        assertThat(tenant.profileBy("email", "u3@example.com")).containsEntry("subsets_experiment_assignment", List.of("treatment"))
                .containsEntry("subsets_experiment_added_at", List.of("2026-11-22T08:00:00Z"));
        assertThat(tenant.profileCount()).as("UPDATE never creates").isEqualTo(20);
        List<ConsumerRecord<String, byte[]>> dead = deadLetters(1);
        assertThat(dead).extracting(r -> header(r, "dlq-reason")).containsExactly("not_found");
        assertThat(tenant.calls().stream().filter(c -> c.path().endsWith("/profiles")).mapToInt(RecordedCall::items).sum())
                .as("41 records coalesced into far fewer entries").isLessThan(41);
    }

    @Test
    void tokensThatExpireOrAreRevokedMidRunAreRenewedWithoutLosingAnything() throws Exception {
        tenant.tokenTtlSeconds(2);
        tenant.addProfile(Map.of("email", List.of("ada@example.com")));
        startDispatcher("");
        send(assigned("ada@example.com", "exp-1", 1));
        await("first delivery", () -> List.of("exp-1").equals(tenant.profileBy("email", "ada@example.com").get("subsets_experiment_id")));

        Thread.sleep(2_200);
        send(assigned("ada@example.com", "exp-2", 2));
        await("delivered after expiry", () -> List.of("exp-2").equals(tenant.profileBy("email", "ada@example.com").get("subsets_experiment_id")));

        tenant.tokenTtlSeconds(3600);
        tenant.expireTokens();
        send(assigned("ada@example.com", "exp-3", 3));
        await("delivered after revocation", () -> List.of("exp-3").equals(tenant.profileBy("email", "ada@example.com").get("subsets_experiment_id")));
        long tokenCalls = tenant.calls().stream().filter(c -> c.path().endsWith("/oauth/token") && c.status() == 200).count();
        // The first; one renewed ahead of its 2 s expiry; one after the revocation, which only the 401
        // can have caused (the cached token was not due for renewal yet). Never one per batch.
        assertThat(tokenCalls).isEqualTo(3);
        assertThat(deadLetters(0)).isEmpty();
    }

    @Test
    void throttlingAndBusyAnswersAreRetriedAndConsentIsRespected() throws Exception {
        tenant.addProfile(Map.of("email", List.of("yes@example.com")), "marketing");
        tenant.addProfile(Map.of("email", List.of("no@example.com")));
        tenant.faults().throttleNext(3);
        startDispatcher(",\"objectiveIds\":[\"marketing\"]");
        send(assigned("yes@example.com", "exp-1", 1), assigned("no@example.com", "exp-1", 1));
        await("the consenting subscriber updated", () -> List.of("exp-1").equals(tenant.profileBy("email", "yes@example.com").get("subsets_experiment_id")));
        assertThat(tenant.profileBy("email", "no@example.com")).doesNotContainKey("subsets_experiment_id");

        tenant.faults().failNext(2, 503);
        send(assigned("yes@example.com", "exp-2", 2));
        await("delivered after 503s", () -> List.of("exp-2").equals(tenant.profileBy("email", "yes@example.com").get("subsets_experiment_id")));
        assertThat(tenant.calls()).extracting(RecordedCall::status).contains(429, 503);
        assertThat(deadLetters(0)).as("consent mismatches are counted, not dead-lettered").isEmpty();
    }
}
