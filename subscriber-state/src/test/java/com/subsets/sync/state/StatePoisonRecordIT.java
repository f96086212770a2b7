package com.subsets.sync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.TopicCheck;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No record stops a partition of the state service (issue 26 item 3), and it refuses topics whose partition counts
 * disagree (item 4). One partition, so every tenant shares the poisoned one: a dead letter over the producer's
 * max.request.size is written truncated, an event whose stored state cannot be read is dead-lettered, and the events
 * after either, of another subscriber or tenant, are applied.
 */
@ExtendWith(RealServices.class)
class StatePoisonRecordIT {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private final EventCodec codec = new EventCodec();

    @Test
    void aDeadLetterOverMaxRequestSizeIsTruncatedAndThePartitionGoesOn(KafkaService kafka) throws Exception {
        String events = "poison-size.events";
        String state = "poison-size.state";
        kafka.createTopics(1, events, state, events + ".dlq", StateServiceEnv.erasures(events));
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "poison-size", events, state);
        env.put("KAFKA_PROPERTY_MAX_REQUEST_SIZE", "20000");
        send(kafka, events, "acme", ("{" + "x".repeat(30_000)).getBytes(StandardCharsets.UTF_8));
        send(kafka, events, "other", codec.encode(score("o-1", "other", "u-9", "0.40")));

        SubscriberStateService service = start(env);
        try {
            Await.until("the other tenant's state applied after the poison record", Duration.ofSeconds(60),
                    () -> CommittedRecords.of(kafka, state).stream().anyMatch(r -> r.key().startsWith("other")));
            List<ConsumerRecord<String, byte[]>> dead = CommittedRecords.of(kafka, events + ".dlq");
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(r.value()).isEmpty();
                assertThat(header(r, "dlq-truncated")).isEqualTo("true");
                assertThat(header(r, "dlq-reason")).isEqualTo("malformed_json");
                assertThat(header(r, "dlq-source")).isEqualTo(events + "/0@0");
            });
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEventWhoseStoredStateCannotBeReadIsDeadLetteredAndThePartitionGoesOn(KafkaService kafka) throws Exception {
        String events = "poison-store.events";
        String state = "poison-store.state";
        String application = "poison-store";
        kafka.createTopics(1, events, state, events + ".dlq", StateServiceEnv.erasures(events), application + "-subscriber-state-changelog");
        // A stored state that cannot be read: restored into the store from its changelog when the service starts.
        send(kafka, application + "-subscriber-state-changelog", "acme\u001Fu-1\u001F", "not a state".getBytes(StandardCharsets.UTF_8));
        send(kafka, events, "acme", codec.encode(score("p-1", "acme", "u-1", "0.10")));
        send(kafka, events, "acme", codec.encode(score("p-2", "acme", "u-2", "0.20")));
        send(kafka, events, "zeta", codec.encode(score("p-3", "zeta", "u-3", "0.30")));

        SubscriberStateService service = start(StateServiceEnv.of(kafka.bootstrapServers(), application, events, state));
        try {
            Await.until("the events after the poison record applied", Duration.ofSeconds(60),
                    () -> CommittedRecords.of(kafka, state).stream().filter(r -> !r.key().startsWith("acme\u001Fu-1")).count() == 2);
            List<ConsumerRecord<String, byte[]>> dead = CommittedRecords.of(kafka, events + ".dlq");
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(header(r, "dlq-reason")).isEqualTo("processing_failed");
                assertThat(header(r, "dlq-source")).isEqualTo(events + "/0@0");
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("p-1");
            });
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesToRunWhenTheEventsAndStateTopicsDisagreeOnPartitions(KafkaService kafka) throws Exception {
        kafka.createTopics(2, "mismatch.events", "mismatch.events.dlq", StateServiceEnv.erasures("mismatch.events"));
        kafka.createTopics(1, "mismatch.state");
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "mismatch", "mismatch.events", "mismatch.state");

        assertThatThrownBy(() -> start(env)).isInstanceOf(TopicCheck.PartitionMismatch.class)
                .hasMessageContaining("mismatch.events has 2 partitions, mismatch.state has 1 partition");
    }

    private static SubscriberStateService start(Map<String, String> env) throws Exception {
        return SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
    }

    private static AssignmentEvent score(String id, String tenant, String userId, String risk) {
        return new AssignmentEvent(id, EventType.CHURN_RISK_SCORED, tenant, T0, new Subscriber(userId, null), null, null, null,
                new BigDecimal(risk));
    }

    private static void send(KafkaService kafka, String topic, String key, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
