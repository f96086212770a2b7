package com.subsets.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.state.stream.StateTopology;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 29 on a real broker, exactly once: a subscriber known by userId and e-mail (linked) erased by its e-mail
 * leaves tombstones for both keys, each with the full identity in its header, and the erasure on the erasures topic;
 * the stores no longer hold it; a late event older than the erasure is dropped and a newer one creates the subscriber
 * again; and the memory of the erasure survives a new instance restoring its stores from the changelogs.
 */
@ExtendWith(RealServices.class)
class StateErasureIT {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final String ADA = "ada@example.com";
    private static final String USER_KEY = "acme\u001Fu-1\u001F";
    private static final String EMAIL_KEY = "acme\u001F\u001F" + ADA;
    private static final String OTHER_KEY = "acme\u001Fu-2\u001F";

    private final EventCodec codec = new EventCodec();

    @Test
    void anErasedSubscriberLeavesTombstonesWithItsIdentityAndIsNotBroughtBackByAnOlderEvent(KafkaService kafka) throws Exception {
        String events = "erasure-it.events";
        String state = "erasure-it.state";
        String erasures = StateServiceEnv.erasures(events);
        kafka.createTopics(3, events, state, events + ".dlq", erasures);
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "erasure-it", events, state);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            send(producer, events, new AssignmentEvent("a-1", EventType.ASSIGNED, "acme", T0, new Subscriber("u-1", ADA),
                    new Experiment("exp-1", "Winback"), Assignment.TREATMENT, T0, new BigDecimal("0.5")));
            send(producer, events, score("s-1", T0.plusSeconds(10), "u-1", null, "0.6"));
            send(producer, events, score("s-2", T0.plusSeconds(10), "u-2", null, "0.1"));
            send(producer, events, new AssignmentEvent("x-1", EventType.ERASED, "acme", T0.plusSeconds(100), new Subscriber(null, ADA),
                    null, null, null, null));

            SubscriberStateService service = start(env);
            try {
                Erasure expected = new Erasure("x-1", "acme", T0.plusSeconds(100), new Subscriber("u-1", ADA));
                List<ConsumerRecord<String, byte[]>> written = new ArrayList<>();
                Await.until("both tombstones of the erasure", Duration.ofSeconds(60), () -> {
                    written.clear();
                    written.addAll(CommittedRecords.of(kafka, state));
                    return written.stream().filter(r -> r.value() == null && r.headers().lastHeader(Erasure.HEADER) != null).count() == 2;
                });
                List<ConsumerRecord<String, byte[]>> tombstones = written.stream().filter(r -> r.value() == null).toList();
                assertThat(tombstones).extracting(ConsumerRecord::key).containsExactly(USER_KEY, EMAIL_KEY);
                int tenantPartition = Utils.toPositive(Utils.murmur2("acme".getBytes(StandardCharsets.UTF_8))) % 3;
                assertThat(tombstones).allSatisfy(t -> {
                    assertThat(t.partition()).isEqualTo(tenantPartition);
                    assertThat(Erasure.decode(t.headers().lastHeader(Erasure.HEADER).value())).as("the full identity on both")
                            .isEqualTo(expected);
                });
                List<ConsumerRecord<String, byte[]>> erased = CommittedRecords.of(kafka, erasures);
                assertThat(erased).singleElement().satisfies(r -> {
                    assertThat(r.key()).isEqualTo("acme");
                    assertThat(r.partition()).as("partitioned by tenant, as the state").isEqualTo(tenantPartition);
                    assertThat(Erasure.decode(r.value())).isEqualTo(expected);
                });
                Await.until("the stores queryable", Duration.ofSeconds(30), () -> queryable(service));
                assertThat(service.stored(StateTopology.STORE, USER_KEY)).isNull();
                assertThat(service.stored(StateTopology.STORE, EMAIL_KEY)).isNull();
                assertThat(service.stored(StateTopology.LINKS_STORE, USER_KEY)).isNull();
                assertThat(service.stored(StateTopology.LINKS_STORE, EMAIL_KEY)).isNull();
                assertThat(service.stored(StateTopology.STORE, OTHER_KEY)).as("another subscriber kept").isNotNull();

                // Late and older than the erasure (by userId): dropped. The marker after it on the same partition shows it was read.
                send(producer, events, score("late-1", T0.plusSeconds(50), "u-1", null, "0.9"));
                send(producer, events, score("marker-1", T0.plusSeconds(200), "u-2", null, "0.2"));
                awaitScore(kafka, state, OTHER_KEY, "0.20");
                assertThat(after(CommittedRecords.of(kafka, state), "x-1")).as("nothing of u-1 after its erasure")
                        .extracting(ConsumerRecord::key).doesNotContain(USER_KEY, EMAIL_KEY);
                assertThat(service.registry().get("state.events").tag("outcome", "erased").counter().count()).isEqualTo(1);
            } finally {
                service.close().await(60, TimeUnit.SECONDS);
            }

