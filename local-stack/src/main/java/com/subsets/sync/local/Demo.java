package com.subsets.sync.local;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.FieldMapper;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo tenant: an Iterable project and a BlueConic tenant in the simulators, registered through the
 * provisioner's API, then three events per subscriber through the ingest API (assigned; a churn score;
 * then a second score or an unassignment). A few subscribers are set up to be refused, so the summary
 * shows rejections too: three are forgotten (GDPR) in Iterable, and one in ten has no BlueConic profile
 * (the strategy is UPDATE, which never creates profiles).
 */
final class Demo {

    static final String TENANT = "demo";
    static final String PROJECT = "demo-project";
    static final String BLUECONIC_TENANT = "demo";
    static final String LATE_TENANT = "demo-late";
    static final String SEGMENT = "seg-demo-high-risk";
    static final String LATE_PROJECT = "demo-late-project";
    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    private final LocalStack stack;
    private final Progress progress;
    private final StackHttp api;
    private final int subscribers;
    private IterableProject project;
    private IterableProject lateProject;
    private BlueConicTenant blueConicTenant;
    private final List<String> segmentMembers = new ArrayList<>();
    /** What each subscriber should end with: its last churn score, and whether it is still in the experiment. */
    private final List<String> finalRisk = new ArrayList<>();
    private final List<Boolean> stillAssigned = new ArrayList<>();

    Demo(LocalStack stack, Progress progress) {
        this.stack = stack;
        this.progress = progress;
        this.api = new StackHttp(stack.config);
        this.subscribers = stack.config.demoSubscribers();
    }

    static String user(int i) {
        return String.format("demo-user-%03d", i);
    }

    static String email(int i) {
        return user(i) + "@example.com";
    }

    boolean forgotten(int i) {
        return i % 37 == 3;
    }

    boolean hasBlueConicProfile(int i) {
        return i % 10 != 0;
    }

    /** The demo's followed BlueConic segment holds every third subscriber that has a profile there. */
    boolean inSegment(int i) {
        return hasBlueConicProfile(i) && i % 3 == 0;
    }

