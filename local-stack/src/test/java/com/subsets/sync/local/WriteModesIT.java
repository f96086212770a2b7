package com.subsets.sync.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Field write modes (issue 28) end to end, through the whole local stack (ingest, the state service, the provisioner,
 * both dispatchers, both simulators): a subscriber assigned to exp-1, unassigned, then re-assigned to exp-2, at an
 * Iterable project and a BlueConic tenant whose fields are written {@code add} (experiment id), {@code set} (experiment
 * name), {@code set_if_empty} (added at) and {@code set_or_clear} (assignment); then the same history backfilled to
 * destinations registered after it, which must end exactly where live delivery ended.
 */
class WriteModesIT {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final JsonObject MODES = new JsonObject()
            .put("subsetsExperimentId", new JsonObject().put("mode", "add"))
            .put("subsetsExperimentName", new JsonObject().put("mode", "set"))
            .put("subsetsExperimentAddedAt", new JsonObject().put("mode", "set_if_empty"))
            .put("subsetsExperimentAssignment", new JsonObject().put("mode", "set_or_clear"));
    private static LocalStack stack;
    private static StackHttp api;
    private static volatile String lastSeen;

    @BeforeAll
    static void startStack() throws Exception {
        Map<String, String> env = Map.of("LOCAL_INGEST_PORT", "0", "LOCAL_INGEST_METRICS_PORT", "0", "LOCAL_PROVISIONER_METRICS_PORT", "0",
                "LOCAL_ITERABLE_DISPATCHER_PORT", "0", "LOCAL_BLUECONIC_DISPATCHER_PORT", "0", "LOCAL_PROVISIONER_PORT", "0",
                "LOCAL_STATE_PORT", "0", "LOCAL_ITERABLE_SIMULATOR_PORT", "0", "LOCAL_BLUECONIC_SIMULATOR_PORT", "0");
        stack = LocalStack.start(LocalStackConfig.fromEnv(new EnvReader(env::get)),
                new Progress(new PrintStream(System.out, true, StandardCharsets.UTF_8)));
        api = new StackHttp(stack.config);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** What both vendors must hold for a subscriber after each step, field by field (null: the field absent). */
    private record Expected(List<String> ids, String name, String addedAt, String assignment) {
    }

    private static final Expected AFTER_ASSIGNMENT = new Expected(List.of("exp-1"), "Experiment exp-1", "2026-11-01T00:00:01Z",
            "treatment");
    /** add, set and set_if_empty keep what they held; only set_or_clear clears. */
    private static final Expected AFTER_UNASSIGNMENT = new Expected(List.of("exp-1"), "Experiment exp-1", "2026-11-01T00:00:01Z",
            null);
    /** add lists both, set has the newest, set_if_empty still the first. */
    private static final Expected AFTER_REASSIGNMENT = new Expected(List.of("exp-1", "exp-2"), "Experiment exp-2",
            "2026-11-01T00:00:01Z", "control");

    @Test
    void eachModeHoldsAcrossAnAssignmentAnUnassignmentAndAReassignmentAndABackfillWritesTheSame() throws Exception {
        IterableProject project = stack.iterable.addProject("modes-project", "modes-key-0001", IterableProject.Identity.USER_ID);
        BlueConicTenant blueConic = stack.blueConic.addTenant("modes-bc", "modes-client", "modes-secret");
        register("modes", "modes-project", "modes-key-0001", "modes-client", "modes-secret");
        assertThat(project.fields()).as("the add field created as an array").containsEntry("subsetsExperimentId", "array")
                .containsEntry("subsetsExperimentName", "string").containsEntry("subsetsExperimentAddedAt", "date");
        JsonObject shown = api.destination("modes", "iterable");
        assertThat(shown.getJsonObject("settings").getJsonObject("fields").getJsonObject("subsetsExperimentId").getString("mode"))
                .as("GET shows the modes: " + shown.encode()).isEqualTo("add");

        List<String> users = List.of("m-1", "m-2", "m-3");
        ingest(assigned("modes", users, 1, "exp-1", Assignment.TREATMENT));
        awaitBoth("after the assignment", project, blueConic, users, AFTER_ASSIGNMENT);
        ingest(unassigned("modes", users, 2));
        awaitBoth("after the unassignment", project, blueConic, users, AFTER_UNASSIGNMENT);
        ingest(assigned("modes", users, 3, "exp-2", Assignment.CONTROL));
        awaitBoth("after the re-assignment", project, blueConic, users, AFTER_REASSIGNMENT);

        // The same history for a tenant whose destinations come later: their first READY backfills the state topic.
        List<String> late = List.of("l-1", "l-2", "l-3");
        ingest(assigned("late", late, 1, "exp-1", Assignment.TREATMENT));
        ingest(unassigned("late", late, 2));
        ingest(assigned("late", late, 3, "exp-2", Assignment.CONTROL));
        Thread.sleep(3_000); // the state service applies them (the backfill reads whatever the state topic holds)
        IterableProject lateProject = stack.iterable.addProject("late-modes-project", "late-key-0001", IterableProject.Identity.USER_ID);
        BlueConicTenant lateBlueConic = stack.blueConic.addTenant("late-bc", "late-client", "late-secret");
        register("late", "late-modes-project", "late-key-0001", "late-client", "late-secret");
        awaitBoth("backfilled", lateProject, lateBlueConic, late, AFTER_REASSIGNMENT);
        assertThat(api.status("late", "iterable").getJsonObject("resync").getString("reason")).isEqualTo("ready");
    }

    private static void register(String tenant, String projectId, String apiKey, String clientId, String secret) throws Exception {
        api.operatorOk("PUT", "/v1/tenants/" + tenant + "/destinations/iterable", new JsonObject().put("apiKey", apiKey)
                .put("region", "us").put("identifier", "userId").put("projectId", projectId).put("fields", MODES));
        api.operatorOk("PUT", "/v1/tenants/" + tenant + "/destinations/blueconic", new JsonObject()
                .put("instanceUrl", stack.config.url(stack.config.blueConicSimulatorPort())).put("clientId", clientId)
                .put("clientSecret", secret).put("strategy", "UPSERT").put("fields", MODES));
        await(tenant + " READY at both", Duration.ofSeconds(90),
                () -> "READY".equals(api.destination(tenant, "iterable").getString("status"))
                        && "READY".equals(api.destination(tenant, "blueconic").getString("status")));
        Thread.sleep(2_500); // the dispatchers read READY destinations every 2 s here
    }

    private static void ingest(List<AssignmentEvent> events) throws Exception {
        assertThat(api.ingest(events, events.size())).isEqualTo(events.size());
    }

    private static List<AssignmentEvent> assigned(String tenant, List<String> users, int second, String experiment, Assignment group) {
        List<AssignmentEvent> events = new ArrayList<>();
        for (String user : users) {
            events.add(new AssignmentEvent(tenant + "-a-" + user + "-" + second, EventType.ASSIGNED, tenant, T0.plusSeconds(second),
                    new Subscriber(user, user + "@example.com"), new Experiment(experiment, "Experiment " + experiment), group,
                    T0.plusSeconds(second), null));
        }
        return events;
    }

    private static List<AssignmentEvent> unassigned(String tenant, List<String> users, int second) {
        List<AssignmentEvent> events = new ArrayList<>();
        for (String user : users) {
            events.add(new AssignmentEvent(tenant + "-u-" + user + "-" + second, EventType.UNASSIGNED, tenant, T0.plusSeconds(second),
                    new Subscriber(user, user + "@example.com"), new Experiment("x", null), null, null, null));
        }
        return events;
    }

    private static void awaitBoth(String step, IterableProject project, BlueConicTenant blueConic, List<String> users, Expected expected)
            throws Exception {
        await(step, Duration.ofSeconds(60), () -> {
            for (String user : users) {
                if (!iterableHolds(project.profile(user), expected) || !blueConicHolds(blueConic.profileBy("email", user + "@example.com"),
                        expected)) {
                    lastSeen = user + ": iterable " + project.profile(user) + ", blueconic "
                            + blueConic.profileBy("email", user + "@example.com");
                    return false;
                }
            }
            return true;
        });
    }

    private static boolean iterableHolds(Map<String, Object> profile, Expected expected) {
        if (profile == null) {
            return false;
        }
        Object ids = profile.get("subsetsExperimentId");
        List<Object> idList = ids instanceof JsonArray array ? array.getList() : null;
        return expected.ids().equals(idList)
                && java.util.Objects.equals(expected.name(), profile.get("subsetsExperimentName"))
                && java.util.Objects.equals(expected.addedAt(), profile.get("subsetsExperimentAddedAt"))
                && java.util.Objects.equals(expected.assignment(), profile.get("subsetsExperimentAssignment"));
    }

    private static boolean blueConicHolds(Map<String, List<String>> profile, Expected expected) {
        if (profile == null) {
            return false;
        }
        Map<String, List<String>> values = new HashMap<>(profile);
        return expected.ids().equals(values.getOrDefault("subsets_experiment_id", List.of()))
                && List.of(expected.name()).equals(values.getOrDefault("subsets_experiment_name", List.of()))
                && List.of(expected.addedAt()).equals(values.getOrDefault("subsets_experiment_added_at", List.of()))
                && (expected.assignment() == null ? List.of() : List.of(expected.assignment()))
                        .equals(values.getOrDefault("subsets_experiment_assignment", List.of()));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + lastSeen);
            }
            Thread.sleep(200);
        }
    }
}