            // A new instance with an empty state directory: every store, the erased identifiers' too, restored from its changelog.
            env.put("STATE_DIR", Files.createTempDirectory("erasure-it-restored").toString());
            SubscriberStateService restored = start(env);
            try {
                send(producer, events, score("late-2", T0.plusSeconds(60), null, ADA, "0.8"));
                send(producer, events, score("back", T0.plusSeconds(300), "u-1", null, "0.3"));
                awaitScore(kafka, state, USER_KEY, "0.30");
                List<ConsumerRecord<String, byte[]>> afterErasure = after(CommittedRecords.of(kafka, state), "x-1");
                assertThat(afterErasure).as("the older e-mail event dropped after the restore; the newer u-1 event applied")
                        .extracting(ConsumerRecord::key).doesNotContain(EMAIL_KEY).containsOnlyOnce(USER_KEY);
                JsonObject back = new JsonObject(new String(afterErasure.stream().filter(r -> USER_KEY.equals(r.key())).findFirst()
                        .orElseThrow().value(), StandardCharsets.UTF_8));
                assertThat(back.getJsonObject("subscriber")).as("a new subscriber: the erased link is gone")
                        .isEqualTo(new JsonObject().put("userId", "u-1"));
                assertThat(back.getJsonObject("fields").fieldNames()).as("none of the erased facts").containsOnly("subsetsSubscriberChurnRisk");
                assertThat(restored.registry().get("state.events").tag("outcome", "erased").counter().count()).isEqualTo(1);
            } finally {
                restored.close().await(60, TimeUnit.SECONDS);
            }
        }
    }

    private static SubscriberStateService start(Map<String, String> env) throws Exception {
        return SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
    }

    private void send(KafkaProducer<String, byte[]> producer, String topic, AssignmentEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topic, event.tenantId(), codec.encode(event))).get(30, TimeUnit.SECONDS);
    }

    private static AssignmentEvent score(String id, Instant at, String userId, String email, String risk) {
        return new AssignmentEvent(id, EventType.CHURN_RISK_SCORED, "acme", at, new Subscriber(userId, email), null, null, null,
                new BigDecimal(risk));
    }

    private static boolean queryable(SubscriberStateService service) {
        try {
            service.stored(StateTopology.STORE, OTHER_KEY);
            return true;
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            return false;
        }
    }

    /** The records written after the tombstones of the erasure {@code id}. */
    private static List<ConsumerRecord<String, byte[]>> after(List<ConsumerRecord<String, byte[]>> written, String id) {
        int last = -1;
        for (int i = 0; i < written.size(); i++) {
            var header = written.get(i).headers().lastHeader(Erasure.HEADER);
            if (header != null && Erasure.decode(header.value()).erasureId().equals(id)) {
                last = i;
            }
        }
        return written.subList(last + 1, written.size());
    }

    private static void awaitScore(KafkaService kafka, String state, String key, String risk) throws InterruptedException {
        Await.until(key.replace('\u001F', '/') + " at " + risk, Duration.ofSeconds(90), () -> CommittedRecords.of(kafka, state).stream()
                .anyMatch(r -> key.equals(r.key()) && r.value() != null && risk.equals(new JsonObject(new String(r.value(),
                        StandardCharsets.UTF_8)).getJsonObject("fields").getJsonObject("subsetsSubscriberChurnRisk").getString("value"))));
    }
}
