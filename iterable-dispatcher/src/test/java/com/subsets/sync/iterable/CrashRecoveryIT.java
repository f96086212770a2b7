package com.subsets.sync.iterable;

import static com.subsets.sync.iterable.DispatcherTestKit.await;
import static com.subsets.sync.iterable.Events.scored;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.ForkedJvm;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.simulator.common.RecordedCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dispatcher killed with SIGKILL mid-run, while the destination is slow and failing, loses nothing:
 * after a restart every subscriber holds its latest values and nothing was dead-lettered. Redelivery
 * after the crash only repeats rows whose batches were not acknowledged (SET makes that harmless).
 */
@ExtendWith(RealServices.class)
class CrashRecoveryIT {

    private static final int USERS = 400;

    @Test
    void killedMidRunThenRestartedEveryEventIsDelivered(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            Map<String, String> expected = new HashMap<>();
            List<AssignmentEvent> events = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int u = 0; u < USERS; u++) {
                    String risk = "0." + (10 + round * 10 + u % 7);
                    events.add(scored("acme", "u-" + u, risk, round));
                    expected.put("u-" + u, risk);
                }
            }
            kit.send(events.toArray(AssignmentEvent[]::new));
            kit.project.faults().latency(40).failNext(6, 503);

            // A killed member keeps its partitions until its session expires (45 s by default): 6 s here.
            Process dispatcher = ForkedJvm.start(Main.class, kit.env(Map.of("ITERABLE_REQUESTS_PER_SECOND", "50", "ITERABLE_BATCH_MAX_ROWS", "50",
                    "ITERABLE_COMMIT_INTERVAL_MS", "500", "KAFKA_PROPERTY_SESSION_TIMEOUT_MS", "6000",
                    "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS", "1000")), Path.of("target/crash-recovery-dispatcher.log"));
            try {
                await("some deliveries before the crash", Duration.ofSeconds(60), () -> kit.project.userCount() >= 60);
            } finally {
                dispatcher.destroyForcibly().waitFor();
            }
            int deliveredBeforeCrash = kit.project.userCount();
            assertThat(deliveredBeforeCrash).as("killed mid-run").isLessThan(USERS);

            List<AssignmentEvent> whileDown = new ArrayList<>();
            for (int u = 0; u < USERS; u += 3) {
                whileDown.add(scored("acme", "u-" + u, "0.99", 10));
                expected.put("u-" + u, "0.99");
            }
            kit.send(whileDown.toArray(AssignmentEvent[]::new));
            kit.project.faults().clear();
            kit.startDispatcher(Map.of("ITERABLE_REQUESTS_PER_SECOND", "50"));

            long restarted = System.nanoTime();
            await("every subscriber at its latest value", Duration.ofSeconds(90), () -> expected.entrySet().stream()
                    .allMatch(e -> kit.project.profile(e.getKey()) != null
                            && e.getValue().equals(kit.project.profile(e.getKey()).get("subsetsSubscriberChurnRisk"))));
            System.out.printf("crash recovery: %d of %d subscribers delivered before the kill; all at their latest value %d ms after restart%n",
                    deliveredBeforeCrash, USERS, (System.nanoTime() - restarted) / 1_000_000);
            await("everything committed", Duration.ofSeconds(30), kit::committedToEnd);
            assertThat(kit.deadLetters(0)).isEmpty();
            int rowsAccepted = kit.project.calls().stream().filter(c -> c.status() == 200).mapToInt(RecordedCall::items).sum();
            assertThat(rowsAccepted).as("coalescing and at-least-once: at least one row per subscriber, far fewer than records")
                    .isBetween(USERS, events.size() + whileDown.size());
        }
    }
}
