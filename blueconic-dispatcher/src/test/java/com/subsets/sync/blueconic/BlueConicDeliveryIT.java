package com.subsets.sync.blueconic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.ForkedJvm;
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
import java.nio.file.Path;
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

/** Events on the topic arrive as BlueConic profile properties, through token expiry, 401s, 429s, 503s, consent and a SIGKILL. */
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
        SubsetsProperties.defineOn(tenant);
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

    private Map<String, String> env(String objectiveIds) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BLUECONIC_TOPIC", topic, "BLUECONIC_DEAD_LETTER_TOPIC", topic + ".dlq", "BLUECONIC_GROUP_ID", topic,
                "BLUECONIC_HTTP_HOST", "127.0.0.1", "BLUECONIC_HTTP_PORT", "0",
                "BLUECONIC_LINGER_MS", "100", "BLUECONIC_RETRY_BASE_MS", "50",
                "BLUECONIC_INSECURE_HOSTS", "127.0.0.1",
                "BLUECONIC_DESTINATIONS", "{\"acme\":{\"instanceUrl\":\"http://127.0.0.1:" + simulator.port()
                        + "\",\"clientId\":\"client-acme\",\"clientSecret\":\"secret-acme\"" + objectiveIds + "}}"));
        env.put("BLUECONIC_REPORTS_TOPIC", topic + ".reports");
        env.put("BLUECONIC_INPUT", "events");
        return env;
    }

    private void startDispatcher(String objectiveIds) throws Exception {
        startDispatcher(objectiveIds, Map.of());
    }

    private void startDispatcher(String objectiveIds, Map<String, String> overrides) throws Exception {
        Map<String, String> env = env(objectiveIds);
        env.putAll(overrides);
        dispatcher = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                .await(60, TimeUnit.SECONDS);
    }

    @Test
    void killedMidRunThenRestartedEveryProfileEndsCurrentAndNothingIsLost() throws Exception {
        int users = 300;
        Map<String, String> expected = new HashMap<>();
        List<AssignmentEvent> events = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int u = 0; u < users; u++) {
                String email = "u" + u + "@example.com";
                if (round == 0) {
                    tenant.addProfile(Map.of("email", List.of(email)));
                }
                events.add(assigned(email, "exp-" + round, round * 1000 + u));
                expected.put(email, "exp-" + round);
            }
        }
        send(events.toArray(AssignmentEvent[]::new));
        tenant.faults().latency(60).failNext(4, 503);

        // A killed member keeps its partitions until its session expires (45 s by default): 6 s here.
        Map<String, String> forked = env("");
        forked.putAll(Map.of("BLUECONIC_BATCH_MAX_ROWS", "40", "BLUECONIC_COMMIT_INTERVAL_MS", "500",
                "KAFKA_PROPERTY_SESSION_TIMEOUT_MS", "6000", "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS", "1000"));
        Process killed = ForkedJvm.start(Main.class, forked, Path.of("target/crash-recovery-blueconic.log"));
        try {
            await("some profiles written before the crash", () -> current(expected) >= 40);
        } finally {
            killed.destroyForcibly().waitFor();
        }
        int beforeCrash = current(expected);
        assertThat(beforeCrash).as("killed mid-run").isLessThan(users);

        List<AssignmentEvent> whileDown = new ArrayList<>();
        for (int u = 0; u < users; u += 4) {
            whileDown.add(assigned("u" + u + "@example.com", "exp-late", 9000 + u));
            expected.put("u" + u + "@example.com", "exp-late");
        }
        send(whileDown.toArray(AssignmentEvent[]::new));
        tenant.faults().clear();
        startDispatcher("");
        await("every profile at its latest value", () -> current(expected) == users);
        System.out.printf("blueconic crash recovery: %d of %d profiles current before the kill%n", beforeCrash, users);
        assertThat(deadLetters(0)).isEmpty();
    }

    /** How many profiles hold the experiment id they are expected to end with. */
    private int current(Map<String, String> expected) {
        int current = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Map<String, List<String>> profile = tenant.profileBy("email", e.getKey());
            if (profile != null && List.of(e.getValue()).equals(profile.get(DestinationField.EXPERIMENT_ID.blueConicId()))) {
                current++;
            }
        }
        return current;
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
        Await.until(what, WAIT, condition);
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
    void anEntryWithValidationErrorsIsDeadLetteredWithBlueConicsMessagesAndTheRestIsDelivered() throws Exception {
        for (int i = 0; i < 10; i++) {
            tenant.addProfile(Map.of("email", List.of("v" + i + "@example.com")));
        }
        tenant.refuseValue(DestinationField.EXPERIMENT_NAME.blueConicId(), "Name of exp-refused", "value is not allowed by the property's rules");
        startDispatcher("");
        for (int i = 0; i < 10; i++) {
            send(assigned("v" + i + "@example.com", i == 4 ? "exp-refused" : "exp-ok", 1));
        }

        await("the other nine delivered", () -> java.util.stream.IntStream.range(0, 10).filter(i -> i != 4).allMatch(i ->
                List.of("exp-ok").equals(tenant.profileBy("email", "v" + i + "@example.com").get("subsets_experiment_id"))));
        List<ConsumerRecord<String, byte[]>> dead = deadLetters(1);
        assertThat(dead).extracting(r -> header(r, "dlq-reason")).containsExactly("validation_error");
        assertThat(header(dead.get(0), "dlq-error")).isEqualTo(
                "BlueConic SKIPPED: subsets_experiment_name: value is not allowed by the property's rules");
        assertThat(tenant.profileBy("email", "v4@example.com")).doesNotContainKey("subsets_experiment_id");
        assertThat(tenant.calls().stream().filter(c -> c.path().endsWith("/profiles")).mapToInt(RecordedCall::items).sum())
                .as("each entry sent once: the refused one is not retried, the batch not resent").isEqualTo(10);
    }

    /** The answer that once stalled a tenant: validationErrors as an array, which BlueConic's document types as an object. */
    private static final String ARRAY_OF_ERRORS = "[{\"identifier\":\"w0@example.com\",\"state\":\"SKIPPED\","
            + "\"validationErrors\":[\"#/properties/x: property does not exist\"]}]";

    @Test
    void anAnswerOfAnotherShapeIsRetriedAsUnexpectedAndCountedThenDelivered() throws Exception {
        tenant.addProfile(Map.of("email", List.of("w0@example.com")));
        tenant.faults().garbleNext(3, ARRAY_OF_ERRORS);
        startDispatcher("");
        send(assigned("w0@example.com", "exp-1", 1));

        await("delivered once BlueConic answers as documented", () ->
                List.of("exp-1").equals(tenant.profileBy("email", "w0@example.com").get("subsets_experiment_id")));
        assertThat(metric("dispatcher_responses_unexpected_total")).isEqualTo(3.0);
        assertThat(deadLetters(0)).isEmpty();
    }

    @Test
    void anAnswerThatStaysUnreadableIsDeadLetteredWithItsTextAfterTheGiveUpTime() throws Exception {
        tenant.addProfile(Map.of("email", List.of("w0@example.com")));
        tenant.faults().garbleNext(1_000, ARRAY_OF_ERRORS);
        startDispatcher("", Map.of("BLUECONIC_RETRY_GIVE_UP_MS", "1500", "BLUECONIC_RETRY_MAX_DELAY_MS", "300"));
        send(assigned("w0@example.com", "exp-1", 1));

        List<ConsumerRecord<String, byte[]>> dead = deadLetters(1);
        assertThat(dead).extracting(r -> header(r, "dlq-reason")).containsExactly("retries_exhausted");
        assertThat(header(dead.get(0), "dlq-error")).startsWith("unexpected_response: HTTP 200, ")
                .contains("validationErrors that are not an object").contains("#/properties/x: property does not exist");
        assertThat(metric("dispatcher_responses_unexpected_total")).isGreaterThanOrEqualTo(2.0);
    }

    /** A counter of the dispatcher's own /metrics, summed over its series. */
    private double metric(String name) throws Exception {
        String body = io.vertx.ext.web.client.WebClient.create(vertx).get(dispatcher.port(), "127.0.0.1", "/metrics").send()
                .await(10, TimeUnit.SECONDS).bodyAsString();
        return body.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
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

    @Test
    void a413AppliesPartOfABatchAndOnlyTheEntriesWithoutAResultAreSentAgain() throws Exception {
        int users = 100;
        Map<String, String> expected = new HashMap<>();
        List<AssignmentEvent> events = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String email = "u" + u + "@example.com";
            tenant.addProfile(Map.of("email", List.of(email)));
            events.add(assigned(email, "exp-1", u));
            expected.put(email, "exp-1");
        }
        // A lane batches up to 80 entries; this tenant applies 30 of a request and answers 413.
        tenant.maxEntriesPerRequest(30);
        send(events.toArray(AssignmentEvent[]::new));
        startDispatcher("", Map.of("BLUECONIC_BATCH_MAX_ROWS", "80"));

        await("every profile current", () -> current(expected) == users);
        assertThat(tenant.calls()).extracting(RecordedCall::status).contains(413);
        assertThat(tenant.entriesApplied()).as("an applied entry is never sent again").isEqualTo(users);
        assertThat(deadLetters(0)).isEmpty();
    }

    @Test
    void a401StormCostsOneTokenFetchPerRoundOfRefusalsAndLosesNothing() throws Exception {
        int users = 100;
        Map<String, String> expected = new HashMap<>();
        for (int u = 0; u < users; u++) {
            tenant.addProfile(Map.of("email", List.of("u" + u + "@example.com")));
        }
        tenant.maxConcurrentRequests(8);
        startDispatcher("", Map.of("BLUECONIC_INITIAL_IN_FLIGHT", "4", "BLUECONIC_MAX_IN_FLIGHT", "4",
                "BLUECONIC_BATCH_MAX_ROWS", "25", "BLUECONIC_REQUESTS_PER_SECOND", "1000", "BLUECONIC_RETRY_MAX_DELAY_MS", "400"));
        send(assigned("u0@example.com", "exp-0", 0));
        await("first delivery", () -> current(Map.of("u0@example.com", "exp-0")) == 1);

        // Revoked while four batches are on their way: all four are refused, one fetch renews the token for all.
        tenant.expireTokens();
        tenant.faults().latency(200);
        long fetchesBefore = tokenFetches();
        send(batch(users, "exp-1", 100, expected));
        await("delivered after the revocation", () -> current(expected) == users);
        assertThat(refusals()).as("requests refused together").isGreaterThanOrEqualTo(2);
        assertThat(tokenFetches() - fetchesBefore).isEqualTo(1);

        // Valid tokens refused for a while (the vendor's auth misbehaving): a renewed token refused again
        // is retried with backoff, not dead-lettered, and renewals stay one per round of refusals.
        tenant.faults().latency(20).failNext(12, 401);
        long refusedBefore = refusals();
        fetchesBefore = tokenFetches();
        send(batch(users, "exp-2", 200, expected));
        await("delivered after the storm", () -> current(expected) == users);
        long refused = refusals() - refusedBefore;
        long fetches = tokenFetches() - fetchesBefore;
        System.out.printf("blueconic 401 storm: %d requests refused, %d token fetches%n", refused, fetches);
        assertThat(refused).isEqualTo(12);
        // Each renewal follows a first refusal whose retry is refused too, but for the (at most 4) retries
        // in flight when the storm ends: one fetch per 401 would be 12.
        assertThat(fetches).isBetween(1L, (refused + 4) / 2);
        assertThat(deadLetters(0)).isEmpty();
    }

    private AssignmentEvent[] batch(int users, String experiment, int second, Map<String, String> expected) {
        List<AssignmentEvent> events = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            events.add(assigned("u" + u + "@example.com", experiment, second + u));
            expected.put("u" + u + "@example.com", experiment);
        }
        return events.toArray(AssignmentEvent[]::new);
    }

    private long tokenFetches() {
        return tenant.calls().stream().filter(c -> c.path().endsWith("/oauth/token") && c.status() == 200).count();
    }

    private long refusals() {
        return tenant.calls().stream().filter(c -> c.path().endsWith("/profiles") && c.status() == 401).count();
    }
}
