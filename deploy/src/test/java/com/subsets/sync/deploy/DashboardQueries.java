package com.subsets.sync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every query of every panel of the shipped Grafana dashboards (rows' panels too), with Grafana's variables replaced as
 * Grafana would for a view of the whole run: template variables by what "All" selects, {@code $__rate_interval} and
 * {@code $__interval} by a window of a few scrapes, {@code $__range} by the run's length.
 */
final class DashboardQueries {

    /** One panel query: where it is, and the PromQL sent. */
    record Query(String dashboard, String panel, String refId, String expr) {
        String where() {
            return dashboard + ": panel \"" + panel + "\" query " + refId;
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

    private DashboardQueries() {
    }

    static List<Path> dashboards(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static List<Query> of(Path dashboard, Duration range) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("__rate_interval", "20s");
        values.put("__interval", "5s");
        values.put("__interval_ms", "5000");
        values.put("__range", range.toSeconds() + "s");
        values.put("__range_s", String.valueOf(range.toSeconds()));
        values.put("__range_ms", String.valueOf(range.toMillis()));
        for (JsonNode variable : root.path("templating").path("list")) {
            String name = variable.path("name").asText();
            if (variable.path("includeAll").asBoolean() && variable.hasNonNull("allValue")) {
                values.put(name, variable.path("allValue").asText());
            }
        }
        List<Query> queries = new ArrayList<>();
        collect(dashboard.getFileName().toString(), root.path("panels"), values, queries);
        return queries;
    }

    private static void collect(String dashboard, JsonNode panels, Map<String, String> values, List<Query> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr") && !target.path("hide").asBoolean()) {
                    into.add(new Query(dashboard, panel.path("title").asText(), target.path("refId").asText(),
                            substitute(target.path("expr").asText(), values, dashboard)));
                }
            }
            collect(dashboard, panel.path("panels"), values, into);
        }
    }

    static String substitute(String expr, Map<String, String> values, String dashboard) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new AssertionError(dashboard + ": no value for the variable $" + name + " in " + expr
                        + " (a template variable needs includeAll and an allValue)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
