package com.subsets.sync.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.FieldMapper;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backfill, replay and parking through the whole system (the local stack: a real broker and PostgreSQL, the
 * state service, the provisioner, the dispatchers, the simulators), each tenant on an Iterable project of its own.
 */
class ResyncIT {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static LocalStack stack;
    /** What the last failed look at a profile saw (printed when a wait times out). */
    private static volatile String lastMismatch;
    private static StackHttp api;

    @BeforeAll
    static void startStack() throws Exception {
        Map<String, String> env = Map.of("LOCAL_INGEST_PORT", "0", "LOCAL_INGEST_METRICS_PORT", "0", "LOCAL_PROVISIONER_METRICS_PORT", "0",
                "LOCAL_ITERABLE_DISPATCHER_PORT", "0",
                "LOCAL_BLUECONIC_DISPATCHER_PORT", "0", "LOCAL_PROVISIONER_PORT", "0", "LOCAL_STATE_PORT", "0",
                "LOCAL_ITERABLE_SIMULATOR_PORT", "0", "LOCAL_BLUECONIC_SIMULATOR_PORT", "0");
        LocalStackConfig config = LocalStackConfig.fromEnv(new EnvReader(env::get)).withServiceEnv(Map.of(
                // 250 users a request at 5 requests/s: a 20,000-subscriber backfill takes 16 s, long enough to stop midway.
                "ITERABLE_BATCH_MAX_ROWS", "250",
                "ITERABLE_PARK_AFTER_MS", "4000",
                "ITERABLE_PARK_PROBE_MS", "500",
                // A row that fails alone is dead-lettered 8 s after its body first failed (issue 30's poisoned user).
                "ITERABLE_RETRY_GIVE_UP_MS", "8000",
                "ITERABLE_RETRY_BASE_MS", "50",
                "ITERABLE_RETRY_MAX_DELAY_MS", "500",
                // Small enough that a tenant holding its records would pause every tenant's partitions within seconds.
                "ITERABLE_MAX_BUFFERED_RECORDS", "5000",
                // Two resyncs at once, one partition read at a time: registering many tenants together queues them.
                "ITERABLE_RESYNC_MAX_RUNNING", "2",
                "ITERABLE_RESYNC_MAX_READERS", "1"));
        stack = LocalStack.start(config, new Progress(new PrintStream(System.out, true, StandardCharsets.UTF_8)));
        api = new StackHttp(stack.config);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aDestinationRegisteredLateIsBackfilledAndTheResyncResumesAfterTheDispatcherIsKilled() throws Exception {
        IterableProject project = stack.iterable.addProject("late-project", "late-key-0001", IterableProject.Identity.USER_ID)
                .recordBulkRequests();
        int subscribers = 20_000;
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            events.add(assigned("late", "late-" + i, i, "exp-late-" + (i % 7)));
        }
        assertThat(api.ingest(events, 1000)).isEqualTo(subscribers);
        await("the state service holds every subscriber of tenant late", Duration.ofSeconds(120),
                () -> stateKeys("late") >= subscribers);

        Process forked = stack.forkIterableDispatcher(java.nio.file.Path.of("target/resync-it-forked-dispatcher.log"));
        register("late", "late-project", "late-key-0001");
        long sentAtRestart = awaitValue("the backfill under way", Duration.ofSeconds(90), () -> {
            JsonObject resync = api.status("late", "iterable").getJsonObject("resync");
            return resync != null && "RUNNING".equals(resync.getString("status")) && resync.getLong("sent") >= 2_500
                    ? resync.getLong("sent") : null;
        });
        JsonObject running = api.status("late", "iterable").getJsonObject("resync");
        assertThat(running.getString("reason")).isEqualTo("ready");
        assertThat(running.getLong("total")).as("from offsets: at least the tenant's records").isGreaterThanOrEqualTo(subscribers);
        assertThat(running.getString("eta")).isNotNull();
        // Killed: no last word to the provisioner; the next owner resumes from the last progress it reported.
        forked.destroyForcibly().waitFor();
        stack.startIterableDispatcher();

        await("the backfill done", Duration.ofSeconds(180),
                () -> "DONE".equals(api.status("late", "iterable").getJsonObject("resync").getString("status")));
        assertThat(project.userCount()).isEqualTo(subscribers);
        assertThat(api.status("late", "iterable").getJsonObject("resync").getLong("total")).as("done: what was sent").isEqualTo(subscribers);
        assertThat(project.profile("late-12345")).containsEntry(DestinationField.EXPERIMENT_ID.iterableName(), "exp-late-4");
        long written = project.bulkRequests().stream().mapToLong(List::size).sum();
        // Starting over would have written every subscriber again after the kill: 20,000 plus what was sent before.
        assertThat(written).as("users written in all; %d sent before the restart", sentAtRestart)
                .isGreaterThanOrEqualTo(subscribers).isLessThan(subscribers + sentAtRestart);
        System.out.printf("backfill: %d subscribers, %d sent before the dispatcher was killed, %d users written in all%n",
                subscribers, sentAtRestart, written);
    }

