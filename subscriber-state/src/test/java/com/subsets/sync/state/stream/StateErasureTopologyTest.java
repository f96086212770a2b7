package com.subsets.sync.state.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Erasures on Kafka Streams' test driver: tombstones with their header, the erasures topic, the memory and its expiry. */
class StateErasureTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final String USER_KEY = "acme\u001Fu-1\u001F";
    private static final String EMAIL_KEY = "acme\u001F\u001Fada@example.com";
    private final EventCodec codec = new EventCodec();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> states;
    private TestOutputTopic<String, byte[]> erasures;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put("application.id", "state-erasure-test");
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(StateTopology.build("events", "state", "state.dlq", "erasures",
                new ErasureSettings("topology-test-salt".getBytes(StandardCharsets.UTF_8), Duration.ofDays(30)),
                new StateMetrics(registry), 20_000), props, T0);
        events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
        states = driver.createOutputTopic("state", new StringDeserializer(), new ByteArrayDeserializer());
        erasures = driver.createOutputTopic("erasures", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void score(String id, int second, String userId, String email) {
        events.pipeInput("acme", codec.encode(new AssignmentEvent(id, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(second),
                new Subscriber(userId, email), null, null, null, new BigDecimal("0.5"))));
    }

    private void erase(String id, int second, String userId, String email) {
        events.pipeInput("acme", codec.encode(new AssignmentEvent(id, EventType.ERASED, "acme", T0.plusSeconds(second),
                new Subscriber(userId, email), null, null, null, null)));
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void anErasureTombstonesEveryKeyWithTheFullIdentityAndIsWrittenToTheErasuresTopic() {
        score("s-1", 1, "u-1", "ada@example.com");
        states.readRecordsToList();

        erase("x-1", 100, null, "ada@example.com");

        List<TestRecord<String, byte[]>> tombstones = states.readRecordsToList();
        Erasure expected = new Erasure("x-1", "acme", T0.plusSeconds(100), new Subscriber("u-1", "ada@example.com"));
        assertThat(tombstones).extracting(TestRecord::key).containsExactly(USER_KEY, EMAIL_KEY);
        assertThat(tombstones).allSatisfy(t -> {
            assertThat(t.value()).isNull();
            assertThat(Erasure.decode(t.headers().lastHeader(Erasure.HEADER).value())).isEqualTo(expected);
        });
        TestRecord<String, byte[]> written = erasures.readRecord();
        assertThat(written.key()).isEqualTo("acme");
        assertThat(Erasure.decode(written.value())).isEqualTo(expected);
        assertThat(driver.<String, byte[]>getKeyValueStore(StateTopology.STORE).get(USER_KEY)).isNull();
        assertThat(driver.<String, byte[]>getKeyValueStore(StateTopology.LINKS_STORE).get(USER_KEY)).isNull();
        assertThat(driver.<String, byte[]>getKeyValueStore(StateTopology.LINKS_STORE).get(EMAIL_KEY)).isNull();
        assertThat(counter("state.erasures")).isEqualTo(1);
        assertThat(counter("state.erasure.tombstones")).isEqualTo(2);

        KeyValueStore<String, byte[]> memory = driver.getKeyValueStore(StateTopology.ERASED_STORE);
        try (KeyValueIterator<String, byte[]> all = memory.all()) {
            all.forEachRemaining(entry -> {
                assertThat(entry.key).as("a hash, never the identifier").matches("[0-9a-f]{64}");
                assertThat(new String(entry.value, StandardCharsets.ISO_8859_1)).doesNotContain("ada").doesNotContain("u-1");
                assertThat(ErasureMemory.erasedAt(entry.value)).isEqualTo(T0.plusSeconds(100));
            });
        }
        assertThat(memory.approximateNumEntries()).isEqualTo(2);
    }

    @Test
    void anOlderEventOfAnErasedIdentifierIsDroppedAndANewerOneCreatesTheSubscriberAgain() {
        score("s-1", 1, "u-1", "ada@example.com");
        erase("x-1", 100, "u-1", null);
        states.readRecordsToList();

        score("late", 50, "u-1", null);
        score("same-time", 100, null, "ada@example.com");
        assertThat(states.isEmpty()).as("nothing of an overtaken event applied").isTrue();
        assertThat(driver.<String, byte[]>getKeyValueStore(StateTopology.STORE).get(USER_KEY)).isNull();
        assertThat(counter("state.events", "outcome", "erased")).isEqualTo(2);

        score("back", 101, "u-1", null);
        TestRecord<String, byte[]> again = states.readRecord();
        assertThat(again.key()).isEqualTo(USER_KEY);
        assertThat(new JsonObject(new String(again.value(), StandardCharsets.UTF_8)).getJsonObject("subscriber"))
                .as("created again, without the erased link").isEqualTo(new JsonObject().put("userId", "u-1"));
    }

    @Test
    void theMemoryIsSweptOnTheWallClockOnceItsTimeHasPassed() {
        erase("x-1", 100, "u-1", "ada@example.com");
        KeyValueStore<String, byte[]> memory = driver.getKeyValueStore(StateTopology.ERASED_STORE);
        assertThat(memory.approximateNumEntries()).isEqualTo(2);

        driver.advanceWallClockTime(Duration.ofDays(29));
        assertThat(memory.approximateNumEntries()).isEqualTo(2);
        driver.advanceWallClockTime(Duration.ofDays(1).plusHours(1));

        assertThat(memory.approximateNumEntries()).isZero();
        assertThat(counter("state.erased.identifiers.expired")).isEqualTo(2);
        score("late", 50, "u-1", null);
        assertThat(states.readRecordsToList()).as("forgotten: an old event applies again").extracting(TestRecord::key)
                .contains(USER_KEY);
    }
}
