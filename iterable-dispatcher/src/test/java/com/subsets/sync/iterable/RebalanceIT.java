package com.subsets.sync.iterable;

import static com.subsets.sync.iterable.Events.scored;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A partition moves to a new member while its old owner's request is still out. Three tenants, one per
 * partition, each on a slow project that fails its first request (503 after 5 s): the old owner's
 * answer comes after the rebalance, and a row it put back would be sent again after the new owner wrote
 * the newer value. Whichever partition moves, every subscriber must end at its latest value.
 */
@ExtendWith(RealServices.class)
class RebalanceIT {

    private static final int PARTITIONS = 3;
    /**
     * Longer than a rebalance takes here (up to 4 s with the cooperative protocol's two rounds), so the old
     * owner's 503 arrives after it lost the partition, and a retry of its row would land after the new
     * owner's write.
     */
    private static final long LATENCY_MS = 5_000;

    @Test
    void aRevokedPartitionsOldOwnerNeverWritesAnOlderValueOverTheNewOwners(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            List<String> tenants = tenantPerPartition();
            JsonObject destinations = new JsonObject();
            List<IterableProject> projects = new ArrayList<>();
            for (String tenant : tenants) {
                IterableProject project = kit.simulator.addProject("p-" + tenant, "key-" + tenant, IterableProject.Identity.USER_ID, 5);
                project.faults().latency(LATENCY_MS).failNext(1, 503);
                projects.add(project);
                destinations.put(tenant, new JsonObject().put("projectId", "p-" + tenant).put("apiKey", "key-" + tenant)
                        .put("baseUrl", "http://127.0.0.1:" + kit.simulator.port()));
            }
            Map<String, String> env = Map.of("ITERABLE_DESTINATIONS", destinations.encode(), "ITERABLE_LINGER_MS", "20");
            kit.startDispatcher(env);
            tenants.forEach(t -> kit.send(scored(t, "s-1", "0.10", 1)));
            // The first owner takes the records and sends at once (20 ms linger); its answers take 5 s.
            Thread.sleep(1_000);

            Map<String, String> both = kit.env(env);
            DispatcherService<IterableDestination> second = IterableDispatcher.start(
                    IterableDispatcherConfig.fromEnv(new EnvReader(both::get), both.keySet())).await(60, TimeUnit.SECONDS);
            try {
                tenants.forEach(t -> kit.send(scored(t, "s-1", "0.90", 2)));
                DispatcherTestKit.await("the latest value written everywhere", Duration.ofSeconds(60),
                        () -> projects.stream().allMatch(p -> "0.90".equals(churnRisk(p))));
                // Past the old owner's 503, its backoff and another slow request: a late write would show by then.
                Thread.sleep(LATENCY_MS + 2_000);
                assertThat(projects).as("no project holds an older value than the newest event's")
                        .allSatisfy(p -> assertThat(churnRisk(p)).isEqualTo("0.90"));
                assertThat(kit.deadLetters(0)).isEmpty();
            } finally {
                second.close().await(60, TimeUnit.SECONDS);
            }
        }
    }

    private static String churnRisk(IterableProject project) {
        Map<String, Object> profile = project.profile("s-1");
        return profile == null ? null : String.valueOf(profile.get(DestinationField.CHURN_RISK.iterableName()));
    }

    /** A tenant id for each partition, as Kafka's default partitioner places string keys. */
    private static List<String> tenantPerPartition() {
        String[] byPartition = new String[PARTITIONS];
        for (int i = 0, found = 0; found < PARTITIONS; i++) {
            String tenant = "t-" + i;
            int partition = Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (byPartition[partition] == null) {
                byPartition[partition] = tenant;
                found++;
            }
        }
        return List.of(byPartition);
    }
}
