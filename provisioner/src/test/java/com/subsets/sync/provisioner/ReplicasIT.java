package com.subsets.sync.provisioner;

import com.subsets.sync.infra.FreePorts;
import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.ForkedJvm;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.common.RecordedCall;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several provisioner replicas on one database: racing on the same destinations they create nothing
 * twice and agree on the result; a replica killed mid-run leaves a destination that another resumes.
 */
@ExtendWith(RealServices.class)
class ReplicasIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static int run;

    private Vertx vertx;
    private IterableSimulator iterable;
    private BlueConicSimulator blueConic;
    private PostgresEndpoint db;
    private Map<String, String> env;
    private final List<ProvisionerService> replicas = new ArrayList<>();

    @BeforeEach
    void start(PostgresService postgres, KafkaService kafka) throws Exception {
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        blueConic = new BlueConicSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        db = postgres.createDatabase("replicas_it");
        String reports = "replicas-it-" + (++run) + ".reports";
        kafka.createTopics(1, reports);
        // Readiness needs every topic it uses (the default dead-letter, segment, subscriber-deliveries and erasures topics here).
        kafka.createTopics(1, com.subsets.sync.model.Topics.deadLetter("iterable"), com.subsets.sync.model.Topics.deadLetter("blueconic"),
                com.subsets.sync.model.Topics.SEGMENT_MEMBERSHIPS, com.subsets.sync.model.Topics.SUBSCRIBER_DELIVERIES,
                com.subsets.sync.model.Topics.ERASURES);
        env = ProvisionerTestKit.env(db, kafka, iterable.port(), reports);
    }

    @AfterEach
    void stop() throws Exception {
        for (ProvisionerService replica : replicas) {
            replica.close().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private ProvisionerService replica(String name) throws Exception {
        Map<String, String> own = new HashMap<>(env);
        own.put("PROVISIONER_REPLICA", name);
        ProvisionerService replica = ProvisionerTestKit.start(own);
        replicas.add(replica);
        return replica;
    }

    private static Map<String, Long> propertyWrites(BlueConicTenant tenant) {
        return tenant.calls().stream().filter(c -> c.method().equals("PUT") && c.path().contains("/profileProperties/"))
                .collect(Collectors.groupingBy(RecordedCall::path, Collectors.counting()));
    }

    @Test
    void replicasRacingOnTheSameDestinationsCreateNothingTwiceAndAgree() throws Exception {
        int a = replica("replica-a").port();
        int b = replica("replica-b").port();
        BlueConicTenant tenant = blueConic.addTenant("race", "client-race", "secret-race");
        // Slow vendor calls keep the first run going while the others arrive.
        tenant.faults().apply(new JsonObject().put("latencyMs", 150));
        IterableProject project = iterable.addProject("p-race", "iterable-key-race", IterableProject.Identity.USER_ID);
        project.faults().apply(new JsonObject().put("latencyMs", 500));

        String blueConicBody = new JsonObject().put("instanceUrl", "http://127.0.0.1:" + blueConic.port())
                .put("clientId", "client-race").put("clientSecret", "secret-race").encode();
        String iterableBody = new JsonObject().put("apiKey", "iterable-key-race").encode();
        // Registration answers once the row is committed and its run has started; the slow vendor then keeps
        // that run going (BlueConic: a token and ten property calls, Iterable: three calls) while both replicas
        // are asked to provision the same destinations at once.
        assertThat(operator(a, "PUT", "/v1/tenants/race/destinations/blueconic", blueConicBody).status()).isEqualTo(201);
        assertThat(operator(b, "PUT", "/v1/tenants/race/destinations/iterable", iterableBody).status()).isEqualTo(201);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int port : new int[] {a, b}) {
            for (String kind : new String[] {"blueconic", "iterable"}) {
                answers.add(pool.submit(() -> operator(port, "POST", "/v1/tenants/race/destinations/" + kind + "/provision", null).status()));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(statuses).as("provision requests meet the run in progress").contains(202).doesNotContain(404);

        await("READY at both", WAIT, () -> status(a, "race", "blueconic").equals("READY") && status(b, "race", "iterable").equals("READY"));
        for (String kind : new String[] {"blueconic", "iterable"}) {
            JsonObject seenByA = operator(a, "GET", "/v1/tenants/race/destinations/" + kind, null).json();
            JsonObject seenByB = operator(b, "GET", "/v1/tenants/race/destinations/" + kind, null).json();
            assertThat(seenByA).as("both replicas agree").isEqualTo(seenByB);
            seenByA.getJsonArray("fields").forEach(f -> assertThat(((JsonObject) f).getString("createdAt")).isNotNull());
        }
        assertThat(propertyWrites(tenant)).hasSize(5).allSatisfy((path, writes) -> assertThat(writes).as(path).isEqualTo(1));
        assertThat(project.calls().stream().filter(c -> c.path().endsWith("/bulkUpdate")).count())
                .as("one probe write creates the Iterable fields").isEqualTo(1);
    }

    @Test
    void aReplicaKilledMidRunLeavesTheDestinationToAnotherWhichResumes() throws Exception {
        BlueConicTenant tenant = blueConic.addTenant("crash", "client-crash", "secret-crash");
        tenant.faults().apply(new JsonObject().put("latencyMs", 700));
        int port = FreePorts.any();
        int metricsPort = FreePorts.any();
        Map<String, String> forked = new HashMap<>(env);
        forked.put("PROVISIONER_HTTP_PORT", String.valueOf(port));
        forked.put("PROVISIONER_METRICS_PORT", String.valueOf(metricsPort));
        forked.put("PROVISIONER_REPLICA", "doomed");
        forked.put("PROVISIONER_SWEEP_INTERVAL_MS", "600000");
        // A killed member holds its group until its session expires; the survivor's report consumer should not wait for it.
        forked.put("PROVISIONER_REPORTS_GROUP_ID", "doomed-reports");
        Process doomed = ForkedJvm.start(Main.class, forked, Path.of("target/crashed-provisioner.log"));
        try {
            await("the forked replica", WAIT, () -> {
                try {
                    return ProvisionerTestKit.call(metricsPort, "GET", "/health/ready", null, null).status() == 200;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            operator(port, "PUT", "/v1/tenants/crash/destinations/blueconic", new JsonObject()
                    .put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-crash")
                    .put("clientSecret", "secret-crash").encode());
            await("two properties written", WAIT, () -> propertyWrites(tenant).size() >= 2);
        } finally {
            doomed.destroyForcibly().waitFor();
        }
        Thread.sleep(1_000);
        int writtenBeforeCrash = propertyWrites(tenant).size();
        assertThat(writtenBeforeCrash).as("killed mid-run").isBetween(2, 4);
        assertThat(destinationStatus()).isEqualTo("PROVISIONING");

        tenant.faults().apply(new JsonObject().put("latencyMs", 0));
        int survivor = replica("survivor").port();
        await("READY", WAIT, () -> status(survivor, "crash", "blueconic").equals("READY"));
        assertThat(propertyWrites(tenant)).hasSize(5).allSatisfy((path, writes) -> assertThat(writes).as(path).isEqualTo(1));
        JsonObject view = operator(survivor, "GET", "/v1/tenants/crash/destinations/blueconic", null).json();
        assertThat(view.getJsonArray("fields")).hasSize(DestinationField.values().length);
        long verified = view.getJsonArray("fields").stream().filter(f -> ((JsonObject) f).getString("action").equals("VERIFIED")).count();
        assertThat(verified).as("what the killed run wrote is found, not written again").isEqualTo(writtenBeforeCrash);
        assertThat(attempts()).containsExactly("doomed:null", "survivor:READY");
    }

    private String destinationStatus() throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT status FROM destination WHERE tenant_id = 'crash'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private List<String> attempts() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT replica, outcome FROM provisioning_attempt WHERE tenant_id = 'crash' ORDER BY id")) {
            while (rows.next()) {
                out.add(rows.getString(1) + ":" + rows.getString(2));
            }
        }
        return out;
    }
}
