package com.subsets.sync.iterable;

import static com.subsets.sync.iterable.DispatcherTestKit.await;
import static com.subsets.sync.iterable.Events.scored;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.simulator.iterable.IterableProject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One tenant's destination fails; the other's keeps receiving while the buffers have room. When they
 * are full the consumer pauses its partitions (everyone waits: memory stays bounded), and resumes by
 * itself once the failing destination recovers and the buffers drain.
 */
@ExtendWith(RealServices.class)
class BackpressureIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aFailingTenantHoldsOnlyItsOwnRecordsUntilTheBuffersAreFull(KafkaService kafka) throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            IterableProject healthy = kit.simulator.addProject("p2", "key-p2", IterableProject.Identity.USER_ID, 50);
            kit.project.faults().failNext(1_000_000, 503);
            String base = "http://127.0.0.1:" + kit.simulator.port();
            kit.startDispatcher(Map.of(
                    "ITERABLE_DESTINATIONS", "{\"acme\":{\"projectId\":\"p1\",\"apiKey\":\"key-p1\",\"baseUrl\":\"" + base + "\"},"
                            + "\"beta\":{\"projectId\":\"p2\",\"apiKey\":\"key-p2\",\"baseUrl\":\"" + base + "\"}}",
                    "ITERABLE_MAX_BUFFERED_RECORDS", "200",
                    "ITERABLE_REQUESTS_PER_SECOND", "50",
                    "ITERABLE_RETRY_MAX_DELAY_MS", "200"));

            kit.send(events("acme", "stuck-", 0, 150));
            kit.send(events("beta", "early-", 0, 40));
            await("the healthy tenant delivered while there is room", Duration.ofSeconds(30), () -> healthy.userCount() == 40);
            assertThat(kit.project.userCount()).isZero();
            assertThat(metric(kit, "dispatcher_consumer_paused")).isEqualTo(0);

            kit.send(events("acme", "more-", 0, 300));
            await("paused at the bound", Duration.ofSeconds(30), () -> metric(kit, "dispatcher_consumer_paused") == 1);
            assertThat(metric(kit, "dispatcher_buffered_records")).isLessThanOrEqualTo(200 + 1000);
            kit.send(events("beta", "late-", 0, 10));
            Thread.sleep(1000);
            assertThat(healthy.userCount()).as("no room: everyone waits").isEqualTo(40);

            kit.project.faults().clear();
            await("drained and resumed", Duration.ofSeconds(60), () -> kit.project.userCount() == 450 && healthy.userCount() == 50);
            assertThat(metric(kit, "dispatcher_consumer_paused")).isEqualTo(0);
            assertThat(kit.deadLetters(0)).isEmpty();

            String metrics = scrape(kit);
            assertThat(metrics).contains("dispatcher_records_consumed_total{destination=\"iterable\"",
                    "dispatcher_records_delivered_total{", "dispatcher_records_coalesced_total{", "dispatcher_retries_total{",
                    "dispatcher_requests_throttled_total{", "dispatcher_batch_rows_bucket{", "dispatcher_batch_bytes_sum{",
                    "dispatcher_request_latency_seconds_bucket{destination=\"iterable\"", "status=\"503\"", "status=\"200\"",
                    "dispatcher_budget_rate{budget=\"iterable:17404b54e2a0\",destination=\"iterable\"", // iterable:p2@127.0.0.1
                    "kafka_consumer_fetch_manager_records_lag", "dispatcher_consumer_paused{", "dispatcher_buffered_bytes{",
                    "dispatcher_responses_unexpected_total{");
        }
    }

    private static AssignmentEvent[] events(String tenant, String prefix, int from, int count) {
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            events.add(scored(tenant, prefix + i, "0.4", 1));
        }
        return events.toArray(AssignmentEvent[]::new);
    }

    private static String scrape(DispatcherTestKit kit) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kit.dispatcher.port() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(DispatcherTestKit kit, String name) {
        try {
            for (String line : scrape(kit).split("\n")) {
                if (line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
