package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The alert rules parse, and every alert's unit tests pass (promtool). */
class PrometheusRulesTest {

    @Test
    void rulesParseAndEveryAlertBehavesAsItsTestsSay() throws Exception {
        Tools.Result checked = Tools.run(Tools.deployDir().resolve("prometheus"), null, "promtool", "check", "rules",
                "rules/subsets-sync.rules.yml");
        assertThat(checked.exitCode()).as(checked.all()).isZero();
        assertThat(checked.all()).contains("SUCCESS: 15 rules found");

        Tools.Result tested = Tools.run(Tools.deployDir().resolve("prometheus"), null, "promtool", "test", "rules",
                "tests/subsets-sync.test.yml");
        assertThat(tested.exitCode()).as(tested.all()).isZero();
        assertThat(tested.all()).contains("SUCCESS");
    }
}
