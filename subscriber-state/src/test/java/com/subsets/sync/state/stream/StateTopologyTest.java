package com.subsets.sync.state.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology on Kafka Streams' test driver: what reaches the state topic and the dead-letter topic. */
class StateTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private final EventCodec codec = new EventCodec();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> states;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put("application.id", "state-test");
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(StateTopology.build("events", "state", "state.dlq", new StateMetrics(registry)), props);
        events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
        states = driver.createOutputTopic("state", new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("state.dlq", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(String id, int second, String risk) {
        AssignmentEvent event = new AssignmentEvent(id, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(second),
                new Subscriber("u-1", "ada@example.com"), null, null, null, new BigDecimal(risk));
        events.pipeInput("acme", codec.encode(event));
    }

    @Test
    void onlyRealChangesAreWrittenAndTheyCarryTheNewestValue() {
        send("s-20", 20, "0.98");
        send("s-10", 10, "0.69");
        send("s-20", 20, "0.98");
        send("s-30", 30, "0.98");
        send("s-40", 40, "0.12");

        List<TestRecord<String, byte[]>> written = states.readRecordsToList();
        assertThat(written).hasSize(2);
        assertThat(written).extracting(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8))
                .getJsonObject("fields").getJsonObject("subsetsSubscriberChurnRisk").getString("value"))
                .containsExactly("0.98", "0.12");
        assertThat(written.get(0).key()).startsWith("acme\u001Fu-1\u001Fada@example.com");
        assertThat(registry.get("state.events").tag("outcome", "stale").counter().count()).isEqualTo(1);
        assertThat(registry.get("state.events").tag("outcome", "duplicate").counter().count()).isEqualTo(1);
        assertThat(registry.get("state.events").tag("outcome", "refreshed").counter().count()).isEqualTo(1);
        assertThat(registry.get("state.events").tag("outcome", "changed").counter().count()).isEqualTo(2);
    }

    /** The Kafka path decodes with the same rule as ingest: 1e-30 applies (as 0.00), 1e-30000000 is dead-lettered. */
    @Test
    void aTinyProbabilityAppliesAndAnExponentPastADoubleIsDeadLettered() {
        String scored = """
                {"eventId":"%s","type":"churn_risk.scored","tenantId":"acme","occurredAt":"2026-11-22T09:00:%sZ",
                 "subscriber":{"userId":"u-1","email":"ada@example.com"},"churnRisk":%s}""";
        events.pipeInput("acme", scored.formatted("s-10", "10", "0.5").getBytes(StandardCharsets.UTF_8));
        events.pipeInput("acme", scored.formatted("s-20", "20", "1e-30").getBytes(StandardCharsets.UTF_8));
        events.pipeInput("acme", scored.formatted("s-30", "30", "1e-30000000").getBytes(StandardCharsets.UTF_8));

        assertThat(states.readRecordsToList()).extracting(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8))
                .getJsonObject("fields").getJsonObject("subsetsSubscriberChurnRisk").getString("value"))
                .containsExactly("0.50", "0.00");
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader("dlq-reason").value(), StandardCharsets.UTF_8))
                .containsExactly("contract_violation");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).contains("1e-30000000");
    }

    @Test
    void recordsThatAreNotValidEventsAreDeadLetteredWithTheirReason() {
        events.pipeInput("acme", "{not json".getBytes(StandardCharsets.UTF_8));
        events.pipeInput("acme", "{\"eventId\":\"x\"}".getBytes(StandardCharsets.UTF_8));

        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader("dlq-reason").value(), StandardCharsets.UTF_8))
                .containsExactly("malformed_json", "contract_violation");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).as("the original bytes").isEqualTo("{not json");
        assertThat(states.isEmpty()).isTrue();
    }
}
