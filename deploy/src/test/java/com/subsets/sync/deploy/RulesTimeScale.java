package com.subsets.sync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped alert rules with time sped up, for a test that watches alerts fire and resolve in seconds: every duration
 * of every rule ({@code for:} and each range or subquery in {@code expr}) divided by one factor, nothing else changed.
 * With factor 60 a minute becomes a second: {@code for: 15m} is 15 s, {@code increase(x[10m])} is {@code increase(x[10s])}.
 */
final class RulesTimeScale {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");
    /** A range selector or subquery: [10m], [1h], [30m:1m], [5m:]. */
    private static final Pattern RANGE = Pattern.compile("\\[((?:\\d+(?:ms|s|m|h|d|w|y))+)(?::((?:\\d+(?:ms|s|m|h|d|w|y))*))?]");

    private RulesTimeScale() {
    }

    /** The rules file's text with every rule's durations divided by {@code factor}. */
    static String divide(String rulesYaml, int factor) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode rules = yaml.readTree(rulesYaml);
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                ObjectNode node = (ObjectNode) rule;
                if (node.has("for")) {
                    node.put("for", divideDuration(node.path("for").asText(), factor));
                }
                node.put("expr", divideRanges(node.path("expr").asText(), factor));
            }
        }
        return yaml.writeValueAsString(rules);
    }

    static String divideRanges(String expr, int factor) {
        Matcher m = RANGE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String range = divideDuration(m.group(1), factor);
            String step = m.group(2) == null ? null : m.group(2).isEmpty() ? "" : divideDuration(m.group(2), factor);
            m.appendReplacement(out, Matcher.quoteReplacement("[" + range + (step == null ? "" : ":" + step) + "]"));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String divideDuration(String duration, int factor) {
        Matcher m = DURATION_PART.matcher(duration);
        long millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a duration: " + duration);
            }
            end = m.end();
            long n = Long.parseLong(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                case "w" -> n * 7 * 86_400_000;
                default -> n * 365 * 86_400_000;
            };
        }
        if (end != duration.length() || end == 0) {
            throw new IllegalArgumentException("not a duration: " + duration);
        }
        long divided = Math.max(1, millis / factor);
        return divided % 1_000 == 0 ? divided / 1_000 + "s" : divided + "ms";
    }
}
