package com.subsets.sync.provisioner;

import com.subsets.sync.infra.FreePorts;
import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.blueconic.BlueConicDestination;
import com.subsets.sync.blueconic.BlueConicDispatcher;
import com.subsets.sync.blueconic.BlueConicDispatcherConfig;
import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.iterable.IterableDestination;
import com.subsets.sync.iterable.IterableDispatcher;
import com.subsets.sync.iterable.IterableDispatcherConfig;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both dispatchers read their destinations from the provisioner: they deliver once a destination is
 * READY, follow a change of credentials and a deletion without a restart, keep delivering on their last
 * known destinations while the provisioner is down, and their reports become the delivery history.
 */
@ExtendWith(RealServices.class)
class DispatchersFollowIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private String topic;
    private int sequence;

    @Test
    void dispatchersFollowRegistrationChangeOutageAndDeletion(PostgresService postgres, KafkaService kafka) throws Exception {
        Vertx vertx = Vertx.vertx();
        IterableSimulator iterable = new IterableSimulator(vertx);
        BlueConicSimulator blueConic = new BlueConicSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        IterableProject first = iterable.addProject("p-first", "iterable-key-first", IterableProject.Identity.USER_ID);
        IterableProject second = iterable.addProject("p-second", "iterable-key-second", IterableProject.Identity.USER_ID);
        BlueConicTenant bc = blueConic.addTenant("follow", "client-follow", "secret-follow");

        topic = "follow-it.events";
        String reports = "follow-it.reports";
        kafka.createTopics(2, topic, topic + ".dlq.iterable", topic + ".dlq.blueconic", reports);
        Map<String, String> provisionerEnv = ProvisionerTestKit.env(postgres.createDatabase("follow_it"), kafka, iterable.port(), reports);
        int port = FreePorts.any();
        provisionerEnv.put("PROVISIONER_HTTP_PORT", String.valueOf(port));
        ProvisionerService provisioner = ProvisionerTestKit.start(provisionerEnv);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());

        DispatcherService<IterableDestination> iterableDispatcher = null;
        DispatcherService<BlueConicDestination> blueConicDispatcher = null;
        try {
            operator(port, "PUT", "/v1/tenants/follow/destinations/iterable", new JsonObject().put("apiKey", "iterable-key-first").encode());
            operator(port, "PUT", "/v1/tenants/follow/destinations/blueconic", new JsonObject()
                    .put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-follow")
                    .put("clientSecret", "secret-follow").put("strategy", "UPSERT").encode());
            await("READY", WAIT, () -> status(port, "follow", "iterable").equals("READY") && status(port, "follow", "blueconic").equals("READY"));
            Map<String, String> iterableEnv = env("ITERABLE_", kafka, port, reports);
            iterableDispatcher = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(new EnvReader(iterableEnv::get),
                    iterableEnv.keySet())).await(60, TimeUnit.SECONDS);
            Map<String, String> blueConicEnv = env("BLUECONIC_", kafka, port, reports);
            blueConicDispatcher = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(new EnvReader(blueConicEnv::get),
                    blueConicEnv.keySet())).await(60, TimeUnit.SECONDS);

            // READY destinations are delivered to.
            send("u1");
            await("u1 at both", WAIT, () -> first.profile("u1") != null && bc.profileBy("email", "u1@example.com") != null);
            assertThat(first.profile("u1")).containsEntry("subsetsExperimentName", "Winback");

            // A new API key (another project) is followed without a restart. While it is being provisioned (slowly
            // here), the last READY revision keeps being served: events go to the first project, none is skipped.
            second.faults().latency(1_500);
            operator(port, "PUT", "/v1/tenants/follow/destinations/iterable", new JsonObject().put("apiKey", "iterable-key-second").encode());
            Thread.sleep(700);
            assertThat(status(port, "follow", "iterable")).as("still being provisioned").isNotEqualTo("READY");
            send("u-mid");
            await("u-mid delivered with the last READY revision", WAIT, () -> first.profile("u-mid") != null);
            await("READY again", WAIT, () -> status(port, "follow", "iterable").equals("READY"));
            second.faults().latency(0);
            Thread.sleep(1_000);
            send("u2");
            await("u2 in the second project", WAIT, () -> second.profile("u2") != null);
            assertThat(first.profile("u2")).isNull();
            // A key rotated without a projectId is the same project: one budget, not a second one for the new key.
            int iterableMetricsPort = iterableDispatcher.port();
            assertThat(budgets(iterableMetricsPort)).as("one budget for the tenant's project across the rotation")
                    .containsExactly("iterable:6af136c867c2"); // the fingerprint of iterable:tenant-follow@127.0.0.1

            // The provisioner away: the last known destinations keep working.
            provisioner.close().await(30, TimeUnit.SECONDS);
            provisioner = null;
            Thread.sleep(1_000);
            send("u3");
            await("u3 delivered while the provisioner is down", WAIT,
                    () -> second.profile("u3") != null && bc.profileBy("email", "u3@example.com") != null);

            // Back, and the Iterable destination deleted: Iterable stops, BlueConic goes on.
            provisioner = ProvisionerTestKit.start(provisionerEnv);
            assertThat(operator(port, "DELETE", "/v1/tenants/follow/destinations/iterable", null).status()).isEqualTo(204);
            Thread.sleep(1_500);
            send("u4");
            int iterablePort = iterableDispatcher.port();
            await("u4 at BlueConic and skipped for Iterable", WAIT, () -> bc.profileBy("email", "u4@example.com") != null
                    && ProvisionerTestKit.call(iterablePort, "GET", "/metrics", null, null).body().lines()
                    .anyMatch(line -> line.contains("no_ready_destination") && !line.startsWith("#") && !line.endsWith(" 0.0")));
            assertThat(second.profile("u4")).isNull();
            await("the deleted destination's lane, budget and gauge gone", WAIT, () -> budgets(iterablePort).isEmpty());

            // A tenant registered but not READY yet: its records wait for it instead of being skipped.
            BlueConicTenant late = blueConic.addTenant("late", "client-late", "secret-late");
            late.faults().latency(700);
            operator(port, "PUT", "/v1/tenants/late/destinations/blueconic", new JsonObject()
                    .put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-late")
                    .put("clientSecret", "secret-late").put("strategy", "UPSERT").encode());
            Thread.sleep(700);
            assertThat(status(port, "late", "blueconic")).as("still being provisioned").isNotEqualTo("READY");
            send("late", "early-bird");
            await("held until READY, then delivered", WAIT, () -> late.profileBy("email", "early-bird@example.com") != null);

            // The dispatchers' reports are the destinations' delivery history.
            await("history", WAIT, () -> operator(port, "GET", "/v1/tenants/follow/destinations/blueconic/status", null).json()
                    .getJsonObject("delivery").getJsonObject("total").getLong("updated") >= 4);
            JsonObject history = operator(port, "GET", "/v1/tenants/follow/destinations/blueconic/status", null).json();
            assertThat(history.getString("status")).isEqualTo("READY");
            assertThat(history.getJsonObject("delivery").getString("lastSuccessAt")).isNotNull();
            assertThat(history.getJsonObject("delivery").getJsonArray("days")).hasSize(1);
            JsonObject iterableHistory = operator(port, "GET", "/v1/tenants/follow/destinations/iterable/status", null).json();
            assertThat(iterableHistory.getBoolean("registered")).isFalse();
            assertThat(iterableHistory.getJsonObject("delivery").getJsonObject("total").getLong("updated")).isGreaterThanOrEqualTo(3);
        } finally {
            producer.close();
            if (iterableDispatcher != null) {
                iterableDispatcher.close().await(30, TimeUnit.SECONDS);
            }
            if (blueConicDispatcher != null) {
                blueConicDispatcher.close().await(30, TimeUnit.SECONDS);
            }
            if (provisioner != null) {
                provisioner.close().await(30, TimeUnit.SECONDS);
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private Map<String, String> env(String prefix, KafkaService kafka, int provisionerPort, String reports) {
        return ProvisionerTestKit.dispatcherEnv(prefix, kafka.bootstrapServers(), "events", topic, reports, provisionerPort, 50);
    }

    private void send(String user) {
        send("follow", user);
    }

    private void send(String tenant, String user) {
        AssignmentEvent event = new AssignmentEvent("e-" + (++sequence), EventType.ASSIGNED, tenant,
                Instant.parse("2026-11-22T10:00:00Z").plusSeconds(sequence), new Subscriber(user, user + "@example.com"),
                new Experiment("exp-1", "Winback"), Assignment.TREATMENT, Instant.parse("2026-11-22T09:00:00Z"), null);
        producer.send(new ProducerRecord<>(topic, event.tenantId(), codec.encode(event)));
        producer.flush();
    }

    /** The budgets whose rate a dispatcher exports. */
    private static java.util.List<String> budgets(int dispatcherPort) {
        return ProvisionerTestKit.call(dispatcherPort, "GET", "/metrics", null, null).body().lines()
                .filter(line -> line.startsWith("dispatcher_budget_rate{"))
                .map(line -> line.replaceAll(".*budget=\"([^\"]*)\".*", "$1")).toList();
    }

}
