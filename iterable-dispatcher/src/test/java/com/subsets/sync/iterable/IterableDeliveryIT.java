package com.subsets.sync.iterable;

import static com.subsets.sync.iterable.DispatcherTestKit.await;
import static com.subsets.sync.iterable.DispatcherTestKit.header;
import static com.subsets.sync.iterable.Events.assigned;
import static com.subsets.sync.iterable.Events.emailOnly;
import static com.subsets.sync.iterable.Events.scored;
import static com.subsets.sync.iterable.Events.unassigned;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.simulator.common.RecordedCall;
import com.subsets.sync.simulator.iterable.IterableProject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events on the topic arrive as the right profile fields in the Iterable simulator, through every fault. */
@ExtendWith(RealServices.class)
class IterableDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eventsArriveAsTheFiveFieldsWithTheLatestValueOfEach(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            kit.startDispatcher(Map.of());
            for (int u = 0; u < 50; u++) {
                String user = "user-" + u;
                kit.send(assigned("acme", user, "exp-1", "Winback", 10), scored("acme", user, "0.25", 20),
                        assigned("acme", user, "exp-2", "Upsell", 30), scored("acme", user, "0.875", 40));
            }
            kit.send(unassigned("acme", "user-7", 50));

            await("every user delivered", WAIT, () -> kit.project.userCount() == 50 && kit.committedToEnd());
            Map<String, Object> profile = kit.project.profile("user-3");
            assertThat(profile).containsEntry("subsetsExperimentId", "exp-2")
                    .containsEntry("subsetsExperimentName", "Upsell")
                    .containsEntry("subsetsExperimentAddedAt", "2026-11-22T09:00:00Z")
                    .containsEntry("subsetsExperimentAssignment", "treatment")
                    .containsEntry("subsetsSubscriberChurnRisk", "0.88");
            assertThat(kit.project.profile("user-7")).as("unassigned clears the four experiment fields")
                    .containsOnlyKeys("subsetsSubscriberChurnRisk");
            int rowsSent = kit.project.calls().stream().mapToInt(RecordedCall::items).sum();
            assertThat(rowsSent).as("201 records coalesced into far fewer rows").isLessThan(201);
            assertThat(kit.deadLetters(0)).isEmpty();
        }
    }

    @Test
    void holdsFiveRequestsPerSecondAndBatchLimits(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            List<AssignmentEvent> events = new ArrayList<>();
            for (int u = 0; u < 3000; u++) {
                events.add(scored("acme", "u-" + u, "0.5", 1));
            }
            kit.send(events.toArray(AssignmentEvent[]::new));
            kit.startDispatcher(Map.of("ITERABLE_BATCH_MAX_ROWS", "100"));

            await("3000 users", WAIT, () -> kit.project.userCount() == 3000);
            List<RecordedCall> calls = kit.project.calls();
            assertThat(calls).allSatisfy(c -> assertThat(c.items()).isLessThanOrEqualTo(100));
            List<RecordedCall> accepted = calls.stream().filter(c -> c.status() == 200).toList();
            for (RecordedCall call : accepted) {
                long inWindow = accepted.stream().filter(c -> c.atMillis() > call.atMillis() - 1000 && c.atMillis() <= call.atMillis()).count();
                assertThat(inWindow).as("requests accepted in the second before %d", call.atMillis()).isLessThanOrEqualTo(5);
            }
            // Requests leave 205 ms apart; the simulator counts them when it handles them, after reading the
            // body, so on a loaded machine two can arrive closer. One such 429 is absorbed by the limiter.
            assertThat(calls.stream().filter(c -> c.status() == 429).count()).as("429s").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void batchesStayUnderTheByteLimit(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            List<AssignmentEvent> events = new ArrayList<>();
            for (int u = 0; u < 400; u++) {
                events.add(assigned("acme", "u-" + u, "exp-" + u, "An experiment with a rather long name, number " + u, 1));
            }
            kit.send(events.toArray(AssignmentEvent[]::new));
            kit.startDispatcher(Map.of("ITERABLE_BATCH_MAX_BYTES", "20000", "ITERABLE_REQUESTS_PER_SECOND", "50"));

            await("400 users", WAIT, () -> kit.project.userCount() == 400);
            List<RecordedCall> calls = kit.project.calls();
            assertThat(calls).allSatisfy(c -> assertThat(c.requestBytes()).as("body bytes").isLessThanOrEqualTo(20_000));
            assertThat(calls.stream().mapToInt(RecordedCall::items).max().orElse(0)).as("bytes, not rows, cut the batches")
                    .isLessThan(400).isGreaterThan(10);
        }
    }

    @Test
    void aDestinationThatTimesOutIsRetried(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            kit.project.faults().latency(1_500);
            kit.startDispatcher(Map.of("ITERABLE_REQUEST_TIMEOUT_MS", "400"));
            kit.send(scored("acme", "slow-1", "0.1", 1));
            await("a first call answered too late", WAIT, () -> !kit.project.calls().isEmpty());
            kit.project.faults().latency(0);
            await("delivered once the destination answers in time", WAIT, () -> kit.project.profile("slow-1") != null
                    && kit.committedToEnd());
            assertThat(kit.project.calls().size()).as("one event, retried after the 400 ms timeout").isGreaterThanOrEqualTo(2);
            assertThat(kit.deadLetters(0)).isEmpty();
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndNothingStalls(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            kit.startDispatcher(Map.of());
            kit.sendRaw("acme", "{not json");
            kit.sendRaw("acme", "{\"eventId\":\"x\",\"type\":\"experiment.assigned\"}");
            // A valid event whose experiment name holds an encoded surrogate (ED A0 80): not UTF-8.
            String surrogate = new String(new com.subsets.sync.model.EventCodec().encode(
                    assigned("acme", "surrogate", "exp-1", "Winback", 1)), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\"name\":\"", "\"name\":\"\u0001");
            byte[] notUtf8 = surrogate.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int at = surrogate.indexOf('\u0001');
            byte[] withSurrogate = new byte[notUtf8.length + 2];
            System.arraycopy(notUtf8, 0, withSurrogate, 0, at);
            withSurrogate[at] = (byte) 0xED;
            withSurrogate[at + 1] = (byte) 0xA0;
            withSurrogate[at + 2] = (byte) 0x80;
            System.arraycopy(notUtf8, at + 1, withSurrogate, at + 3, notUtf8.length - at - 1);
            kit.sendRaw("acme", withSurrogate);
            // A valid JSON number whose formatting once took 27 s of the event loop.
            kit.sendRaw("acme", new String(new com.subsets.sync.model.EventCodec().encode(scored("acme", "tiny", "0.5", 1)),
                    java.nio.charset.StandardCharsets.UTF_8).replace("\"churnRisk\":0.5", "\"churnRisk\":1e-30000000"));
            kit.send(emailOnly("acme", "no-user-id@example.com", 1));
            kit.send(scored("unknown-tenant", "u-1", "0.1", 1));
            kit.send(scored("acme", "after-poison", "0.3", 2));

            await("the good record delivered", WAIT, () -> kit.project.profile("after-poison") != null);
            List<ConsumerRecord<String, byte[]>> dead = kit.deadLetters(5);
            assertThat(dead).extracting(r -> header(r, "dlq-reason")).containsExactlyInAnyOrder(
                    "malformed_json", "malformed_json", "contract_violation", "contract_violation", "missing_identifier");
            assertThat(dead).extracting(r -> header(r, "dlq-error")).anySatisfy(error -> assertThat(error)
                    .contains("churnRisk: must be a number from 0 to 1 (a finite double)"));
            assertThat(dead).extracting(r -> header(r, "dlq-error")).anySatisfy(error -> assertThat(error)
                    .contains("byte offset " + at).contains("surrogate"));
            ConsumerRecord<String, byte[]> violation = dead.stream()
                    .filter(r -> String.valueOf(header(r, "dlq-error")).contains("tenantId")).findFirst().orElseThrow();
            assertThat(new String(violation.value())).as("the original bytes").isEqualTo("{\"eventId\":\"x\",\"type\":\"experiment.assigned\"}");
            assertThat(header(violation, "dlq-error")).contains("tenantId: is required");
            assertThat(header(violation, "dlq-source")).startsWith(kit.topic + "/");
            assertThat(header(violation, "dlq-first-failure")).isNotBlank();
            await("offsets committed past the poison", WAIT, kit::committedToEnd);
        }
    }

    @Test
    void aDeadLetterKafkaRefusesForGoodIsWrittenTruncatedAndBadRecordsCountAsUnknownTenant(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            // Plenty for reports and small dead letters; the big record (produced without that limit) cannot go back whole.
            kit.startDispatcher(Map.of("KAFKA_PROPERTY_MAX_REQUEST_SIZE", "3000", "ITERABLE_REPORT_INTERVAL_MS", "200"));
            String big = "{not json " + "x".repeat(10_000);
            for (int i = 0; i < 3; i++) {
                // A producer keying by event id: each key is a new string, none a tenant.
                kit.sendRaw("evt-" + i, i == 0 ? big : "{not json " + i);
            }
            kit.send(scored("acme", "after-big", "0.3", 2));

            await("the good record delivered and everything committed", WAIT,
                    () -> kit.project.profile("after-big") != null && kit.committedToEnd());
            List<ConsumerRecord<String, byte[]>> dead = kit.deadLetters(3);
            ConsumerRecord<String, byte[]> truncated = dead.stream().filter(r -> "true".equals(header(r, "dlq-truncated")))
                    .findFirst().orElseThrow();
            assertThat(truncated.value()).as("no value: the original stays on the input topic").isEmpty();
            assertThat(header(truncated, "dlq-source")).startsWith(kit.topic + "/").endsWith("@0");
            assertThat(header(truncated, "dlq-reason")).isEqualTo("malformed_json");
            assertThat(dead).filteredOn(r -> header(r, "dlq-truncated") == null).hasSize(2);
            await("reports sent", WAIT, () -> !kit.records(kit.topic + ".reports", 1).isEmpty());
            assertThat(kit.records(kit.topic + ".reports", 1)).extracting(ConsumerRecord::key)
                    .as("reports by validated tenant, never by a producer's key").allMatch(k -> k.equals("unknown") || k.equals("acme"));
        }
    }

    @Test
    void aRequestThatCannotBeBuiltTakesTheFailurePathInsteadOfStayingInFlight(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            // A line break in the key: the HTTP client refuses the header while the request is being built.
            kit.startDispatcher(Map.of("ITERABLE_RETRY_GIVE_UP_MS", "1000", "ITERABLE_RETRY_MAX_DELAY_MS", "200",
                    "ITERABLE_DESTINATIONS", new io.vertx.core.json.JsonObject().put("acme", new io.vertx.core.json.JsonObject()
                            .put("projectId", "p1").put("apiKey", "key\nwith-a-break")
                            .put("baseUrl", "http://127.0.0.1:" + kit.simulator.port())).encode()));
            kit.send(scored("acme", "u-1", "0.1", 1));

            List<ConsumerRecord<String, byte[]>> dead = kit.deadLetters(1);
            assertThat(dead).extracting(r -> header(r, "dlq-reason")).containsExactly("retries_exhausted");
            assertThat(header(dead.get(0), "dlq-error")).startsWith("request_not_built: ").doesNotContain("with-a-break");
            await("committed past it", WAIT, kit::committedToEnd);
            assertThat(kit.project.calls()).as("nothing left the dispatcher").isEmpty();
        }
    }

    @Test
    void fiveHundredsAndThrottlingStormsAreRetriedUntilDelivered(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            kit.project.faults().failNext(3, 503);
            kit.startDispatcher(Map.of());
            kit.send(scored("acme", "u-1", "0.1", 1), scored("acme", "u-2", "0.2", 1));
            await("delivered after 503s", WAIT, () -> kit.project.userCount() == 2);

            kit.project.faults().throttleNext(4);
            kit.send(scored("acme", "u-3", "0.3", 1));
            await("delivered after a 429 storm", WAIT, () -> kit.project.profile("u-3") != null);
            assertThat(kit.project.calls()).extracting(RecordedCall::status).contains(503, 429, 200);
            assertThat(kit.deadLetters(0)).isEmpty();

            kit.project.faults().dropNext(2);
            kit.send(scored("acme", "u-4", "0.4", 1));
            await("delivered after dropped connections", WAIT, () -> kit.project.profile("u-4") != null);
        }
    }

    @Test
    void partialFailuresAreReadUserByUser(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 5)) {
            kit.project.forget("forgotten-user");
            kit.startDispatcher(Map.of());
            kit.send(scored("acme", "ok-1", "0.1", 1), scored("acme", "forgotten-user", "0.2", 1), scored("acme", "ok-2", "0.3", 1));

            await("the others delivered", WAIT, () -> kit.project.userCount() == 2);
            List<ConsumerRecord<String, byte[]>> dead = kit.deadLetters(1);
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), "dlq-reason")).isEqualTo("forgotten");
            assertThat(header(dead.get(0), "dlq-error")).contains("failedUpdates.forgottenUserIds");
        }
    }

    @Test
    void aTypeMismatchIsolatesTheOffendingUserAndTheOthersGoThrough(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            kit.project.typeMismatch(IterableProject.TypeMismatch.REJECT_REQUEST).field("subsetsExperimentName", "string");
            List<AssignmentEvent> events = new ArrayList<>();
            for (int u = 0; u < 8; u++) {
                events.add(assigned("acme", "u-" + u, "exp-1", u == 5 ? "2026-01-01" : "Winback", 1));
            }
            kit.send(events.toArray(AssignmentEvent[]::new));
            kit.startDispatcher(Map.of("ITERABLE_REQUESTS_PER_SECOND", "50"));

            await("seven delivered", WAIT, () -> kit.project.userCount() == 7);
            List<ConsumerRecord<String, byte[]>> dead = kit.deadLetters(1);
            assertThat(dead).extracting(r -> header(r, "dlq-reason")).containsExactly("field_type_mismatch");
            assertThat(header(dead.get(0), "dlq-error")).contains("RequestFieldsTypesMismatched").contains("subsetsExperimentName");
            assertThat(kit.project.profile("u-5")).isNull();
            Map<Integer, Long> statuses = kit.project.calls().stream().collect(Collectors.groupingBy(RecordedCall::status, Collectors.counting()));
            assertThat(statuses).containsKey(400);
        }
    }
}
