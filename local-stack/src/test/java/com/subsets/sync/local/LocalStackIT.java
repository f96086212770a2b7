package com.subsets.sync.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local stack started the way {@code ./run-local.sh} starts it (its own embedded broker and
 * PostgreSQL, both simulators, the five services): the demo events reach both simulators, the refused
 * ones are dead-lettered with their reason, the history agrees, a late destination is backfilled, a replay
 * writes what was refused once its cause is fixed, a followed BlueConic segment is read back (members entered, the
 * lookup answering), one of its members is erased (forgotten at Iterable, cleared at BlueConic, out of the segment, a
 * late older event changing nothing), and closing frees every port.
 */
class LocalStackIT {

    @Test
    void demoEventsReachBothSimulatorsAndEverythingStopsCleanly() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8));
        // Port 0: any free port, so the test never collides with a stack someone is running.
        Map<String, String> env = Map.of("LOCAL_INGEST_PORT", "0", "LOCAL_INGEST_METRICS_PORT", "0", "LOCAL_PROVISIONER_METRICS_PORT", "0",
                "LOCAL_ITERABLE_DISPATCHER_PORT", "0",
                "LOCAL_BLUECONIC_DISPATCHER_PORT", "0", "LOCAL_PROVISIONER_PORT", "0", "LOCAL_ITERABLE_SIMULATOR_PORT", "0",
                "LOCAL_BLUECONIC_SIMULATOR_PORT", "0", "LOCAL_DEMO_SUBSCRIBERS", "50");
        LocalStackConfig config = LocalStackConfig.fromEnv(new EnvReader(env::get));
        LocalStack stack = LocalStack.start(config, progress);
        String summary;
        try {
            Demo demo = new Demo(stack, progress);
            demo.register();
            assertThat(demo.sendEvents()).isEqualTo(150);
            assertThat(demo.awaitDelivery(Duration.ofSeconds(90))).as(printed.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(demo.awaitHistory(Duration.ofSeconds(30))).as(printed.toString(StandardCharsets.UTF_8)).isTrue();

            // 50 subscribers: two forgotten in Iterable (3 and 40: i % 37 == 3), five without a BlueConic profile.
            assertThat(demo.project().userCount()).isEqualTo(48);
            assertThat(demo.project().profile(Demo.user(2))).containsEntry("subsetsExperimentId", "exp-winback-2026")
                    .containsEntry("subsetsExperimentAssignment", "treatment");
            assertThat(demo.project().profile(Demo.user(5))).as("unassigned: experiment fields removed")
                    .doesNotContainKey("subsetsExperimentId").containsKey("subsetsSubscriberChurnRisk");
            assertThat(demo.blueConicTenant().profileBy("email", Demo.email(2)))
                    .containsEntry("subsets_experiment_name", List.of("Winback offer Q4"));
            assertThat(Summary.deadLetters(stack.bootstrapServers, Topics.deadLetter("iterable"))).containsOnlyKeys("forgotten")
                    .allSatisfy((reason, records) -> assertThat(records).hasSize(6));
            assertThat(Summary.deadLetters(stack.bootstrapServers, Topics.deadLetter("blueconic"))).containsOnlyKeys("not_found")
                    .allSatisfy((reason, records) -> assertThat(records).hasSize(15));
            summary = Summary.delivered(stack, demo) + Summary.endpoints(stack);

            // A destination registered after its tenant's subscribers were is backfilled from the state topic.
            assertThat(demo.backfillLateDestination(Duration.ofSeconds(90))).isEqualTo(50);
            assertThat(demo.lateProject().profile(Demo.user(7))).containsEntry("subsetsExperimentId", "exp-late-2026");
            // Once BlueConic has the five missing profiles, a replay of its dead letters writes them.
            assertThat(demo.replayAfterTheCauseIsFixed(Duration.ofSeconds(90))).isEqualTo(5);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("backfill (ready): DONE, 50 of 50 sent",
                    "replay: 5 subscribers found on the dead-letter topic");
            // The followed BlueConic segment read back: its members entered, and the tenant's lookup token finds one.
            String lookup = demo.readSegmentBack(Duration.ofSeconds(60));
            assertThat(lookup).as(printed.toString(StandardCharsets.UTF_8)).isNotNull().contains("200", Demo.SEGMENT);
            // A subscriber of that segment asks to be forgotten: Iterable (forget) clears then forgets them, BlueConic (clear)
            // clears the five properties, the membership leaves the segment, and a late, older event changes nothing.
            ErasureDemo.Outcome erased = new ErasureDemo(stack, demo, progress).eraseOne(50, Duration.ofSeconds(60));
            assertThat(erased.complete()).as(printed.toString(StandardCharsets.UTF_8) + erased).isTrue();
            assertThat(erased.status().getJsonArray("destinations").stream().map(d -> ((io.vertx.core.json.JsonObject) d).getString("status")))
                    .containsExactlyInAnyOrder("forgotten", "cleared");
            assertThat(erased.iterableProfile()).as("forgotten at Iterable").isNull();
            assertThat(erased.blueConicProfile()).as("the profile stays, without the subsets properties").isNotNull()
                    .containsKey("email");
        } finally {
            stack.close();
        }
        assertThat(summary).contains("48 user profiles", "45 profiles carry the subsets properties", "forgotten", "not_found",
                "/v1/events", "/metrics", config.url(config.ingestMetricsPort()) + "/metrics",
                config.url(config.provisionerMetricsPort()) + "/health/ready");
        for (int port : new int[] {config.ingestPort(), config.provisionerPort(), config.iterableDispatcherPort(),
                config.blueConicDispatcherPort(), config.iterableSimulatorPort(), config.blueConicSimulatorPort(),
                config.ingestMetricsPort(), config.provisionerMetricsPort()}) {
            try (ServerSocket socket = new ServerSocket(port)) {
                assertThat(socket.getLocalPort()).as("port %d is free again", port).isEqualTo(port);
            }
        }
    }
}
