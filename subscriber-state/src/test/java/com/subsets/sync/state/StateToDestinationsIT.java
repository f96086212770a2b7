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
        kafka.createTopics(3, events, state, events + ".dlq", state + ".dlq.iterable", state + ".dlq.blueconic",
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
