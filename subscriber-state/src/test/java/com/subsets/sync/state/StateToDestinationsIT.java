package com.subsets.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.blueconic.BlueConicDestination;
import com.subsets.sync.blueconic.BlueConicDispatcher;
import com.subsets.sync.blueconic.BlueConicDispatcherConfig;
import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.iterable.IterableDestination;
import com.subsets.sync.iterable.IterableDispatcher;
import com.subsets.sync.iterable.IterableDispatcherConfig;
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
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scenario end to end: one subscriber updated twenty times by producers whose events arrive out
 * of order. Through the state service, both dispatchers (reading the state topic) end with the newest facts:
 * the newest churn risk, and the experiment of the newest assignment, not cleared by an older unassignment, with
 * the state service and both dispatchers restarted halfway.
 */
@ExtendWith(RealServices.class)
class StateToDestinationsIT {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    @Test
    void outOfOrderEventsAcrossRestartsEndAtTheNewestFactsAtBothVendors(KafkaService kafka) throws Exception {
        String events = "state-e2e.events";
        String state = "state-e2e.state";
        kafka.createTopics(3, events, state, events + ".dlq", StateServiceEnv.erasures(events), state + ".dlq.iterable", state + ".dlq.blueconic",
                "state-e2e.reports");
        Vertx vertx = Vertx.vertx();
        IterableSimulator iterable = new IterableSimulator(vertx);
        IterableProject project = iterable.addProject("p1", "key-p1", IterableProject.Identity.USER_ID);
        BlueConicSimulator blueConic = new BlueConicSimulator(vertx);
        BlueConicTenant tenant = blueConic.addTenant("acme", "client-acme", "secret-acme");
        for (DestinationField field : DestinationField.values()) {
            tenant.property(new JsonObject().put("id", field.blueConicId()).put("name", field.blueConicName()));
        }
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);

        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "state-e2e", events, state);
        env.putAll(dispatcherEnv("ITERABLE_", state, "{\"acme\":{\"projectId\":\"p1\",\"apiKey\":\"key-p1\",\"baseUrl\":\"http://127.0.0.1:"
                + iterable.port() + "\"}}"));
        env.putAll(dispatcherEnv("BLUECONIC_", state, "{\"acme\":{\"instanceUrl\":\"http://127.0.0.1:" + blueConic.port()
                + "\",\"clientId\":\"client-acme\",\"clientSecret\":\"secret-acme\",\"strategy\":\"UPSERT\"}}"));
        env.put("BLUECONIC_INSECURE_HOSTS", "127.0.0.1");

        // Twenty updates: scores at t+0..t+19 (newest 0.98 at t+19), an assignment at t+10 and an older
        // unassignment at t+5; sent shuffled.
        List<AssignmentEvent> updates = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            updates.add(new AssignmentEvent("s-" + i, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(i), subscriber(), null,
                    null, null, new BigDecimal(i == 17 ? "0.98" : "0." + (10 + i))));
        }
        updates.add(new AssignmentEvent("a-10", EventType.ASSIGNED, "acme", T0.plusSeconds(10), subscriber(),
                new Experiment("exp-new", "Winback"), Assignment.TREATMENT, T0, null));
        updates.add(new AssignmentEvent("u-5", EventType.UNASSIGNED, "acme", T0.plusSeconds(5), subscriber(),
                new Experiment("exp-old", null), null, null, null));
        Collections.shuffle(updates, new Random(3));
        updates.removeIf(e -> e.eventId().equals("s-17"));
        updates.add(0, new AssignmentEvent("s-17", EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(17), subscriber(), null,
                null, null, new BigDecimal("0.98")));

        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        DispatcherService<IterableDestination> toIterable = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(
                new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
        DispatcherService<BlueConicDestination> toBlueConic = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(
                new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < updates.size(); i++) {
                if (i == updates.size() / 2) {
                    // Across restarts too: the state service (restored from its changelog) and both dispatchers start
                    // again halfway, and the newest fact still wins.
                    toIterable.close().await(60, TimeUnit.SECONDS);
                    toBlueConic.close().await(60, TimeUnit.SECONDS);
                    service.close().await(60, TimeUnit.SECONDS);
                    service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                            .await(60, TimeUnit.SECONDS);
                    toIterable = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                            .await(60, TimeUnit.SECONDS);
                    toBlueConic = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                            .await(60, TimeUnit.SECONDS);
                }
                producer.send(new ProducerRecord<>(events, "acme", codec.encode(updates.get(i))));
                producer.flush();
                Thread.sleep(30);
            }

            Await.until("both vendors at the newest facts", Duration.ofSeconds(60), () -> {
                Map<String, Object> user = project.profile("u-1");
                Map<String, List<String>> profile = tenant.profileBy("email", "ada@example.com");
                return user != null && "0.98".equals(user.get(DestinationField.CHURN_RISK.iterableName()))
                        && "exp-new".equals(user.get(DestinationField.EXPERIMENT_ID.iterableName()))
                        && profile != null && List.of("0.98").equals(profile.get(DestinationField.CHURN_RISK.blueConicId()))
                        && List.of("exp-new").equals(profile.get(DestinationField.EXPERIMENT_ID.blueConicId()));
            });
            Thread.sleep(1_000);
            assertThat(project.profile("u-1")).as("nothing older written after the newest")
                    .containsEntry(DestinationField.CHURN_RISK.iterableName(), "0.98")
                    .containsEntry(DestinationField.EXPERIMENT_ID.iterableName(), "exp-new");
        } finally {
            toIterable.close().await(60, TimeUnit.SECONDS);
            toBlueConic.close().await(60, TimeUnit.SECONDS);
            service.close().await(60, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 25's identity subsets end to end: six facts for two subscribers, each fact naming the subscriber by the
     * identifiers its producer knew (both, userId only, e-mail only). Tenant acme's Iterable addresses users by userId
     * and its BlueConic matches on e-mail; tenant beta's the other way round (Iterable by e-mail, BlueConic on a
     * userId property). Every vendor ends with every subscriber's newest facts, whichever identifier named them.
     */
    @Test
    void factsNamingDifferentIdentifiersReachEveryVendorUnderItsOwnIdentifier(KafkaService kafka) throws Exception {
        String events = "identity-e2e.events";
        String state = "identity-e2e.state";
        kafka.createTopics(3, events, state, events + ".dlq", StateServiceEnv.erasures(events), state + ".dlq.iterable", state + ".dlq.blueconic",
                "state-e2e.reports");
        Vertx vertx = Vertx.vertx();
        IterableSimulator iterable = new IterableSimulator(vertx);
        IterableProject byUserId = iterable.addProject("p1", "key-p1", IterableProject.Identity.USER_ID);
        IterableProject byEmail = iterable.addProject("p2", "key-p2", IterableProject.Identity.EMAIL);
        BlueConicSimulator blueConic = new BlueConicSimulator(vertx);
        BlueConicTenant onEmail = blueConic.addTenant("acme", "client-acme", "secret-acme");
        BlueConicTenant onUserId = blueConic.addTenant("beta", "client-beta", "secret-beta");
        onUserId.property(new JsonObject().put("id", "customer_id").put("name", "Customer id").put("indexed", true));
        for (BlueConicTenant tenant : List.of(onEmail, onUserId)) {
            for (DestinationField field : DestinationField.values()) {
                tenant.property(new JsonObject().put("id", field.blueConicId()).put("name", field.blueConicName()));
            }
        }
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        String iterableUrl = "http://127.0.0.1:" + iterable.port();
        String blueConicUrl = "http://127.0.0.1:" + blueConic.port();

        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "identity-e2e", events, state);
        env.putAll(dispatcherEnv("ITERABLE_", state, new JsonObject()
                .put("acme", new JsonObject().put("projectId", "p1").put("apiKey", "key-p1").put("baseUrl", iterableUrl)
                        .put("identifier", "userId"))
                .put("beta", new JsonObject().put("projectId", "p2").put("apiKey", "key-p2").put("baseUrl", iterableUrl)
                        .put("identifier", "email")).encode()));
        env.putAll(dispatcherEnv("BLUECONIC_", state, new JsonObject()
                .put("acme", new JsonObject().put("instanceUrl", blueConicUrl).put("clientId", "client-acme")
                        .put("clientSecret", "secret-acme").put("strategy", "UPSERT").put("matchingProperty", "email"))
                .put("beta", new JsonObject().put("instanceUrl", blueConicUrl).put("clientId", "client-beta")
                        .put("clientSecret", "secret-beta").put("strategy", "UPSERT").put("matchingProperty", "customer_id"))
                .encode()));
        env.put("ITERABLE_GROUP_ID", "identity-e2e.iterable");
        env.put("BLUECONIC_GROUP_ID", "identity-e2e.blueconic");
        env.put("BLUECONIC_INSECURE_HOSTS", "127.0.0.1");

        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        DispatcherService<IterableDestination> toIterable = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(
                new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
        DispatcherService<BlueConicDestination> toBlueConic = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(
                new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        EventCodec codec = new EventCodec();
        Subscriber adaBoth = new Subscriber("u-1", "ada@example.com");
        Subscriber bobBoth = new Subscriber("u-2", "bob@example.com");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (String tenantId : List.of("acme", "beta")) {
                List<AssignmentEvent> facts = List.of(
                        // Ada: the example. Assigned with both identifiers and churn 0.5 at 09:00, re-scored by
                        // userId alone at 10:00, unassigned with both at 11:00.
                        new AssignmentEvent(tenantId + "-a1", EventType.ASSIGNED, tenantId, T0, adaBoth,
                                new Experiment("exp-1", "Winback"), Assignment.TREATMENT, T0, new BigDecimal("0.5")),
                        new AssignmentEvent(tenantId + "-a2", EventType.CHURN_RISK_SCORED, tenantId, T0.plusSeconds(3600),
                                new Subscriber("u-1", null), null, null, null, new BigDecimal("0.9")),
                        new AssignmentEvent(tenantId + "-a3", EventType.UNASSIGNED, tenantId, T0.plusSeconds(7200), adaBoth,
                                new Experiment("exp-1", null), null, null, null),
                        // Bob: scored by e-mail alone, then assigned with both identifiers, then re-scored by userId alone.
                        new AssignmentEvent(tenantId + "-b1", EventType.CHURN_RISK_SCORED, tenantId, T0,
                                new Subscriber(null, "bob@example.com"), null, null, null, new BigDecimal("0.3")),
                        new AssignmentEvent(tenantId + "-b2", EventType.ASSIGNED, tenantId, T0.plusSeconds(3600), bobBoth,
                                new Experiment("exp-2", "Upsell"), Assignment.CONTROL, T0, null),
                        new AssignmentEvent(tenantId + "-b3", EventType.CHURN_RISK_SCORED, tenantId, T0.plusSeconds(7200),
                                new Subscriber("u-2", null), null, null, null, new BigDecimal("0.7")),
                        // Cy's e-mail moves from u-3 to u-4 with a newer event: at e-mail vendors cy@ becomes u-4.
                        new AssignmentEvent(tenantId + "-c1", EventType.ASSIGNED, tenantId, T0, new Subscriber("u-3", "cy@example.com"),
                                new Experiment("exp-3", "Pause"), Assignment.TREATMENT, T0, new BigDecimal("0.1")),
                        new AssignmentEvent(tenantId + "-c2", EventType.ASSIGNED, tenantId, T0.plusSeconds(3600),
                                new Subscriber("u-4", "cy@example.com"), new Experiment("exp-4", "Discount"), Assignment.CONTROL, T0,
                                new BigDecimal("0.6")));
                for (AssignmentEvent fact : facts) {
                    producer.send(new ProducerRecord<>(events, tenantId, codec.encode(fact)));
                }
            }
            producer.flush();

            Await.until("every vendor at every subscriber's newest facts", Duration.ofSeconds(60), () ->
                    iterableHolds(byUserId.profile("u-1"), null, "0.90") && iterableHolds(byUserId.profile("u-2"), "exp-2", "0.70")
                            && iterableHolds(byEmail.profile("ada@example.com"), null, "0.90")
                            && iterableHolds(byEmail.profile("bob@example.com"), "exp-2", "0.70")
                            && blueConicHolds(onEmail.profileBy("email", "ada@example.com"), null, "0.90")
                            && blueConicHolds(onEmail.profileBy("email", "bob@example.com"), "exp-2", "0.70")
                            && blueConicHolds(onUserId.profileBy("customer_id", "u-1"), null, "0.90")
                            && blueConicHolds(onUserId.profileBy("customer_id", "u-2"), "exp-2", "0.70")
                            && iterableHolds(byUserId.profile("u-3"), "exp-3", "0.10") && iterableHolds(byUserId.profile("u-4"), "exp-4", "0.60")
                            && iterableHolds(byEmail.profile("cy@example.com"), "exp-4", "0.60")
                            && blueConicHolds(onEmail.profileBy("email", "cy@example.com"), "exp-4", "0.60")
                            && blueConicHolds(onUserId.profileBy("customer_id", "u-3"), "exp-3", "0.10")
                            && blueConicHolds(onUserId.profileBy("customer_id", "u-4"), "exp-4", "0.60"));
            Thread.sleep(1_000);
            assertThat(iterableHolds(byUserId.profile("u-1"), null, "0.90")).as("still, a second later: %s", byUserId.profile("u-1"))
                    .isTrue();
            assertThat(byUserId.userCount()).as("one user per subscriber, whatever named them").isEqualTo(4);
            assertThat(byEmail.userCount()).as("ada, bob, cy: u-3 has no e-mail any more").isEqualTo(3);
            Map<String, JsonObject> latest = latestStates(kafka, state);
            assertThat(latest.keySet()).as("one current record per subscriber, the e-mail-only key of bob tombstoned")
                    .containsExactlyInAnyOrder("acme\u001Fu-1\u001F", "acme\u001Fu-2\u001F", "acme\u001Fu-3\u001F",
                            "acme\u001Fu-4\u001F", "beta\u001Fu-1\u001F", "beta\u001Fu-2\u001F", "beta\u001Fu-3\u001F",
                            "beta\u001Fu-4\u001F");
            assertThat(latest.get("acme\u001Fu-3\u001F").getJsonObject("subscriber"))
                    .as("the e-mail moved away from u-3: its state no longer carries it").isEqualTo(new JsonObject().put("userId", "u-3"));
            assertThat(latest.get("acme\u001Fu-4\u001F").getJsonObject("subscriber"))
                    .isEqualTo(new JsonObject().put("userId", "u-4").put("email", "cy@example.com"));
        } finally {
            toIterable.close().await(60, TimeUnit.SECONDS);
            toBlueConic.close().await(60, TimeUnit.SECONDS);
            service.close().await(60, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** The state topic as compaction leaves it: each key's last record, keys whose last record is a tombstone left out. */
    private static Map<String, JsonObject> latestStates(KafkaService kafka, String topic) {
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "isolation.level", "read_committed");
        Map<String, JsonObject> latest = new HashMap<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                props, new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), new JsonObject(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return latest;
    }

    private static boolean iterableHolds(Map<String, Object> user, String experiment, String churn) {
        return user != null && churn.equals(user.get(DestinationField.CHURN_RISK.iterableName()))
                && java.util.Objects.equals(experiment, user.get(DestinationField.EXPERIMENT_ID.iterableName()));
    }

    private static boolean blueConicHolds(Map<String, List<String>> profile, String experiment, String churn) {
        List<String> experiments = profile == null ? null : profile.get(DestinationField.EXPERIMENT_ID.blueConicId());
        return profile != null && List.of(churn).equals(profile.get(DestinationField.CHURN_RISK.blueConicId()))
                && (experiment == null ? experiments == null || experiments.isEmpty() : List.of(experiment).equals(experiments));
    }

    private static Subscriber subscriber() {
        return new Subscriber("u-1", "ada@example.com");
    }

    private static Map<String, String> dispatcherEnv(String prefix, String stateTopic, String destinations) {
        String kind = prefix.equals("ITERABLE_") ? "iterable" : "blueconic";
        Map<String, String> env = new HashMap<>();
        env.put(prefix + "INPUT", "state");
        env.put(prefix + "TOPIC", stateTopic);
        env.put(prefix + "GROUP_ID", "state-e2e." + kind);
        env.put(prefix + "DEAD_LETTER_TOPIC", stateTopic + ".dlq." + kind);
        env.put(prefix + "REPORTS_TOPIC", "state-e2e.reports");
        env.put(prefix + "HTTP_HOST", "127.0.0.1");
        env.put(prefix + "HTTP_PORT", "0");
        env.put(prefix + "LINGER_MS", "20");
        env.put(prefix + "DESTINATIONS", destinations);
        return env;
    }
}
