package com.subsets.sync.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.Await;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Brands of one publisher on one BlueConic instance: brand-a and brand-b with OAuth applications and
 * matching properties of their own, and brand-c on brand-a's application matching on email. Every request
 * carries one tenant's rows, matched on that tenant's property, with a token of that tenant's application;
 * every subscriber ends in its own tenant's profiles; brand-a and brand-c share one concurrency budget and
 * the instance never answers 429 although each application allows two requests at once and the dispatcher
 * would send two per tenant.
 */
@ExtendWith(RealServices.class)
class BlueConicTenantIsolationIT {

    private static final int USERS = 150;
    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    @Test
    void eachRequestCarriesOneTenantsRowsWithItsOwnTokenAndMatchingProperty(KafkaService kafka) throws Exception {
        String topic = "blueconic-isolation.events";
        kafka.createTopics(2, topic, topic + ".dlq", topic + ".reports");
        Vertx vertx = Vertx.vertx();
        BlueConicSimulator simulator = new BlueConicSimulator(vertx);
        BlueConicTenant instance = simulator.addTenant("publisher", "client-brand-a", "secret-a");
        simulator.addApplication("publisher", "client-brand-b", "secret-b");
        SubsetsProperties.defineOn(instance);
        instance.property(new JsonObject().put("id", "customer_id").put("name", "Customer id").put("indexed", true));
        instance.property(new JsonObject().put("id", "brand_b_id").put("name", "Brand B id").put("indexed", true));
        instance.maxConcurrentRequests(2).recordBulkWrites().faults().latency(40);
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + simulator.port();
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BLUECONIC_TOPIC", topic, "BLUECONIC_DEAD_LETTER_TOPIC", topic + ".dlq", "BLUECONIC_GROUP_ID", topic,
                "BLUECONIC_REPORTS_TOPIC", topic + ".reports", "BLUECONIC_HTTP_HOST", "127.0.0.1", "BLUECONIC_HTTP_PORT", "0",
                "BLUECONIC_LINGER_MS", "50", "BLUECONIC_BATCH_MAX_ROWS", "20", "BLUECONIC_INSECURE_HOSTS", "127.0.0.1"));
        env.put("BLUECONIC_INPUT", "events");
        env.put("BLUECONIC_INITIAL_IN_FLIGHT", "2");
        env.put("BLUECONIC_MAX_IN_FLIGHT", "2");
        env.put("BLUECONIC_DESTINATIONS", new JsonObject()
                .put("brand-a", destination(url, "client-brand-a", "secret-a", "customer_id"))
                .put("brand-b", destination(url, "client-brand-b", "secret-b", "brand_b_id"))
                .put("brand-c", destination(url, "client-brand-a", "secret-a", "email")).encode());
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            // The same user ids in every tenant, interleaved: a shared batch would coalesce or cross them.
            for (int u = 0; u < USERS; u++) {
                for (String brand : List.of("brand-a", "brand-b", "brand-c")) {
                    producer.send(new ProducerRecord<>(topic, brand, codec.encode(assigned(brand, u))));
                }
            }
            producer.flush();
        }
        DispatcherService<BlueConicDestination> dispatcher = BlueConicDispatcher.start(
                BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
        try {
            Await.until("every subscriber in its own tenant's profile", Duration.ofSeconds(60),
                    () -> current(instance, "customer_id", "brand-a") == USERS && current(instance, "brand_b_id", "brand-b") == USERS
                            && current(instance, "email", "brand-c") == USERS);
        } finally {
            dispatcher.close().await(60, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }

        Map<String, String> clientOf = Map.of("customer_id", "client-brand-a", "brand_b_id", "client-brand-b",
                "email", "client-brand-a");
        List<BlueConicTenant.BulkWrite> writes = instance.bulkWrites();
        assertThat(writes).hasSizeGreaterThanOrEqualTo(3 * USERS / 20);
        for (BlueConicTenant.BulkWrite write : writes) {
            Set<String> matchedOn = Set.copyOf(write.matchingProperties());
            assertThat(matchedOn).as("one tenant's rows per request").hasSize(1);
            String property = matchedOn.iterator().next();
            assertThat(write.clientId()).as("sent with the token of the tenant whose rows it carries")
                    .isEqualTo(clientOf.get(property));
            assertThat(write.identifiers()).allMatch(id -> property.equals("email") ? id.endsWith("@brand-c.example.com")
                    : id.startsWith("u-"));
        }
        assertThat(instance.calls()).extracting(RecordedCall::status).as("each application's concurrency is never exceeded")
                .doesNotContain(429);
        Map<String, List<String>> crossed = instance.profileBy("customer_id", "u-7");
        assertThat(crossed).as("brand-b's subscriber u-7 never reached brand-a's profile u-7")
                .containsEntry(DestinationField.EXPERIMENT_ID.blueConicId(), List.of("exp-brand-a"))
                .doesNotContainKey("brand_b_id");
    }

    private static JsonObject destination(String url, String clientId, String secret, String matchingProperty) {
        return new JsonObject().put("instanceUrl", url).put("clientId", clientId).put("clientSecret", secret)
                .put("matchingProperty", matchingProperty).put("strategy", "UPSERT");
    }

    /** brand-a and brand-b identify by userId (u-N); brand-c by e-mail. */
    private static AssignmentEvent assigned(String brand, int user) {
        return new AssignmentEvent(brand + "-" + user, EventType.ASSIGNED, brand, T0.plusSeconds(user),
                new Subscriber("u-" + user, "u-" + user + "@" + brand + ".example.com"), new Experiment("exp-" + brand, "Winback " + brand),
                Assignment.TREATMENT, T0, null);
    }

    private static int current(BlueConicTenant instance, String property, String brand) {
        int current = 0;
        for (int u = 0; u < USERS; u++) {
            String key = property.equals("email") ? "u-" + u + "@" + brand + ".example.com" : "u-" + u;
            Map<String, List<String>> profile = instance.profileBy(property, key);
            if (profile != null && List.of("exp-" + brand).equals(profile.get(DestinationField.EXPERIMENT_ID.blueConicId()))) {
                current++;
            }
        }
        return current;
    }
}
