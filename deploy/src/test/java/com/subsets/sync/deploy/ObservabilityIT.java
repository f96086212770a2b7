package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.subsets.sync.local.LocalStackProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Starts the whole system (the local stack, with its demo so every meter has been touched), scrapes
 * every service's /metrics, and checks that promtool accepts each scrape, and that every alert and
 * every dashboard query parses and names only metrics the services really export.
 */
class ObservabilityIT {

    /** Series Prometheus makes itself, not any service. */
    private static final Set<String> SYNTHETIC = Set.of("up");

    @Test
    void servicesExportValidMetricsAndDashboardsAndAlertsNameOnlyThose() throws Exception {
        Map<String, String> scrapes = LocalStackProbe.scrapeAfterDemo();
        assertThat(scrapes).containsOnlyKeys("ingest-service", "iterable-dispatcher", "blueconic-dispatcher", "provisioner",
                "subscriber-state");

        Set<String> exported = new TreeSet<>();
        for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
            Tools.Result checked = Tools.run(Tools.deployDir(), scrape.getValue(), "promtool", "check", "metrics");
            assertThat(checked.exitCode()).as("promtool check metrics on %s: %s", scrape.getKey(), checked.all()).isZero();
            scrape.getValue().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> exported.add(l.split("[{ ]", 2)[0]));
        }

        Map<String, String> queries = new LinkedHashMap<>();
        JsonNode rules = new YAMLMapper().readTree(Tools.deployDir().resolve("prometheus/rules/subsets-sync.rules.yml").toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                queries.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(Tools.deployDir().resolve("grafana/dashboards"))) {
            dashboards = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).isNotEmpty();
        for (Path dashboard : dashboards) {
            for (JsonNode panel : new ObjectMapper().readTree(dashboard.toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    // Grafana's variables become what "All" selects.
                    queries.put(dashboard.getFileName() + ": " + panel.path("title").asText() + " " + target.path("refId").asText(),
                            target.path("expr").asText().replace("$tenant", ".*"));
                }
            }
        }

        assertParses(queries);
        List<String> unknown = new ArrayList<>();
        queries.forEach((where, expr) -> PromQl.metricNames(expr).stream()
                .filter(name -> !exported.contains(name) && !SYNTHETIC.contains(name))
                .forEach(name -> unknown.add(where + ": " + name)));
        assertThat(unknown).as("metric names no service exports").isEmpty();
    }

    /** promtool parses every query, as recording rules of a throwaway rules file. */
    private static void assertParses(Map<String, String> queries) throws Exception {
        StringBuilder file = new StringBuilder("groups:\n  - name: queries\n    rules:\n");
        int n = 0;
        for (String expr : queries.values()) {
            file.append("      - record: query_").append(++n).append("\n        expr: ")
                    .append(new ObjectMapper().writeValueAsString(expr)).append('\n');
        }
        Path rules = Files.createTempFile("queries", ".yml");
        try {
            Files.writeString(rules, file);
            Tools.Result checked = Tools.run(Tools.deployDir(), null, "promtool", "check", "rules", rules.toString());
            assertThat(checked.exitCode()).as(checked.all()).isZero();
            assertThat(checked.all()).contains("SUCCESS: " + queries.size() + " rules found");
        } finally {
            Files.deleteIfExists(rules);
        }
    }
}
