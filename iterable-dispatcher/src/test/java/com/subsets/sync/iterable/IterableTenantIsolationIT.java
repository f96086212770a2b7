package com.subsets.sync.iterable;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two tenants on one Iterable key (one e-mail-based project at 5 bulkUpdate requests/s): "mail" identifies
 * users by e-mail, "app" by userId with preferUserId. Each request carries one tenant's users built with that
 * tenant's settings, every user ends with its own tenant's values, the project's budget is shared (at most
 * a jitter 429, although each tenant alone has enough work for 5 requests/s), and the small tenant is not starved:
 * its users are all written while the busy one still has most of its own to go.
 */
@ExtendWith(RealServices.class)
class IterableTenantIsolationIT {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final int BUSY_USERS = 1_500;
    private static final int SMALL_USERS = 40;

    @Test
    void tenantsOnOneKeyGetRequestsOfTheirOwnShareTheBudgetAndTakeTurns(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            IterableProject project = kit.simulator.addProject("shared", "key-shared", IterableProject.Identity.EMAIL, 5)
                    .recordBulkRequests();
            String url = "http://127.0.0.1:" + kit.simulator.port();
            List<AssignmentEvent> busy = new ArrayList<>();
            for (int u = 0; u < BUSY_USERS; u++) {
                busy.add(assigned("mail", "m-" + u, "m-" + u + "@mail.example.com", u));
            }
            kit.send(busy.toArray(AssignmentEvent[]::new));
            List<AssignmentEvent> small = new ArrayList<>();
            for (int u = 0; u < SMALL_USERS; u++) {
                // The same e-mail addresses as the busy tenant's first users: only the userId may identify them here.
                small.add(assigned("app", "a-" + u, "m-" + u + "@mail.example.com", u));
            }
            kit.send(small.toArray(AssignmentEvent[]::new));
            AtomicInteger busyDoneWhenSmallDone = new AtomicInteger(-1);
            kit.startDispatcher(Map.of(
                    "ITERABLE_BATCH_MAX_ROWS", "50",
                    "ITERABLE_DESTINATIONS", new JsonObject()
                            .put("mail", new JsonObject().put("projectId", "shared").put("apiKey", "key-shared").put("baseUrl", url)
                                    .put("identifier", "email"))
                            .put("app", new JsonObject().put("projectId", "shared").put("apiKey", "key-shared").put("baseUrl", url)
                                    .put("identifier", "userId").put("preferUserId", true)).encode()));

            Await.until("the small tenant's users written", Duration.ofSeconds(60), () -> {
                if (written(project, "a-", SMALL_USERS, "exp-app") == SMALL_USERS) {
                    busyDoneWhenSmallDone.compareAndSet(-1, written(project, "m-", BUSY_USERS, "exp-mail"));
                    return true;
                }
                return false;
            });
            Await.until("the busy tenant's users written", Duration.ofSeconds(90),
                    () -> written(project, "m-", BUSY_USERS, "exp-mail") == BUSY_USERS);

            assertThat(busyDoneWhenSmallDone.get()).as("the small tenant took turns with the busy one")
                    .isLessThan(BUSY_USERS / 2);
            for (List<JsonObject> request : project.bulkRequests()) {
                boolean byEmail = request.get(0).containsKey("email");
                assertThat(request).as("one tenant's users, built with its settings").allSatisfy(user -> {
                    if (byEmail) {
                        assertThat(user.getString("email")).startsWith("m-");
                        assertThat(user.containsKey("userId") || user.containsKey("preferUserId")).isFalse();
                        assertThat(user.getJsonObject("dataFields").getString(DestinationField.EXPERIMENT_ID.iterableName()))
                                .isEqualTo("exp-mail");
                    } else {
                        assertThat(user.getString("userId")).startsWith("a-");
                        assertThat(user.getBoolean("preferUserId")).isTrue();
                        assertThat(user.getJsonObject("dataFields").getString(DestinationField.EXPERIMENT_ID.iterableName()))
                                .isEqualTo("exp-app");
                    }
                });
            }
            // One budget for the project: a 429 is at most the rare jitter the pacing leaves (a request counted a few
            // ms early). Two budgets would offer the project 10 requests/s, and about half would be refused.
            long refused = project.calls().stream().filter(c -> c.status() == 429).count();
            assertThat(refused).as("429s of %d requests: the project's 5 requests/s are one budget", project.calls().size())
                    .isLessThanOrEqualTo(Math.max(1, project.calls().size() / 20));
            assertThat(project.profile("m-3@mail.example.com")).as("the busy tenant's user kept its own values")
                    .containsEntry(DestinationField.EXPERIMENT_ID.iterableName(), "exp-mail");
            assertThat(kit.deadLetters(0)).isEmpty();
        }
    }

    /** How many of {@code prefix}0.. hold {@code experiment}: the busy tenant's by e-mail, the small one's by userId. */
    private static int written(IterableProject project, String prefix, int users, String experiment) {
        int written = 0;
        for (int u = 0; u < users; u++) {
            String identifier = prefix.equals("m-") ? "m-" + u + "@mail.example.com" : prefix + u;
            Map<String, Object> profile = project.profile(identifier);
            if (profile != null && experiment.equals(profile.get(DestinationField.EXPERIMENT_ID.iterableName()))) {
                written++;
            }
        }
        return written;
    }

    private static AssignmentEvent assigned(String tenant, String userId, String email, int second) {
        return new AssignmentEvent(tenant + "-" + second, EventType.ASSIGNED, tenant, T0.plusSeconds(second),
                new Subscriber(userId, email), new Experiment("exp-" + tenant, "Winback"), Assignment.CONTROL, T0, null);
    }
}
