package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class RulesTimeScaleTest {

    @Test
    void dividesDurations() {
        assertThat(RulesTimeScale.divideDuration("15m", 60)).isEqualTo("15s");
        assertThat(RulesTimeScale.divideDuration("1h", 60)).isEqualTo("60s");
        assertThat(RulesTimeScale.divideDuration("1h30m", 60)).isEqualTo("90s");
        assertThat(RulesTimeScale.divideDuration("30s", 60)).isEqualTo("500ms");
        assertThatThrownBy(() -> RulesTimeScale.divideDuration("15 m", 60)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dividesRangesAndSubqueriesOnly() {
        assertThat(RulesTimeScale.divideRanges("sum(rate(x{a=\"b\"}[10m])) > 0 and deriv(y[5m:1m]) > 2 and max_over_time(z[1h:])", 60))
                .isEqualTo("sum(rate(x{a=\"b\"}[10s])) > 0 and deriv(y[5s:1s]) > 2 and max_over_time(z[60s:])");
    }

    /** The shipped rules, divided: the same alerts, labels and annotations; only for: and the expressions' ranges differ. */
    @Test
    void changesNothingButDurationsInTheShippedRules() throws Exception {
        String shipped = Files.readString(Tools.deployDir().resolve("prometheus/rules/subsets-sync.rules.yml"));
        YAMLMapper yaml = new YAMLMapper();
        JsonNode original = yaml.readTree(shipped);
        JsonNode divided = yaml.readTree(RulesTimeScale.divide(shipped, 60));
        JsonNode parked = rule(divided, "SubsetsSyncDestinationParked");
        assertThat(parked.path("for").asText()).isEqualTo("15s");
        assertThat(rule(divided, "SubsetsSyncStateRecordsSetAside").path("expr").asText()).contains("[10s]").doesNotContain("[10m]");
        for (JsonNode tree : new JsonNode[] {original, divided}) {
            tree.path("groups").forEach(g -> g.path("rules").forEach(r -> {
                ((ObjectNode) r).remove("for");
                ((ObjectNode) r).put("expr", r.path("expr").asText().replaceAll("\\[[0-9a-z:]+]", "[d]"));
            }));
        }
        assertThat(divided).isEqualTo(original);
    }

    private static JsonNode rule(JsonNode rules, String alert) {
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("alert").asText().equals(alert)) {
                    return rule;
                }
            }
        }
        throw new AssertionError(alert);
    }
}