    @Test
    void aFailingTenantIsParkedWithoutHoldingUpAnotherAndCatchesUpWhenItsVendorAnswers() throws Exception {
        IterableProject steady = stack.iterable.addProject("steady-project", "steady-key-0001", IterableProject.Identity.USER_ID);
        IterableProject flaky = stack.iterable.addProject("flaky-project", "flaky-key-0001", IterableProject.Identity.USER_ID);
        register("steady", "steady-project", "steady-key-0001");
        register("flaky", "flaky-project", "flaky-key-0001");
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        steady.onWrite(user -> {
            Long at = sentAt.remove(user);
            if (at != null) {
                latencies.add(System.nanoTime() - at);
            }
        });
        flaky.faults().failNext(Integer.MAX_VALUE, 503);

        // 20 s of 250 events/s per tenant over 200 subscribers each: every churn risk newer than the one before.
        Map<String, BigDecimal> latest = new HashMap<>();
        long start = System.nanoTime();
        int round = 0;
        while (System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
            List<AssignmentEvent> batch = new ArrayList<>();
            for (int j = 0; j < 25; j++) {
                int user = (round * 25 + j) % 200;
                BigDecimal risk = BigDecimal.valueOf(round * 25 + j, 4);
                batch.add(scored("steady", "steady-" + user, round * 25 + j, risk));
                batch.add(scored("flaky", "flaky-" + user, round * 25 + j, risk));
                latest.put("steady-" + user, risk);
                latest.put("flaky-" + user, risk);
                sentAt.put("steady-" + user, System.nanoTime());
            }
            api.ingest(batch, batch.size());
            round++;
            Thread.sleep(100);
        }
        await("steady holds every latest value while flaky still fails", Duration.ofSeconds(30),
                () -> allLatest(steady, "steady-", latest));
        JsonObject degraded = api.status("flaky", "iterable");
        assertThat(degraded.getString("status")).isEqualTo("DEGRADED");
        assertThat(degraded.getJsonObject("degraded").getString("reason")).contains("destination_error_503");
        assertThat(degraded.getJsonObject("degraded").getString("since")).isNotNull();
        assertThat(flaky.userCount()).isZero();

        flaky.faults().clear();
        await("flaky catches up by itself once Iterable answers", Duration.ofSeconds(90), () -> allLatest(flaky, "flaky-", latest));
        await("flaky READY again, its resync done", Duration.ofSeconds(30), () -> {
            JsonObject status = api.status("flaky", "iterable");
            return "READY".equals(status.getString("status")) && "recovered".equals(status.getJsonObject("resync").getString("reason"))
                    && "DONE".equals(status.getJsonObject("resync").getString("status"));
        });
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(Long::compare);
        System.out.printf("steady tenant while flaky failed and parked: %d writes timed, p50 %d ms, p99 %d ms, max %d ms%n",
                sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0));
    }

    @Test
    void aReplayAfterAFixedCredentialSendsTheDeadLetteredSubscribersWithTheirCurrentState() throws Exception {
        IterableProject before = stack.iterable.addProject("rotated-project", "rotated-key-0001", IterableProject.Identity.USER_ID);
        register("rotated", "rotated-project", "rotated-key-0001");
        awaitFirstBackfillDone("rotated");
        // Ten subscribers delivered before the key is revoked: never dead-lettered, so the replay must not send them.
        List<AssignmentEvent> delivered = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delivered.add(scored("rotated", "rotated-ok-" + i, i, new BigDecimal("0.5")));
        }
        api.ingest(delivered, 10);
        await("the ten delivered", Duration.ofSeconds(60), () -> before.userCount() == 10);
        stack.iterable.removeProject("rotated-project");

        List<AssignmentEvent> first = new ArrayList<>();
        List<AssignmentEvent> second = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.add(scored("rotated", "rotated-" + i, i, new BigDecimal("0.1")));
            second.add(scored("rotated", "rotated-" + i, 1000 + i, new BigDecimal("0.9")));
        }
        api.ingest(first, 30);
        await("the first updates dead-lettered as unauthorized", Duration.ofSeconds(60),
                () -> deadLettered("rotated", "unauthorized") >= 30);
        api.ingest(second, 30);
        await("the second updates dead-lettered too", Duration.ofSeconds(60), () -> deadLettered("rotated", "unauthorized") >= 60);

        IterableProject fixed = stack.iterable.addProject("rotated-project", "rotated-key-0002", IterableProject.Identity.USER_ID);
        register("rotated", "rotated-project", "rotated-key-0002");
        Thread.sleep(2_500); // the dispatchers read READY destinations every 2 s here

        HttpResponse<String> replay = api.operator("POST", "/v1/tenants/rotated/destinations/iterable/replay?reason=key%20rotated", null);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        JsonObject answer = new JsonObject(replay.body());
        assertThat(answer.getInteger("found")).isEqualTo(30);
        assertThat(answer.getJsonObject("resync").getString("detail")).contains("key rotated");

        HttpResponse<String> again = api.operator("POST", "/v1/tenants/rotated/destinations/iterable/resync", null);
        // The replay cannot have finished yet (the dispatchers read the directory every 2 s): a full resync after it
        // would write the ten delivered subscribers too, and the count below would not say what the replay sent.
        assertThat(again.statusCode()).as("one at a time: %s", again.body()).isEqualTo(409);

        await("the replayed subscribers written with their current state", Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 30; i++) {
                Map<String, Object> profile = fixed.profile("rotated-" + i);
                if (profile == null || !FieldMapper.formatChurnRisk(new BigDecimal("0.9")).equals(profile.get(DestinationField.CHURN_RISK.iterableName()))) {
                    lastMismatch = "rotated-" + i + ": " + profile + " (" + fixed.userCount() + " users)";
                    return false;
                }
            }
            return true;
        });
        assertThat(fixed.userCount()).as("exactly the replay's subscribers: the ten never dead-lettered are not sent again")
                .isEqualTo(30);
    }

    /**
     * Issue 25: a backfill reads the subscribers' older states while their newer ones go live. The live 0.9 of the
     * last 2,000 subscribers of the scan reaches Iterable seconds before the backfill reaches their 0.1; the gate
     * keeps the backfill from writing it back.
     */
    @Test
    void aBackfillNeverWritesAnOlderStateOverANewerOneSentLive() throws Exception {
        IterableProject project = stack.iterable.addProject("race-project", "race-key-0001", IterableProject.Identity.USER_ID);
        int subscribers = 20_000;
        int rescored = 2_000;
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            events.add(scored("race", "race-" + i, i, new BigDecimal("0.1")));
        }
        assertThat(api.ingest(events, 1000)).isEqualTo(subscribers);
        await("the state service holds every subscriber of tenant race", Duration.ofSeconds(120),
                () -> stateKeys("race") >= subscribers);

        register("race", "race-project", "race-key-0001");
        awaitValue("the backfill under way", Duration.ofSeconds(60), () -> {
            JsonObject resync = api.status("race", "iterable").getJsonObject("resync");
            return resync != null && "RUNNING".equals(resync.getString("status")) && resync.getLong("sent") >= 500 ? true : null;
        });
        Map<String, BigDecimal> latest = new HashMap<>();
        List<AssignmentEvent> newer = new ArrayList<>();
        for (int i = subscribers - rescored; i < subscribers; i++) {
            newer.add(scored("race", "race-" + i, 3_600_000 + i, new BigDecimal("0.9")));
            latest.put("race-" + i, new BigDecimal("0.9"));
        }
        api.ingest(newer, 1000);
        await("the live 0.9 at Iterable", Duration.ofSeconds(60), () -> allLatest(project, "race-", latest));
        long sentWhenLive = api.status("race", "iterable").getJsonObject("resync").getLong("sent");
        assertThat(sentWhenLive).as("the backfill had not reached the re-scored subscribers yet").isLessThan(subscribers - rescored);

        await("the backfill done", Duration.ofSeconds(120),
                () -> "DONE".equals(api.status("race", "iterable").getJsonObject("resync").getString("status")));
        assertThat(project.userCount()).isEqualTo(subscribers);
        assertThat(allLatest(project, "race-", latest)).as("after the backfill: %s", lastMismatch).isTrue();
        assertThat(project.profile("race-0")).containsEntry(DestinationField.CHURN_RISK.iterableName(),
                FieldMapper.formatChurnRisk(new BigDecimal("0.1")));
    }

    /** A replay (and so any resync) racing newer live updates of the very subscribers it replays ends at the newest. */
    @Test
    void aReplayRacingLiveUpdatesEndsAtTheNewestValues() throws Exception {
        stack.iterable.addProject("relay-project", "relay-key-0001", IterableProject.Identity.USER_ID);
        register("relay", "relay-project", "relay-key-0001");
        awaitFirstBackfillDone("relay");
        stack.iterable.removeProject("relay-project");
        int subscribers = 10_000;
        List<AssignmentEvent> first = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            first.add(scored("relay", "relay-" + i, i, new BigDecimal("0.1")));
        }
        api.ingest(first, 1000);
        await("the updates dead-lettered as unauthorized", Duration.ofSeconds(90),
                () -> deadLettered("relay", "unauthorized") >= subscribers);

        IterableProject fixed = stack.iterable.addProject("relay-project", "relay-key-0002", IterableProject.Identity.USER_ID);
        register("relay", "relay-project", "relay-key-0002");
        Thread.sleep(2_500); // the dispatchers read READY destinations every 2 s here
        HttpResponse<String> replay = api.operator("POST", "/v1/tenants/relay/destinations/iterable/replay", null);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        awaitValue("the replay under way", Duration.ofSeconds(60), () -> {
            JsonObject resync = api.status("relay", "iterable").getJsonObject("resync");
            return resync != null && "RUNNING".equals(resync.getString("status")) && resync.getLong("sent") >= 500 ? true : null;
        });
        Map<String, BigDecimal> latest = new HashMap<>();
        for (int i = 0; i < subscribers; i++) {
            latest.put("relay-" + i, new BigDecimal("0.1"));
        }
        List<AssignmentEvent> newer = new ArrayList<>();
        for (int i = subscribers - 1_000; i < subscribers; i++) {
            newer.add(scored("relay", "relay-" + i, 3_600_000 + i, new BigDecimal("0.9")));
            latest.put("relay-" + i, new BigDecimal("0.9"));
        }
        api.ingest(newer, 1000);
        await("the live 0.9 at Iterable", Duration.ofSeconds(60), () -> allLatest(fixed, "relay-" + (subscribers - 1), Map.of(
                "relay-" + (subscribers - 1), new BigDecimal("0.9"))));
        assertThat(api.status("relay", "iterable").getJsonObject("resync").getLong("sent"))
                .as("the replay had not reached the re-scored subscribers yet").isLessThan(subscribers - 1_000);

        await("the replay done", Duration.ofSeconds(120), () -> {
            JsonObject resync = api.status("relay", "iterable").getJsonObject("resync");
            return resync != null && "DONE".equals(resync.getString("status"));
        });
        await("every subscriber at its newest value", Duration.ofSeconds(30), () -> allLatest(fixed, "relay-", latest));
        Thread.sleep(1_000);
        assertThat(allLatest(fixed, "relay-", latest)).as("a second later: %s", lastMismatch).isTrue();
    }

    /** The recovery resync after a parking, racing newer live updates of the subscribers at the end of its scan. */
    @Test
    void aRecoveryResyncRacingLiveUpdatesEndsAtTheNewestValues() throws Exception {
        IterableProject project = stack.iterable.addProject("mend-project", "mend-key-0001", IterableProject.Identity.USER_ID);
        register("mend", "mend-project", "mend-key-0001");
        awaitFirstBackfillDone("mend");
        project.faults().failNext(Integer.MAX_VALUE, 503);
        int subscribers = 10_000;
        List<AssignmentEvent> first = new ArrayList<>();
        Map<String, BigDecimal> latest = new HashMap<>();
        for (int i = 0; i < subscribers; i++) {
            first.add(scored("mend", "mend-" + i, i, new BigDecimal("0.1")));
            latest.put("mend-" + i, new BigDecimal("0.1"));
        }
        api.ingest(first, 1000);
        await("mend parked", Duration.ofSeconds(60), () -> "DEGRADED".equals(api.status("mend", "iterable").getString("status")));

        project.faults().clear();
        awaitValue("the recovery resync under way", Duration.ofSeconds(60), () -> {
            JsonObject resync = api.status("mend", "iterable").getJsonObject("resync");
            return resync != null && "recovered".equals(resync.getString("reason")) && "RUNNING".equals(resync.getString("status"))
                    && resync.getLong("sent") >= 500 ? true : null;
        });
        List<AssignmentEvent> newer = new ArrayList<>();
        for (int i = subscribers - 1_000; i < subscribers; i++) {
            newer.add(scored("mend", "mend-" + i, 3_600_000 + i, new BigDecimal("0.9")));
            latest.put("mend-" + i, new BigDecimal("0.9"));
        }
        api.ingest(newer, 1000);
        await("the live 0.9 at Iterable", Duration.ofSeconds(60), () -> allLatest(project, "mend-" + (subscribers - 1), Map.of(
                "mend-" + (subscribers - 1), new BigDecimal("0.9"))));
        assertThat(api.status("mend", "iterable").getJsonObject("resync").getLong("sent"))
                .as("the resync had not reached the re-scored subscribers yet").isLessThan(subscribers - 1_000);

        await("the recovery resync done", Duration.ofSeconds(120), () -> {
            JsonObject resync = api.status("mend", "iterable").getJsonObject("resync");
            return "recovered".equals(resync.getString("reason")) && "DONE".equals(resync.getString("status"));
        });
        await("every subscriber at its newest value", Duration.ofSeconds(30), () -> allLatest(project, "mend-", latest));
        Thread.sleep(1_000);
        assertThat(allLatest(project, "mend-", latest)).as("a second later: %s", lastMismatch).isTrue();
    }

    /**
     * Issue 30: Iterable answers 500 GenericError, for good, to any body holding one user, and every other body of the
     * project succeeds. The body is narrowed down until that user is alone: the 99 beside it and the 200 sent while it
     * failed are delivered at once, the one is dead-lettered as retries_exhausted with Iterable's text at the give-up
     * time (8 s here), and the tenant is never parked (DEGRADED).
     */
    @Test
    void oneBodyTheVendorRefusesForEverHoldsUpNobodyAndItsOneBadUserIsDeadLettered() throws Exception {
        IterableProject project = stack.iterable.addProject("poison-project", "poison-key-0001", IterableProject.Identity.USER_ID);
        register("poison", "poison-project", "poison-key-0001");
        awaitFirstBackfillDone("poison");
        api.ingest(List.of(scored("poison", "poison-warm", 0, new BigDecimal("0.5"))), 1);
        await("the project answering", Duration.ofSeconds(30), () -> project.profile("poison-warm") != null);
        DegradedWatch watch = DegradedWatch.start("poison", "iterable");

        project.faults().poisonBodiesContaining("\"poison-7\"", 500);
        Map<String, BigDecimal> latest = new HashMap<>();
        List<AssignmentEvent> first = new ArrayList<>();
        List<AssignmentEvent> more = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            (i < 100 ? first : more).add(scored("poison", "poison-" + i, 10 + i, new BigDecimal("0.3")));
            if (i != 7) {
                latest.put("poison-" + i, new BigDecimal("0.3"));
            }
        }
        Map<String, BigDecimal> sentMeanwhile = new HashMap<>(latest);
        sentMeanwhile.keySet().removeIf(user -> Integer.parseInt(user.substring("poison-".length())) < 100);
        long poisoned = System.nanoTime();
        api.ingest(first, 100);
        api.ingest(more, 200);
        await("the 200 sent while the body failed at Iterable", Duration.ofSeconds(30),
                () -> allLatest(project, "poison-", sentMeanwhile));
        long meanwhileMillis = Duration.ofNanos(System.nanoTime() - poisoned).toMillis();
        await("the 299 others at Iterable", Duration.ofSeconds(30), () -> allLatest(project, "poison-", latest));
        long othersMillis = Duration.ofNanos(System.nanoTime() - poisoned).toMillis();
        assertThat(project.profile("poison-7")).isNull();

        await("poison-7 dead-lettered at the give-up time", Duration.ofSeconds(60),
                () -> deadLettered("poison", "retries_exhausted") >= 1);
        long deadLetterMillis = Duration.ofNanos(System.nanoTime() - poisoned).toMillis();
        assertThat(deadLetterErrors("poison")).singleElement().asString().contains("GenericError");
        assertThat(watch.stop()).as("statuses seen while the body failed").doesNotContain("DEGRADED");
        System.out.printf("poisoned body: the 200 sent meanwhile delivered %d ms after the poison appeared, the 99 beside poison-7 "
                + "%d ms after (narrowed down at 5 requests/s), poison-7 dead-lettered after %d ms%n", meanwhileMillis, othersMillis,
                deadLetterMillis);
    }

    /** The same inside a backfill: it never parks its tenant because of one body, and cannot loop. */
    @Test
    void aBackfillWithOneBodyRefusedForEverEndsDoneWithItsBadUserDeadLettered() throws Exception {
        IterableProject project = stack.iterable.addProject("poisonfill-project", "poisonfill-key-0001",
                IterableProject.Identity.USER_ID);
        Map<String, BigDecimal> latest = new HashMap<>();
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            events.add(scored("poisonfill", "poisonfill-" + i, i, new BigDecimal("0.4")));
            if (i != 1_234) {
                latest.put("poisonfill-" + i, new BigDecimal("0.4"));
            }
        }
        api.ingest(events, 1000);
        await("the state service holds every subscriber of tenant poisonfill", Duration.ofSeconds(60),
                () -> stateKeys("poisonfill") >= 2_000);
        project.faults().poisonBodiesContaining("\"poisonfill-1234\"", 500);
        DegradedWatch watch = DegradedWatch.start("poisonfill", "iterable");

        register("poisonfill", "poisonfill-project", "poisonfill-key-0001");
        await("the backfill done", Duration.ofSeconds(120), () -> {
            JsonObject resync = api.status("poisonfill", "iterable").getJsonObject("resync");
            return resync != null && "DONE".equals(resync.getString("status"));
        });
        assertThat(allLatest(project, "poisonfill-", latest)).as("every other subscriber: %s", lastMismatch).isTrue();
        assertThat(deadLettered("poisonfill", "retries_exhausted")).isEqualTo(1);
        assertThat(watch.stop()).doesNotContain("DEGRADED");
        assertThat(api.status("poisonfill", "iterable").getJsonObject("resync").getString("reason"))
                .as("no recovery resync after it: it never parked").isEqualTo("ready");
    }

    /**
     * Issue 26: a lane parks while the provisioner is away. Nothing is committed past its records until the provisioner
     * knows: not while the PUT of the parking fails; and when the vendor answers before the provisioner is back, the
     * recovery carries the parking, the provisioner queues the resync although it never recorded the parking, and every
     * subscriber reaches Iterable.
     */
    @Test
    void aLaneParkedWhileTheProvisionerIsAwayCommitsNothingUntilItKnowsAndLosesNobody() throws Exception {
        IterableProject project = stack.iterable.addProject("away-project", "away-key-0001", IterableProject.Identity.USER_ID);
        register("away", "away-project", "away-key-0001");
        awaitFirstBackfillDone("away");
        project.faults().failNext(Integer.MAX_VALUE, 503);
        stack.stopProvisioner();
        try {
            Map<String, BigDecimal> latest = new HashMap<>();
            List<AssignmentEvent> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                events.add(scored("away", "away-" + i, i, new BigDecimal("0.2")));
                latest.put("away-" + i, new BigDecimal("0.2"));
            }
            api.ingest(events, 500);
            int partition = com.subsets.sync.runtime.TenantPartition.of("away", partitionsOf(Topics.SUBSCRIBER_STATE));
            long end = endOffset(Topics.SUBSCRIBER_STATE, partition);
            // Past the parking time (4 s) and then some: parked, but the provisioner never heard of it.
            Thread.sleep(9_000);
            assertThat(committed("subsets-sync.iterable-dispatcher", Topics.SUBSCRIBER_STATE, partition))
                    .as("the commit stays before the parked records while the parking is not recorded").isLessThan(end);

            project.faults().clear();
            Thread.sleep(3_000);
            stack.startProvisioner();
            await("every subscriber at Iterable, through the recovery's resync", Duration.ofSeconds(90),
                    () -> allLatest(project, "away-", latest));
            await("the commit past them once the provisioner knows", Duration.ofSeconds(30),
                    () -> committed("subsets-sync.iterable-dispatcher", Topics.SUBSCRIBER_STATE, partition) >= end);
        } finally {
            if (stack.provisioner == null) {
                stack.startProvisioner();
            }
        }
    }

    /**
     * Issue 26: a quiet tenant parked before its dispatcher restarts probes from the moment the new one owns its
     * partition, with its newest state as the row (no record of it arrives), and catches up once Iterable answers.
     */
    @Test
    void aQuietParkedTenantProbesAfterARestartWithoutARecordArriving() throws Exception {
        IterableProject project = stack.iterable.addProject("quiet-project", "quiet-key-0001", IterableProject.Identity.USER_ID);
        register("quiet", "quiet-project", "quiet-key-0001");
        awaitFirstBackfillDone("quiet");
        project.faults().failNext(Integer.MAX_VALUE, 503);
        Map<String, BigDecimal> latest = new HashMap<>();
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(scored("quiet", "quiet-" + i, i, new BigDecimal("0.6")));
            latest.put("quiet-" + i, new BigDecimal("0.6"));
        }
        api.ingest(events, 50);
        await("quiet parked", Duration.ofSeconds(60), () -> "DEGRADED".equals(api.status("quiet", "iterable").getString("status")));

        stack.stopIterableDispatcher();
        stack.startIterableDispatcher();
        project.faults().clear();
        await("quiet caught up with no record arriving", Duration.ofSeconds(60), () -> allLatest(project, "quiet-", latest));
        await("quiet READY again", Duration.ofSeconds(30), () -> "READY".equals(api.status("quiet", "iterable").getString("status")));
    }

    /**
     * Issue 26: a parked lane's probe row is itself a body Iterable refuses for good; the next probe goes with another
     * subscriber's row (the tenant's newest state), so the lane unparks, and the bad one is dead-lettered on its own.
     */
    @Test
    void aProbeRowTheVendorRefusesForGoodDoesNotKeepTheLaneParked() throws Exception {
        IterableProject project = stack.iterable.addProject("stuck-project", "stuck-key-0001", IterableProject.Identity.USER_ID);
        register("stuck", "stuck-project", "stuck-key-0001");
        awaitFirstBackfillDone("stuck");
        // Every body of the tenant refused: the lane parks and probes.
        project.faults().poisonBodiesContaining("\"stuck-", 500);
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(scored("stuck", "stuck-" + i, i, new BigDecimal("0.7")));
        }
        api.ingest(events, 50);
        await("stuck parked", Duration.ofSeconds(60), () -> "DEGRADED".equals(api.status("stuck", "iterable").getString("status")));
        // Then only the body of the subscriber it probes with stays refused: a lane probing with it for ever stays parked.
        project.faults().poisonBodiesContaining("\"stuck-", 500);
        String probed = awaitValue("a probe refused while parked", Duration.ofSeconds(30), () -> {
            List<String> bodies = project.faults().poisonedBodies();
            String last = bodies.isEmpty() ? null : bodies.get(bodies.size() - 1);
            JsonObject body = last == null ? null : new JsonObject(last);
            return body != null && body.getJsonArray("users").size() == 1
                    ? body.getJsonArray("users").getJsonObject(0).getString("userId") : null;
        });
        project.faults().poisonBodiesContaining("\"" + probed + "\"", 500);
        Map<String, BigDecimal> latest = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            if (!("stuck-" + i).equals(probed)) {
                latest.put("stuck-" + i, new BigDecimal("0.7"));
            }
        }
        await("stuck READY again, its other subscribers delivered", Duration.ofSeconds(60),
                () -> "READY".equals(api.status("stuck", "iterable").getString("status")) && allLatest(project, "stuck-", latest));
    }

    @Test
    void moreBackfillsThanTheReplicaRunsAtOnceWaitInTheQueueAndAllFinish() throws Exception {
        int tenants = 6;
        int subscribers = 2_000;
        List<String> names = new ArrayList<>();
        List<AssignmentEvent> events = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            String tenant = "queued" + t;
            names.add(tenant);
            for (int i = 0; i < subscribers; i++) {
                events.add(assigned(tenant, tenant + "-" + i, i, "exp-q"));
            }
        }
        assertThat(api.ingest(events, 1000)).isEqualTo(tenants * subscribers);
        Map<String, IterableProject> projects = new HashMap<>();
        for (String tenant : names) {
            await("the state service holds every subscriber of " + tenant, Duration.ofSeconds(120), () -> stateKeys(tenant) >= subscribers);
            projects.put(tenant, stack.iterable.addProject(tenant + "-project", tenant + "-key-0001", IterableProject.Identity.USER_ID));
        }
        for (String tenant : names) {
            api.operatorOk("PUT", "/v1/tenants/" + tenant + "/destinations/iterable", new JsonObject().put("apiKey", tenant + "-key-0001")
                    .put("region", "us").put("identifier", "userId").put("projectId", tenant + "-project"));
        }
        int mostRunning = 0;
        Integer placeSeen = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int done = 0;
        while (done < tenants) {
            assertThat(System.nanoTime()).as("every backfill done in time; %d of %d done", done, tenants).isLessThan(deadline);
            int runningNow = 0;
            done = 0;
            for (String tenant : names) {
                JsonObject resync = api.status(tenant, "iterable").getJsonObject("resync");
                String status = resync == null ? "NONE" : resync.getString("status");
                runningNow += "RUNNING".equals(status) ? 1 : 0;
                done += "DONE".equals(status) ? 1 : 0;
                if (resync != null && resync.getInteger("queuePosition") != null && placeSeen == null) {
                    placeSeen = resync.getInteger("queuePosition");
                }
            }
            mostRunning = Math.max(mostRunning, runningNow);
            Thread.sleep(100);
        }
        assertThat(mostRunning).as("never more backfills running than ITERABLE_RESYNC_MAX_RUNNING").isLessThanOrEqualTo(2);
        assertThat(placeSeen).as("a waiting backfill showed its place in the queue").isNotNull().isPositive();
        for (String tenant : names) {
            JsonObject resync = api.status(tenant, "iterable").getJsonObject("resync");
            assertThat(resync.getLong("sent")).as(tenant).isEqualTo(subscribers);
            assertThat(resync.getLong("total")).as(tenant).isEqualTo(subscribers);
            assertThat(resync.getValue("queuePosition")).isNull();
            assertThat(projects.get(tenant).userCount()).as(tenant + "'s users").isEqualTo(subscribers);
        }
    }

    @Test
    void resyncAndReplayRefuseWhatTheyCannotDo() throws Exception {
        HttpResponse<String> unknown = api.operator("POST", "/v1/tenants/nobody/destinations/iterable/resync", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("not_registered");
        HttpResponse<String> badSince = api.operator("POST", "/v1/tenants/nobody/destinations/iterable/replay?since=yesterday", null);
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(badSince.body()).contains("invalid_since");
    }

    // ---- helpers ----

    private static void register(String tenant, String projectId, String apiKey) throws Exception {
        api.operatorOk("PUT", "/v1/tenants/" + tenant + "/destinations/iterable", new JsonObject().put("apiKey", apiKey)
                .put("region", "us").put("identifier", "userId").put("projectId", projectId));
        await(tenant + " READY", Duration.ofSeconds(60),
                () -> "READY".equals(api.destination(tenant, "iterable").getString("status")));
    }

    /** The backfill a first READY queues (of nothing yet) reads the tenant's partition to its end: one resync at a time. */
    private static void awaitFirstBackfillDone(String tenant) throws Exception {
        await(tenant + "'s first backfill done", Duration.ofSeconds(120), () -> {
            JsonObject resync = api.status(tenant, "iterable").getJsonObject("resync");
            return resync == null || "DONE".equals(resync.getString("status"));
        });
    }

    private static AssignmentEvent assigned(String tenant, String user, int i, String experiment) {
        return new AssignmentEvent(tenant + "-a-" + user, EventType.ASSIGNED, tenant, T0.plusMillis(i), new Subscriber(user, null),
                new Experiment(experiment, "Experiment " + experiment), i % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, null);
    }

    private static AssignmentEvent scored(String tenant, String user, int i, BigDecimal risk) {
        return new AssignmentEvent(tenant + "-s-" + user + "-" + i, EventType.CHURN_RISK_SCORED, tenant, T0.plusMillis(i),
                new Subscriber(user, null), null, null, null, risk);
    }

    private static boolean allLatest(IterableProject project, String prefix, Map<String, BigDecimal> latest) {
        for (Map.Entry<String, BigDecimal> e : latest.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            Map<String, Object> profile = project.profile(e.getKey());
            Object risk = profile == null ? null : profile.get(DestinationField.CHURN_RISK.iterableName());
            if (!FieldMapper.formatChurnRisk(e.getValue()).equals(risk)) {
                lastMismatch = e.getKey() + ": expected " + e.getValue() + ", found " + profile + " (" + project.userCount() + " users)";
                return false;
            }
        }
        return true;
    }

    private static long stateKeys(String tenant) {
        return new HashSet<>(keys(Topics.SUBSCRIBER_STATE, record -> record.key() != null
                && record.key().startsWith(SubscriberKey.prefixOf(tenant)))).size();
    }

    private static long deadLettered(String tenant, String reason) {
        return keys(Topics.deadLetter("iterable"), record -> record.key() != null
                && record.key().startsWith(SubscriberKey.prefixOf(tenant)) && record.headers().lastHeader("dlq-reason") != null
                && reason.equals(new String(record.headers().lastHeader("dlq-reason").value(), StandardCharsets.UTF_8))).size();
    }

    private static int partitionsOf(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
        }
    }

    private static long endOffset(String topic, int partition) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, partition);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static long committed(String group, String topic, int partition) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", stack.bootstrapServers))) {
            var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            var offset = offsets.get(new TopicPartition(topic, partition));
            return offset == null ? -1 : offset.offset();
        }
    }

    /** The dlq-error header of each of the tenant's dead letters. */
    private static List<String> deadLetterErrors(String tenant) {
        List<String> errors = new ArrayList<>();
        keys(Topics.deadLetter("iterable"), record -> {
            boolean ours = record.key() != null && record.key().startsWith(SubscriberKey.prefixOf(tenant))
                    && record.headers().lastHeader("dlq-error") != null;
            if (ours) {
                errors.add(new String(record.headers().lastHeader("dlq-error").value(), StandardCharsets.UTF_8));
            }
            return ours;
        });
        return errors;
    }

    /** Samples a destination's status every 200 ms on a thread of its own, to tell whether it was ever DEGRADED. */
    private static final class DegradedWatch {
        private final java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
        private volatile boolean running = true;
        private Thread thread;

        static DegradedWatch start(String tenant, String kind) {
            DegradedWatch watch = new DegradedWatch();
            watch.thread = new Thread(() -> {
                while (watch.running) {
                    try {
                        watch.seen.add(api.status(tenant, kind).getString("status"));
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            watch.thread.setDaemon(true);
            watch.thread.start();
            return watch;
        }

        java.util.Set<String> stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
            return seen;
        }
    }

    /** The key of each record of the topic that matches, read from the beginning to the end it has now. */
    private static List<String> keys(String topic, java.util.function.Predicate<ConsumerRecord<String, byte[]>> matching) {
        Map<String, Object> props = Map.of("bootstrap.servers", stack.bootstrapServers, "isolation.level", "read_committed");
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (matching.test(record)) {
                        keys.add(record.key());
                    }
                }
            }
        }
        return keys;
    }

    private static long percentile(List<Long> sortedNanos, double q) {
        if (sortedNanos.isEmpty()) {
            return -1;
        }
        int at = (int) Math.min(sortedNanos.size() - 1, Math.ceil(q * sortedNanos.size()) - 1);
        return Duration.ofNanos(sortedNanos.get(Math.max(0, at))).toMillis();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    interface Probe<T> {
        T value() throws Exception;
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        awaitValue(what, timeout, () -> check.holds() ? Boolean.TRUE : null);
    }

    private static <T> T awaitValue(String what, Duration timeout, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.value();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + lastMismatch);
            }
            Thread.sleep(200);
        }
    }
}