    /**
     * The followed segment read back into Subsets: the provisioner reads it from BlueConic, publishes its members to
     * the memberships topic and answers the lookup. Returns what the lookup said of one member, or null when the read
     * did not complete within {@code timeout}.
     */
    String readSegmentBack(Duration timeout) throws Exception {
        progress.step("reading the followed BlueConic segment '" + SEGMENT + "' back into Subsets");
        long deadline = System.nanoTime() + timeout.toNanos();
        int expected = segmentMembers.size();
        while (true) {
            io.vertx.core.json.JsonArray segments = destination("blueconic").getJsonArray("segments", new io.vertx.core.json.JsonArray());
            JsonObject segment = segments.isEmpty() ? null : segments.getJsonObject(0);
            long members = segment == null ? 0 : segment.getLong("members", 0L);
            progress.update("segment read: " + members + "/" + expected + " members"
                    + (segment == null || segment.getValue("lastError") == null ? "" : ", last error " + segment.getValue("lastError")));
            if (members == expected && segment.getString("lastReadAt") != null) {
                break;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(500);
        }
        int member = java.util.stream.IntStream.rangeClosed(1, subscribers).filter(this::inSegment).findFirst().orElseThrow();
        java.net.http.HttpResponse<String> answer = api.lookup("/v1/tenants/" + TENANT + "/subscribers/"
                + java.net.URLEncoder.encode(email(member), java.nio.charset.StandardCharsets.UTF_8) + "/segments");
        String said = "GET /v1/tenants/" + TENANT + "/subscribers/" + email(member) + "/segments (lookup token) -> "
                + answer.statusCode() + " " + answer.body();
        progress.step("segment '" + SEGMENT + "' read back: " + expected + " members entered; " + said);
        return answer.statusCode() == 200 && answer.body().contains(SEGMENT) ? said : null;
    }

    /** Seeds the simulators and registers both destinations; returns once both are READY. */
    void register() throws Exception {
        String apiKey = "demo-iterable-key-" + Long.toHexString(new Random().nextLong());
        String clientSecret = "demo-blueconic-secret-" + Long.toHexString(new Random().nextLong());
        project = stack.iterable.addProject(PROJECT, apiKey, IterableProject.Identity.USER_ID);
        blueConicTenant = stack.blueConic.addTenant(BLUECONIC_TENANT, "demo-client", clientSecret);
        for (int i = 1; i <= subscribers; i++) {
            if (forgotten(i)) {
                project.forget(user(i));
            }
            if (hasBlueConicProfile(i)) {
                String profile = blueConicTenant.addProfile(Map.of("email", List.of(email(i))));
                if (inSegment(i)) {
                    segmentMembers.add(profile);
                }
            }
        }
        blueConicTenant.segments().define(SEGMENT, "High churn risk (demo)").members(SEGMENT, segmentMembers);
        progress.step("registering tenant '" + TENANT + "' with both destinations through the provisioner's API");
        operator("PUT", "/v1/tenants/" + TENANT + "/destinations/iterable",
                new JsonObject().put("apiKey", apiKey).put("region", "us").put("identifier", "userId").put("erasure", "forget"));
        operator("PUT", "/v1/tenants/" + TENANT + "/destinations/blueconic",
                new JsonObject().put("instanceUrl", stack.config.url(stack.config.blueConicSimulatorPort()))
                        .put("clientId", "demo-client").put("clientSecret", clientSecret).put("strategy", "UPDATE")
                        .put("followSegments", new io.vertx.core.json.JsonArray().add(SEGMENT)));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            String iterableStatus = destination("iterable").getString("status");
            String blueConicStatus = destination("blueconic").getString("status");
            progress.update("provisioning the five fields: iterable " + iterableStatus + ", blueconic " + blueConicStatus);
            if ("READY".equals(iterableStatus) && "READY".equals(blueConicStatus)) {
                break;
            }
            if ("FAILED".equals(iterableStatus) || "FAILED".equals(blueConicStatus) || System.nanoTime() > deadline) {
                throw new IllegalStateException("provisioning did not finish: iterable " + destination("iterable").encode()
                        + ", blueconic " + destination("blueconic").encode());
            }
            Thread.sleep(250);
        }
        // The dispatchers read READY destinations every 2 s here.
        Thread.sleep(2_500);
        progress.step("both destinations READY; the dispatchers picked them up");
    }

