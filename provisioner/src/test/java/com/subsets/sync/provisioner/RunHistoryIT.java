package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 28 part 4, end to end (real broker and PostgreSQL, the Iterable dispatcher reading a state topic): the status
 * counts unique subscribers per day and in total across repeated updates and a resync, shows each day's last five
 * subscribers updated, and lists the backfill and the resync as runs with their start, end, counts and outcome.
 */
@ExtendWith(RealServices.class)
class RunHistoryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STATUS = "/v1/tenants/hist/destinations/iterable/status";

    @Test
    void uniqueCountsLastFiveAndRuns(PostgresService postgres, KafkaService kafka) throws Exception {
        try (StatePipeline stack = new StatePipeline(postgres, kafka, "run-history-it")) {
            IterableProject project = stack.iterable.addProject("p-hist", "iterable-key-hist", IterableProject.Identity.USER_ID);
            stack.operator("PUT", "/v1/tenants/hist/destinations/iterable", new JsonObject().put("apiKey", "iterable-key-hist").encode());
            await("READY", WAIT, () -> ProvisionerTestKit.status(stack.port, "hist", "iterable").equals("READY"));
            stack.startIterableDispatcher();
            await("the first READY's backfill (of nothing yet) done", WAIT, () -> "DONE".equals(run(stack, 0).getString("status")));

            // 10 subscribers updated 5 times each, every round delivered before the next: 50 updates, 10 subscribers.
            for (int round = 1; round <= 5; round++) {
                String churn = "0." + round + "0";
                for (int i = 0; i < 10; i++) {
                    stack.putState("hist", new Subscriber("u" + i, "u" + i + "@example.com"), StatePipeline.assigned(churn));
                }
                await("round " + round + " delivered", WAIT, () -> java.util.stream.IntStream.range(0, 10).allMatch(i ->
                        project.profile("u" + i) != null && churn.equals(project.profile("u" + i).get("subsetsSubscriberChurnRisk"))));
            }
            // Then five of them once more, one at a time: the day's last five, newest first, are u5, u6, u7, u8, u9.
            for (int i = 9; i >= 5; i--) {
                String user = "u" + i;
                stack.putState("hist", new Subscriber(user, user + "@example.com"), StatePipeline.assigned("0.99"));
                await(user + " delivered", WAIT, () -> "0.99".equals(project.profile(user).get("subsetsSubscriberChurnRisk")));
                Thread.sleep(20);
            }
            await("55 updates counted", WAIT, () -> delivery(stack).getJsonObject("total").getLong("updated") >= 55);
            JsonObject delivery = delivery(stack);
            JsonObject today = delivery.getJsonArray("days").getJsonObject(0);
            assertThat(delivery.getJsonObject("total").getLong("uniqueUpdated")).as("unique in total").isEqualTo(10);
            assertThat(today.getLong("uniqueUpdated")).as("unique today").isEqualTo(10);
            assertThat(today.getLong("updated")).isGreaterThanOrEqualTo(55);
            assertThat(delivery.getDouble("uniqueUpdatedError")).isEqualTo(0.012);
            JsonArray lastFive = today.getJsonArray("lastUpdated");
            assertThat(lastFive.stream().map(o -> ((JsonObject) o).getString("userId")).toList())
                    .containsExactly("u5", "u6", "u7", "u8", "u9");
            assertThat(lastFive.getJsonObject(0).getString("email")).isEqualTo("u5@example.com");
            assertThat(java.time.Instant.parse(lastFive.getJsonObject(0).getString("at")))
                    .isAfter(java.time.Instant.parse(lastFive.getJsonObject(4).getString("at")));

            // A resync sends all ten again: more updates, still ten unique; it is listed as a run above the backfill.
            long before = delivery.getJsonObject("total").getLong("updated");
            assertThat(stack.operator("POST", "/v1/tenants/hist/destinations/iterable/resync", null).status()).isEqualTo(202);
            await("the resync done and reported", WAIT, () -> "DONE".equals(run(stack, 0).getString("status"))
                    && delivery(stack).getJsonObject("total").getLong("updated") >= before + 10);
            assertThat(delivery(stack).getJsonObject("total").getLong("uniqueUpdated")).isEqualTo(10);
            JsonArray runs = stack.operator("GET", STATUS, null).json().getJsonArray("runs");
            assertThat(runs).hasSize(2);
            JsonObject resync = runs.getJsonObject(0);
            assertThat(List.of(resync.getString("run"), resync.getString("reason"), resync.getString("outcome")))
                    .containsExactly("resync", "requested", "succeeded");
            assertThat(resync.getString("startedAt")).isNotNull();
            assertThat(resync.getString("finishedAt")).isNotNull();
            assertThat(resync.getLong("total")).isEqualTo(55);
            assertThat(resync.getLong("sent")).isEqualTo(55);
            JsonObject backfill = runs.getJsonObject(1);
            assertThat(List.of(backfill.getString("run"), backfill.getString("reason"), backfill.getString("outcome")))
                    .containsExactly("backfill", "ready", "succeeded");
            assertThat(backfill.getString("finishedAt")).isNotNull();
        }
    }

    private static JsonObject delivery(StatePipeline stack) {
        return stack.operator("GET", STATUS, null).json().getJsonObject("delivery");
    }

    private static JsonObject run(StatePipeline stack, int index) {
        JsonArray runs = stack.operator("GET", STATUS, null).json().getJsonArray("runs");
        return runs.size() > index ? runs.getJsonObject(index) : new JsonObject();
    }
}
