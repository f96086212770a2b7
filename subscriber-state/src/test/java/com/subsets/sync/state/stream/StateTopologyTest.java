package com.subsets.sync.state.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology on Kafka Streams' test driver: what reaches the state topic and the dead-letter topic. */
class StateTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final int MAX_RECORD_BYTES = 20_000;
    static final ErasureSettings ERASURE = new ErasureSettings("topology-test-salt".getBytes(StandardCharsets.UTF_8), Duration.ofDays(30));
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
        driver = new TopologyTestDriver(StateTopology.build("events", "state", "state.dlq", "erasures", ERASURE, new StateMetrics(registry),
                MAX_RECORD_BYTES), props);
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
        send("s-15", 15, "0.98");
        send("s-20", 20, "0.98");
        send("s-30", 30, "0.98");
        send("s-40", 40, "0.12");

        List<TestRecord<String, byte[]>> written = states.readRecordsToList();
        // The older score changes no current value, but it is a value the subscriber held (the add mode's list).
        assertThat(written).hasSize(3);
        assertThat(written).extracting(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8))
                .getJsonObject("fields").getJsonObject("subsetsSubscriberChurnRisk").getString("value"))
                .containsExactly("0.98", "0.98", "0.12");
        assertThat(new JsonObject(new String(written.get(2).value(), StandardCharsets.UTF_8)).getJsonObject("fields")
                .getJsonObject("subsetsSubscriberChurnRisk").getJsonArray("seen")).extracting(s -> ((io.vertx.core.json.JsonArray) s).getString(0))
                .containsExactly("0.69", "0.98", "0.12");
        assertThat(written).as("keyed by the userId, the e-mail in the value").extracting(TestRecord::key)
                .containsOnly("acme\u001Fu-1\u001F");
        assertThat(new JsonObject(new String(written.get(0).value(), StandardCharsets.UTF_8)).getJsonObject("subscriber"))
                .isEqualTo(new JsonObject().put("userId", "u-1").put("email", "ada@example.com"));
        assertThat(registry.get("state.events").tag("outcome", "stale").counter().count()).isEqualTo(1);
        assertThat(registry.get("state.events").tag("outcome", "duplicate").counter().count()).isEqualTo(1);
        assertThat(registry.get("state.events").tag("outcome", "refreshed").counter().count()).isEqualTo(1);
        assertThat(registry.get("state.events").tag("outcome", "changed").counter().count()).isEqualTo(3);
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

    /**
     * Issue 25's example, after an e-mail-only score: the e-mail-only subscriber is tombstoned when the assignment links
     * its e-mail to u-1, and u-1's one current record ends cleared with the newest churn, carrying both identifiers.
     */
    @Test
    void theIssuesExampleLeavesOneCurrentRecordPerSubscriberAndTombstonesTheEmailOnlyOne() {
        Subscriber ada = new Subscriber(null, "ada@example.com");
        Subscriber u1 = new Subscriber("u-1", null);
        Subscriber both = new Subscriber("u-1", "ada@example.com");
        pipe(new AssignmentEvent("e-8", EventType.CHURN_RISK_SCORED, "acme", T0.minusSeconds(3600), ada, null, null, null,
                new BigDecimal("0.2")));
        pipe(new AssignmentEvent("e-9", EventType.ASSIGNED, "acme", T0, both, new Experiment("exp-1", "Winback"),
                Assignment.TREATMENT, T0, new BigDecimal("0.5")));
        pipe(new AssignmentEvent("e-10", EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(3600), u1, null, null, null,
                new BigDecimal("0.9")));
        pipe(new AssignmentEvent("e-11", EventType.UNASSIGNED, "acme", T0.plusSeconds(7200), both, new Experiment("exp-1", null),
                null, null, null));

        List<TestRecord<String, byte[]>> written = states.readRecordsToList();
        String emailKey = "acme\u001F\u001Fada@example.com";
        String userKey = "acme\u001Fu-1\u001F";
        assertThat(written).extracting(TestRecord::key).containsExactly(emailKey, emailKey, userKey, userKey, userKey);
        assertThat(written.get(1).value()).as("the e-mail-only record, superseded by the link, tombstoned").isNull();
        Map<String, byte[]> latest = new HashMap<>();
        written.forEach(r -> latest.put(r.key(), r.value()));
        assertThat(latest).containsOnlyKeys(emailKey, userKey).containsEntry(emailKey, null);
        JsonObject current = new JsonObject(new String(latest.get(userKey), StandardCharsets.UTF_8));
        assertThat(current.getJsonObject("subscriber")).isEqualTo(new JsonObject().put("userId", "u-1").put("email", "ada@example.com"));
        assertThat(current.getJsonObject("fields").getJsonObject("subsetsSubscriberChurnRisk").getString("value")).isEqualTo("0.90");
        assertThat(current.getJsonObject("fields").getJsonObject("subsetsExperimentId").getString("value")).isNull();
        assertThat(current.getJsonObject("fields").getJsonObject("subsetsExperimentId").getString("eventId")).isEqualTo("e-11");
        KeyValueStore<String, byte[]> stored = driver.getKeyValueStore(StateTopology.STORE);
        assertThat(stored.get(emailKey)).as("deleted from the store too").isNull();
        assertThat(driver.<String, byte[]>getKeyValueStore(StateTopology.LINKS_STORE).get(emailKey)).isNotNull();
        assertThat(registry.get("state.links").tag("change", "made").counter().count()).isEqualTo(1);
    }

    private void pipe(AssignmentEvent event) {
        events.pipeInput("acme", codec.encode(event));
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

    @Test
    void aDeadLetterOverMaxRequestSizeIsWrittenTruncatedPointingToTheOriginal() {
        byte[] big = ("{" + "x".repeat(30_000)).getBytes(StandardCharsets.UTF_8);
        events.pipeInput("acme", big);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEmpty();
        assertThat(header(dead, "dlq-truncated")).isEqualTo("true");
        assertThat(header(dead, "dlq-reason")).isEqualTo("malformed_json");
        assertThat(header(dead, "dlq-source")).isEqualTo("events/0@0");
        assertThat(registry.get("state.dead.letters.truncated").counter().count()).isEqualTo(1);
        assertThat(ApplyEvents.sizeOf(dead.key().getBytes(StandardCharsets.UTF_8), dead.value(), dead.headers()))
                .isLessThan(MAX_RECORD_BYTES);
    }

    @Test
    void anEventWhoseStoredStateCannotBeReadIsDeadLetteredAndTheNextAreApplied() {
        driver.<String, byte[]>getKeyValueStore(StateTopology.STORE).put("acme\u001Fu-1\u001F", "not a state".getBytes(StandardCharsets.UTF_8));
        send("s-10", 10, "0.50");
        pipe(new AssignmentEvent("s-11", EventType.CHURN_RISK_SCORED, "acme", T0, new Subscriber("u-2", null), null, null, null,
                new BigDecimal("0.7")));

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, "dlq-reason")).isEqualTo("processing_failed");
        assertThat(header(dead, "dlq-source")).isEqualTo("events/0@0");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("s-10");
        assertThat(states.readRecordsToList()).extracting(TestRecord::key).containsExactly("acme\u001Fu-2\u001F");
        assertThat(driver.<String, byte[]>getKeyValueStore(StateTopology.LINKS_STORE).get("acme\u001Fu-1\u001F"))
                .as("no link of the failed event kept").isNull();
        assertThat(registry.get("state.records.dead.lettered").tag("reason", "processing_failed").counter().count()).isEqualTo(1);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