    /** Three events per subscriber through the ingest API, in batches of 100; returns how many were accepted. */
    int sendEvents() throws Exception {
        Random random = new Random(42);
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 1; i <= subscribers; i++) {
            Subscriber subscriber = new Subscriber(user(i), email(i));
            Experiment experiment = new Experiment("exp-winback-2026", "Winback offer Q4");
            events.add(new AssignmentEvent("demo-" + i + "-a", EventType.ASSIGNED, TENANT, T0.plusSeconds(i), subscriber,
                    experiment, i % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, null));
            BigDecimal first = BigDecimal.valueOf(random.nextInt(100), 2);
            events.add(new AssignmentEvent("demo-" + i + "-b", EventType.CHURN_RISK_SCORED, TENANT, T0.plusSeconds(1000 + i),
                    subscriber, null, null, null, first));
            if (i % 5 == 0) {
                events.add(new AssignmentEvent("demo-" + i + "-c", EventType.UNASSIGNED, TENANT, T0.plusSeconds(2000 + i),
                        subscriber, new Experiment("exp-winback-2026", null), null, null, null));
                finalRisk.add(FieldMapper.formatChurnRisk(first));
                stillAssigned.add(false);
            } else {
                BigDecimal second = BigDecimal.valueOf(random.nextInt(100), 2);
                events.add(new AssignmentEvent("demo-" + i + "-c", EventType.CHURN_RISK_SCORED, TENANT, T0.plusSeconds(2000 + i),
                        subscriber, null, null, null, second));
                finalRisk.add(FieldMapper.formatChurnRisk(second));
                stillAssigned.add(true);
            }
        }
        int accepted = 0;
        for (int from = 0; from < events.size(); from += 100) {
            accepted += api.ingest(events.subList(from, Math.min(events.size(), from + 100)), 100);
            progress.update("sent " + accepted + " of " + events.size() + " events to POST /v1/events");
        }
        progress.step("ingest accepted " + accepted + " events (202: acknowledged by Kafka)");
        return accepted;
    }

    /** Waits until every subscriber that can be written shows its final values at both destinations. */
    boolean awaitDelivery(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int iterableDone = 0;
            int iterableExpected = 0;
            int blueConicDone = 0;
            int blueConicExpected = 0;
            for (int i = 1; i <= subscribers; i++) {
                String risk = finalRisk.get(i - 1);
                if (!forgotten(i)) {
                    iterableExpected++;
                    Map<String, Object> profile = project.profile(user(i));
                    if (profile != null && risk.equals(profile.get(DestinationField.CHURN_RISK.iterableName()))
                            && stillAssigned.get(i - 1) == profile.containsKey(DestinationField.EXPERIMENT_ID.iterableName())) {
                        iterableDone++;
                    }
                }
                if (hasBlueConicProfile(i)) {
                    blueConicExpected++;
                    Map<String, List<String>> profile = blueConicTenant.profileBy("email", email(i));
                    List<String> values = profile == null ? null : profile.get(DestinationField.CHURN_RISK.blueConicId());
                    if (values != null && values.contains(risk)) {
                        blueConicDone++;
                    }
                }
            }
            progress.update(String.format("delivering: Iterable %d/%d profiles current, BlueConic %d/%d profiles current",
                    iterableDone, iterableExpected, blueConicDone, blueConicExpected));
            if (iterableDone == iterableExpected && blueConicDone == blueConicExpected) {
                progress.endLine();
                return true;
            }
            if (System.nanoTime() > deadline) {
                progress.endLine();
                return false;
            }
            Thread.sleep(250);
        }
    }

    /** Waits until the dispatchers' reports of all this reached the provisioner's delivery history. */
    boolean awaitHistory(Duration timeout) throws Exception {
        long expectedIterable = 0;
        long expectedBlueConic = 0;
        for (int i = 1; i <= subscribers; i++) {
            expectedIterable += forgotten(i) ? 3 : 0;
            expectedBlueConic += hasBlueConicProfile(i) ? 0 : 3;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject iterableTotal = history("iterable").getJsonObject("delivery").getJsonObject("total");
            JsonObject blueConicTotal = history("blueconic").getJsonObject("delivery").getJsonObject("total");
            progress.update("waiting for the delivery history: iterable " + iterableTotal.encode() + ", blueconic " + blueConicTotal.encode());
            if (iterableTotal.getLong("updated") > 0 && blueConicTotal.getLong("updated") > 0
                    && iterableTotal.getLong("deadLettered") >= expectedIterable && blueConicTotal.getLong("deadLettered") >= expectedBlueConic) {
                progress.endLine();
                return true;
            }
            Thread.sleep(250);
        }
        progress.endLine();
        return false;
    }

    /**
     * A destination registered after its tenant's subscribers were: tenant {@code demo-late}'s events go in with no
     * destination at all, then its Iterable destination is registered, and its first READY backfills every
     * subscriber from the state topic. Returns how many users the late project holds at the end.
     */
    int backfillLateDestination(Duration timeout) throws Exception {
        progress.step("tenant '" + LATE_TENANT + "': " + subscribers + " subscribers' events, no destination registered yet");
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 1; i <= subscribers; i++) {
            events.add(new AssignmentEvent("late-" + i, EventType.ASSIGNED, LATE_TENANT, T0.plusSeconds(i),
                    new Subscriber(user(i), email(i)), new Experiment("exp-late-2026", "Late starter"),
                    i % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, null));
        }
        api.ingest(events, 100);
        // The state service applies them in a moment; the backfill reads what it holds when it starts.
        Thread.sleep(3_000);
        String apiKey = "demo-late-key-" + Long.toHexString(new Random().nextLong());
        lateProject = stack.iterable.addProject(LATE_PROJECT, apiKey, IterableProject.Identity.USER_ID);
        progress.step("registering its Iterable destination now: its first READY backfills every subscriber");
        operator("PUT", "/v1/tenants/" + LATE_TENANT + "/destinations/iterable", new JsonObject().put("apiKey", apiKey)
                .put("region", "us").put("identifier", "userId").put("projectId", LATE_PROJECT));
        JsonObject done = awaitResync(LATE_TENANT, "iterable", "backfill", timeout);
        progress.step("backfill " + (done == null ? "not finished" : "done: " + done.getLong("sent") + " of " + done.getLong("total")
                + " records sent") + "; the late project holds " + lateProject.userCount() + " users");
        return lateProject.userCount();
    }

    /**
     * The demo's BlueConic refused the subscribers that have no profile there ({@code not_found}, dead-lettered).
     * Once the profiles exist, a replay sends those subscribers again with their current state. Returns how many
     * of them carry the subsets properties at the end.
     */
    int replayAfterTheCauseIsFixed(Duration timeout) throws Exception {
        List<Integer> missing = new ArrayList<>();
        for (int i = 1; i <= subscribers; i++) {
            if (!hasBlueConicProfile(i)) {
                missing.add(i);
                blueConicTenant.addProfile(Map.of("email", List.of(email(i))));
            }
        }
        progress.step("the " + missing.size() + " profiles BlueConic did not have exist now; replaying its dead letters");
        JsonObject answer = api.operatorOk("POST", "/v1/tenants/" + TENANT + "/destinations/blueconic/replay?reason="
                + java.net.URLEncoder.encode("profiles created", StandardCharsets.UTF_8), null);
        progress.step("replay: " + answer.getInteger("found") + " subscribers found on the dead-letter topic");
        awaitResync(TENANT, "blueconic", "replay", timeout);
        int carried = 0;
        for (int i : missing) {
            Map<String, List<String>> profile = blueConicTenant.profileBy("email", email(i));
            if (profile != null && profile.containsKey(DestinationField.CHURN_RISK.blueConicId())) {
                carried++;
            }
        }
        progress.step("replay done: " + carried + " of " + missing.size() + " of them now carry the subsets properties");
        return carried;
    }

    /** Prints the tenant's resync progress until it is DONE; returns it, or null at the timeout. */
    private JsonObject awaitResync(String tenant, String kind, String what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject resync = api.status(tenant, kind).getJsonObject("resync");
            if (resync != null) {
                progress.update(what + " (" + resync.getString("reason") + "): " + resync.getString("status") + ", "
                        + resync.getLong("sent") + " of " + (resync.getValue("total") == null ? "?" : resync.getLong("total"))
                        + " sent" + (resync.getString("eta") == null ? "" : ", ETA " + resync.getString("eta")));
                if ("DONE".equals(resync.getString("status"))) {
                    progress.endLine();
                    return resync;
                }
            }
            Thread.sleep(250);
        }
        progress.endLine();
        return null;
    }

    IterableProject lateProject() {
        return lateProject;
    }

    IterableProject project() {
        return project;
    }

    BlueConicTenant blueConicTenant() {
        return blueConicTenant;
    }

    JsonObject destination(String kind) throws Exception {
        return api.destination(TENANT, kind);
    }

    JsonObject history(String kind) throws Exception {
        return api.status(TENANT, kind);
    }

    private void operator(String method, String path, JsonObject body) throws Exception {
        api.operatorOk(method, path, body);
    }
}
