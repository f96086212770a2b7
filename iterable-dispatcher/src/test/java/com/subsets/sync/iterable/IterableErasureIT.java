package com.subsets.sync.iterable;

import static org.assertj.core.api.Assertions.assertThat;

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
import com.subsets.sync.simulator.provisioner.DispatchControlSimulator;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 29: an erasure tombstone on the state topic clears the five fields of a user Iterable has, creates none it
 * does not have, says so on the subscriber-deliveries trail with its erasure id, and a resync started afterwards,
 * reading the subscriber's older state still on the state topic, never writes it again (the lane's gate refuses it).
 */
@ExtendWith(RealServices.class)
class IterableErasureIT {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anErasureClearsAKnownUserCreatesNoOtherIsOnTheTrailAndALaterResyncNeverWritesTheOlderState(KafkaService kafka)
            throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50); DispatchControlSimulator control = new DispatchControlSimulator()) {
            String deliveries = kit.topic + ".deliveries";
            kafka.createTopics(3, deliveries);
            control.destination("acme", new JsonObject().put("projectId", "p1").put("apiKey", "key-p1")
                    .put("baseUrl", "http://127.0.0.1:" + kit.simulator.port()));
            Map<String, String> env = kit.env(Map.of("ITERABLE_INPUT", "state", "ITERABLE_LINGER_MS", "20",
                    "ITERABLE_PROVISIONER_URL", control.url(), "ITERABLE_PROVISIONER_TOKEN", DispatchControlSimulator.TOKEN,
                    "ITERABLE_PROVISIONER_ALLOW_PLAINTEXT", "true", "ITERABLE_DIRECTORY_REFRESH_MS", "200",
                    "ITERABLE_DELIVERIES_TOPIC", deliveries,
                    // Small bounds: a resync reads at most 50 records ahead of what is resolved (see below).
                    "ITERABLE_MAX_BUFFERED_RECORDS", "100"));
            env.remove("ITERABLE_DESTINATIONS");
            kit.dispatcher = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                    .await(60, TimeUnit.SECONDS);
            int partition = TenantPartition.of("acme", 3);
            Subscriber ada = new Subscriber("u-1", "ada@example.com");

            // ada's state, then 100 other subscribers' (more than a resync reads ahead), then ada's erasure.
            send(kit, partition, SubscriberKey.of("acme", ada).encode(), state(ada, "exp-1", 0));
            for (int i = 0; i < 100; i++) {
                Subscriber other = new Subscriber("f-" + i, null);
                send(kit, partition, SubscriberKey.of("acme", other).encode(), state(other, "exp-f", i + 1));
            }
            DispatcherTestKit.await("ada and the others written", Duration.ofSeconds(30),
                    () -> kit.project.userCount() == 101 && kit.project.profile("u-1") != null);
            assertThat(kit.project.profile("u-1")).containsEntry("subsetsExperimentId", "exp-1");
            kit.project.recordBulkRequests();

            Erasure erasure = new Erasure("er-ada", "acme", T0.plusSeconds(500), ada);
            erase(kit, partition, SubscriberKey.ofUserId("acme", "u-1").encode(), erasure);
            erase(kit, partition, SubscriberKey.ofEmail("acme", "ada@example.com").encode(), erasure);
            Erasure stranger = new Erasure("er-stranger", "acme", T0.plusSeconds(501), new Subscriber("u-404", null));
            erase(kit, partition, SubscriberKey.ofUserId("acme", "u-404").encode(), stranger);
            Erasure emailOnly = new Erasure("er-email-only", "acme", T0.plusSeconds(502), new Subscriber(null, "zed@example.com"));
            erase(kit, partition, SubscriberKey.ofEmail("acme", "zed@example.com").encode(), emailOnly);

            DispatcherTestKit.await("ada's five fields cleared", Duration.ofSeconds(30),
                    () -> kit.project.profile("u-1") != null && !kit.project.profile("u-1").containsKey("subsetsExperimentId"));
            assertThat(kit.project.profile("u-1")).doesNotContainKeys("subsetsExperimentName", "subsetsExperimentAssignment",
                    "subsetsExperimentAddedAt", "subsetsSubscriberChurnRisk");
            assertThat(kit.project.profile("u-404")).as("an unknown user is not created to be cleared").isNull();
            assertThat(kit.project.userCount()).isEqualTo(101);
            assertThat(kit.project.bulkRequests()).flatMap(users -> users).extracting(u -> u.getString("userId"))
                    .as("the lookup said u-404 is not there: no bulkUpdate row for it").doesNotContain("u-404").contains("u-1");
            assertThat(kit.project.calls()).filteredOn(c -> c.path().equals("/api/users/byUserId/u-404")).isNotEmpty();

            // The trail: each erasure's outcome at this destination, with its id.
            Map<String, SubscriberDeliveries.Row> trail = new java.util.HashMap<>();
            DispatcherTestKit.await("the three erasures on the trail", Duration.ofSeconds(30), () -> {
                kit.records(deliveries, 1).forEach(r -> SubscriberDeliveries.decode(r.value()).rows().stream()
                        .filter(row -> row.erasureId() != null).forEach(row -> trail.put(row.erasureId(), row)));
                return trail.size() == 3;
            });
            assertThat(trail.get("er-ada").outcome()).isEqualTo(SubscriberDeliveries.Outcome.ACCEPTED);
            assertThat(trail.get("er-ada").reason()).isEqualTo("cleared");
            assertThat(trail.get("er-ada").subscriber()).isEqualTo(ada);
            assertThat(trail.get("er-ada").values()).as("the five fields, cleared").hasSize(5);
            assertThat(trail.get("er-ada").values().values()).containsOnlyNulls();
            assertThat(trail.get("er-stranger").outcome()).isEqualTo(SubscriberDeliveries.Outcome.SKIPPED);
            assertThat(trail.get("er-stranger").reason()).isEqualTo("not_found");
            assertThat(trail.get("er-email-only").outcome()).isEqualTo(SubscriberDeliveries.Outcome.SKIPPED);
            assertThat(trail.get("er-email-only").reason()).isEqualTo("no_identifier");

            // A backfill from the start of the partition, after the erasure went out: the state topic still holds ada's older
            // state. With at most 50 records read ahead of what is resolved, ada's state is decided before her tombstone
            // (100 records later) is read, so it meets the lane's gate alone: refused, never written.
            DispatcherTestKit.await("the first bulk requests done", Duration.ofSeconds(10), () -> kit.committedToEnd());
            double supersededBefore = metric(kit, "dispatcher_records_skipped_total", "superseded");
            int requestsBefore = kit.project.bulkRequests().size();
            control.resync(1, "acme", 0);
            DispatcherTestKit.await("the resync done", Duration.ofSeconds(60), () -> control.done(1));

            List<JsonObject> resent = kit.project.bulkRequests().subList(requestsBefore, kit.project.bulkRequests().size())
                    .stream().flatMap(List::stream).toList();
            assertThat(resent).extracting(u -> u.getString("userId")).as("the resync did write the others again")
                    .contains("f-0", "f-99");
            assertThat(resent).filteredOn(u -> "u-1".equals(u.getString("userId")))
                    .as("ada's older state never goes out after her erasure")
                    .allSatisfy(u -> assertThat(u.getJsonObject("dataFields").getValue("subsetsExperimentId")).isNull());
            assertThat(kit.project.profile("u-1")).doesNotContainKey("subsetsExperimentId");
            assertThat(metric(kit, "dispatcher_records_skipped_total", "superseded") - supersededBefore)
                    .as("ada's older state refused by the gate").isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void withEventsInputASubscriberErasedEventIsTheSameErasure(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            String deliveries = kit.topic + ".deliveries";
            kafka.createTopics(3, deliveries);
            kit.startDispatcher(Map.of("ITERABLE_LINGER_MS", "20", "ITERABLE_DELIVERIES_TOPIC", deliveries));
            kit.send(Events.assigned("acme", "u-1", "exp-1", "Winback", 1));
            DispatcherTestKit.await("u-1 written", Duration.ofSeconds(30), () -> kit.project.profile("u-1") != null);

            kit.send(erased("er-1", new Subscriber("u-1", null), 10), erased("er-2", new Subscriber("u-404", null), 11),
                    erased("er-3", new Subscriber(null, "zed@example.com"), 12));

            DispatcherTestKit.await("u-1's fields cleared", Duration.ofSeconds(30),
                    () -> !kit.project.profile("u-1").containsKey("subsetsExperimentId"));
            Map<String, SubscriberDeliveries.Row> trail = new java.util.HashMap<>();
            DispatcherTestKit.await("the three erasures on the trail", Duration.ofSeconds(30), () -> {
                kit.records(deliveries, 1).forEach(r -> SubscriberDeliveries.decode(r.value()).rows().stream()
                        .filter(row -> row.erasureId() != null).forEach(row -> trail.put(row.erasureId(), row)));
                return trail.size() == 3;
            });
            assertThat(trail.get("er-1").reason()).isEqualTo("cleared");
            assertThat(trail.get("er-2").reason()).isEqualTo("not_found");
            assertThat(trail.get("er-3").reason()).as("an e-mail-only erasure in a userId project").isEqualTo("no_identifier");
            assertThat(kit.project.profile("u-404")).isNull();
            assertThat(kit.deadLetters(0)).as("an erasure without the project's identifier is reported, not dead-lettered").isEmpty();
        }
    }

    private static com.subsets.sync.model.AssignmentEvent erased(String id, Subscriber who, int second) {
        return new com.subsets.sync.model.AssignmentEvent(id, com.subsets.sync.model.EventType.ERASED, "acme", T0.plusSeconds(second),
                who, null, null, null, null);
    }

    private static byte[] state(Subscriber who, String experiment, int second) {
        return StateRecordCodec.encode(new StateRecord("acme", who, Map.of(DestinationField.EXPERIMENT_ID,
                new FieldFact(experiment, T0.plusSeconds(second), second, "e-" + second))));
    }

    private static void send(DispatcherTestKit kit, int partition, String key, byte[] value) {
        kit.producer.send(new ProducerRecord<>(kit.topic, partition, key, value));
        kit.producer.flush();
    }

    private static void erase(DispatcherTestKit kit, int partition, String key, Erasure erasure) {
        kit.producer.send(new ProducerRecord<>(kit.topic, partition, key, null,
                List.of(new RecordHeader(Erasure.HEADER, erasure.encode()))));
        kit.producer.flush();
    }

    /** A counter of the dispatcher's /metrics, summed over its series whose labels contain {@code label}. */
    private static double metric(DispatcherTestKit kit, String name, String label) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kit.dispatcher.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name + "{") && l.contains("\"" + label + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

}
