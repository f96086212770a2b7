package com.subsets.sync.deploy;

import com.subsets.sync.infra.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.subsets.sync.local.MonitoredStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shipped monitoring against the running system: a real Prometheus (Debian's) scrapes the local stack through the
 * shipped scrape configuration ({@link LocalScrapeConfig}: its pod discovery replaced by the pods of the rendered local
 * overlay, its relabeling as shipped) and evaluates the shipped alert rules, sending to a real Alertmanager that routes
 * to this test's webhook. The stack is driven into three failures, and each alert is seen firing and then resolving at
 * the webhook: the Iterable simulator answering 503 past the parking time (SubsetsSyncDestinationParked), a poison record
 * on the events topic that subscriber-state sets aside (SubsetsSyncStateRecordsSetAside), and subscriber-state stopped
 * then started again (SubsetsSyncServiceDown for its pod). Then every query of every dashboard panel is run on that
 * Prometheus over the whole run, and any that errors or never returned data is named.
 *
 * <p>The rules are the shipped ones with one change, made in this test only: every duration in them ({@code for:} and
 * every range in an expression) is divided by 60 ({@link RulesTimeScale}), so a minute of the rules is a second here,
 * with scrapes and evaluations every second. Without it the parking alert alone would need 15 minutes to fire and the
 * set-aside alert 10 minutes to resolve.
 */
class AlertingIT {

    private static final int TIME_SCALE = 60;
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void alertsFireAndResolveThroughAlertmanagerAndEveryDashboardQueryReturnsData() throws Exception {
        Instant t0 = Instant.now();
        List<JsonNode> deployments = ManifestsTest.render("local").stream()
                .filter(o -> o.path("kind").asText().equals("Deployment")).toList();
        Path work = Files.createTempDirectory("alerting-it");
        try (MonitoredStack stack = MonitoredStack.startWithDemo(Map.of(
                     // A lane failing for 3 s is parked, and probes its vendor every 0.5 s.
                     "ITERABLE_PARK_AFTER_MS", "3000",
                     "ITERABLE_PARK_PROBE_MS", "500",
                     "ITERABLE_RETRY_BASE_MS", "50",
                     "ITERABLE_RETRY_MAX_DELAY_MS", "500",
                     // A dead letter over 64 KB is written truncated: the poison record below is one.
                     "KAFKA_PROPERTY_MAX_REQUEST_SIZE", "65536"));
             AlertWebhook webhook = new AlertWebhook();
             MonitoringServer alertmanager = MonitoringServer.alertmanager(alertmanagerConfig(work, webhook), FreePorts.on("127.0.0.1"));
             MonitoringServer prometheus = MonitoringServer.prometheus(prometheusConfig(work, deployments, stack, alertmanager),
                     FreePorts.on("127.0.0.1"))) {
            Instant scraping = Instant.now();
            log(t0, "stack with its demo delivered; Prometheus and Alertmanager running");
            PrometheusApi api = new PrometheusApi(prometheus.address);
            awaitEveryServiceScraped(api, stack.metricsPorts().keySet());
            assertEveryShippedAlertLoaded(api);

            // 1. Iterable answers 503 for a tenant past the parking time (its project fails from its first delivery on:
            // with no success before, the first failure is an outage of the project, and the lane parks 3 s later).
            stack.registerIterableTenant("parked");
            stack.iterableFails("parked", 503);
            stack.sendScores("parked", 20);
            Instant parked = webhook.await("SubsetsSyncDestinationParked", Map.of("destination", "iterable"), "firing", t0, ALERT_TIMEOUT).at();
            log(t0, "SubsetsSyncDestinationParked firing; tenant parked's Iterable destination is " + stack.iterableStatus("parked"));
            stack.iterableAnswers("parked");
            webhook.await("SubsetsSyncDestinationParked", Map.of("destination", "iterable"), "resolved", parked, ALERT_TIMEOUT);
            log(t0, "SubsetsSyncDestinationParked resolved once Iterable answered; tenant parked is " + stack.iterableStatus("parked"));

            // 2. A poison record: not an event, and its dead letter too large to write whole (written truncated).
            Instant poisoned = Instant.now();
            stack.produceToEvents("monitored-poison", ("{\"poison\":\"" + "x".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
            Instant setAside = webhook.await("SubsetsSyncStateRecordsSetAside", Map.of("service", "subscriber-state"), "firing",
                    poisoned, ALERT_TIMEOUT).at();
            log(t0, "SubsetsSyncStateRecordsSetAside firing");
            assertThat(api.query("sum(state_dead_letters_truncated_total)").path("data").path("result").get(0).path("value").get(1).asText())
                    .as("the poison record's dead letter, written truncated").isEqualTo("1");
            webhook.await("SubsetsSyncStateRecordsSetAside", Map.of("service", "subscriber-state"), "resolved", setAside, ALERT_TIMEOUT);
            log(t0, "SubsetsSyncStateRecordsSetAside resolved (nothing set aside in its window)");

            // 3. The state service stopped, then started again.
            Instant stopped = Instant.now();
            stack.stopState();
            Instant down = webhook.await("SubsetsSyncServiceDown", Map.of("app", "subscriber-state"), "firing", stopped, ALERT_TIMEOUT).at();
            log(t0, "SubsetsSyncServiceDown firing for subscriber-state");
            stack.startState();
            webhook.await("SubsetsSyncServiceDown", Map.of("app", "subscriber-state"), "resolved", down, ALERT_TIMEOUT);
            log(t0, "SubsetsSyncServiceDown resolved once subscriber-state was back");
            stack.sendScores("parked", 20);

            assertEveryDashboardQueryReturnsData(api, scraping);
            log(t0, "every dashboard query returned data");
            Set<String> others = new TreeSet<>();
            webhook.all().forEach(r -> others.add(r.name()));
            System.out.println("alerts seen at the webhook in all: " + others);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Path alertmanagerConfig(Path work, AlertWebhook webhook) throws Exception {
        // Every alert its own group ('...'), sent a second after it starts, resolutions sent too.
        String config = """
                route:
                  receiver: test-webhook
                  group_by: ['...']
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: test-webhook
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                """.formatted(webhook.url());
        Path file = work.resolve("alertmanager.yml");
        Files.writeString(file, config);
        return file;
    }

    private static Path prometheusConfig(Path work, List<JsonNode> deployments, MonitoredStack stack, MonitoringServer alertmanager)
            throws Exception {
        Path rules = work.resolve("subsets-sync.rules.yml");
        Files.writeString(rules, RulesTimeScale.divide(Files.readString(Tools.deployDir().resolve("prometheus/rules/subsets-sync.rules.yml")),
                TIME_SCALE));
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, LocalScrapeConfig.derive(Tools.deployDir().resolve("prometheus/prometheus.yml"), deployments,
                stack.metricsPorts(), stack.host(), rules, alertmanager.address));
        return config;
    }

    /** Each service is a target, up, labelled by the shipped relabeling with its app, pod and namespace. */
    private static void awaitEveryServiceScraped(PrometheusApi api, Set<String> services) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Set<String> up = new TreeSet<>();
            JsonNode targets = api.targets().path("data").path("activeTargets");
            for (JsonNode target : targets) {
                JsonNode labels = target.path("labels");
                if ("up".equals(target.path("health").asText()) && "subsets-sync".equals(labels.path("job").asText())
                        && labels.hasNonNull("pod") && labels.path("namespace").asText().equals("subsets-sync-local")) {
                    up.add(labels.path("app").asText());
                }
            }
            if (up.equals(services)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("targets up " + up + ", expected " + services + ": " + targets);
            }
            Thread.sleep(500);
        }
    }

    private static void assertEveryShippedAlertLoaded(PrometheusApi api) throws Exception {
        Set<String> shipped = new TreeSet<>();
        new YAMLMapper().readTree(Tools.deployDir().resolve("prometheus/rules/subsets-sync.rules.yml").toFile()).path("groups")
                .forEach(g -> g.path("rules").forEach(r -> shipped.add(r.path("alert").asText())));
        Set<String> loaded = new TreeSet<>();
        api.rules().path("data").path("groups").forEach(g -> g.path("rules").forEach(r -> loaded.add(r.path("name").asText())));
        assertThat(loaded).isEqualTo(shipped);
    }

    /** Over the whole run (a step of 5 s), each panel query must succeed and return at least one sample. */
    private static void assertEveryDashboardQueryReturnsData(PrometheusApi api, Instant since) throws Exception {
        Instant end = Instant.now();
        List<String> failures = new ArrayList<>();
        int queries = 0;
        for (Path dashboard : DashboardQueries.dashboards(Tools.deployDir().resolve("grafana/dashboards"))) {
            for (DashboardQueries.Query query : DashboardQueries.of(dashboard, Duration.between(since, end))) {
                queries++;
                JsonNode answer = api.queryRange(query.expr(), since, end, Duration.ofSeconds(5));
                if (!"success".equals(answer.path("status").asText())) {
                    failures.add(query.where() + " fails: " + answer.path("error").asText() + " (" + query.expr() + ")");
                } else if (answer.path("data").path("result").isEmpty()) {
                    failures.add(query.where() + " returned no data while the stack ran (" + query.expr() + "); "
                            + seriesOf(api, query.expr(), since, end));
                }
            }
        }
        assertThat(queries).as("dashboard queries").isPositive();
        assertThat(failures).as("dashboard queries that fail or return nothing").isEmpty();
    }

    /** What Prometheus has of each metric a query names, by service: why it returned nothing. */
    private static String seriesOf(PrometheusApi api, String expr, Instant since, Instant end) throws Exception {
        List<String> seen = new ArrayList<>();
        for (String metric : PromQl.metricNames(expr)) {
            JsonNode answer = api.queryRange("count by (service) (" + metric + ")", since, end, Duration.ofSeconds(5));
            List<String> services = new ArrayList<>();
            answer.path("data").path("result").forEach(r -> services.add(r.path("metric").path("service").asText("-")));
            seen.add(metric + (services.isEmpty() ? ": no series" : ": series of " + services));
        }
        return String.join(", ", seen);
    }

    private static void log(Instant t0, String what) {
        System.out.printf("[AlertingIT +%3ds] %s%n", Duration.between(t0, Instant.now()).toSeconds(), what);
    }
}
