package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provisioner stops within its shutdown time (issue 26 item 5) while a membership publish is blocked: the
 * segments topic does not exist (the broker creates none by itself), so each send waits for metadata for the
 * producer's max.block.ms (a minute) and the producer's close is queued behind it. Before, close() waited for all of it.
 */
@ExtendWith(RealServices.class)
class ProvisionerShutdownIT {

    @Test
    void closesWithinItsShutdownTimeWhileAPublishIsBlocked(PostgresService postgres, KafkaService kafka) throws Exception {
        Vertx vertx = Vertx.vertx();
        ProvisionerService provisioner = null;
        try {
            BlueConicSimulator blueConic = new BlueConicSimulator(vertx);
            blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            PostgresEndpoint db = postgres.createDatabase("shutdown_it");
            kafka.createTopics(1, "shutdown-it.reports");
            Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, "shutdown-it.reports");
            env.put("PROVISIONER_SEGMENTS_TOPIC", "shutdown-it.memberships-never-created");
            env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", "3600000");
            env.put("PROVISIONER_SHUTDOWN_TIMEOUT_MS", "3000");
            provisioner = ProvisionerTestKit.start(env);
            int port = provisioner.port();

            BlueConicTenant tenant = blueConic.addTenant("calm", "client-calm", "secret-calm");
            List<String> members = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                members.add(tenant.addProfile(Map.of("email", List.of("m" + i + "@example.com"))));
            }
            tenant.segments().define("seg-a", "A").members("seg-a", members);
            JsonObject body = new JsonObject().put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-calm")
                    .put("clientSecret", "secret-calm").put("backfill", false).put("followSegments", new JsonArray().add("seg-a"));
            assertThat(operator(port, "PUT", "/v1/tenants/calm/destinations/blueconic", body.encode()).status()).isEqualTo(201);
            await("READY", Duration.ofSeconds(30), () -> status(port, "calm", "blueconic").equals("READY"));

            provisioner.readSegments();
            await("the members read (the publish then blocks on the missing topic)", Duration.ofSeconds(30),
                    () -> tenant.calls().stream().anyMatch(c -> c.path().endsWith("/profiles") && c.status() == 200));
            Thread.sleep(1_000);

            long started = System.nanoTime();
            ProvisionerService closing = provisioner;
            provisioner = null;
            closing.close().await(30, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(tookMs).as("closed within the 3 s shutdown time, and a little for Vert.x").isLessThan(8_000);
        } finally {
            ProvisionerTestKit.stop(provisioner, vertx);
        }
    }
}
