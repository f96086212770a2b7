package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class DispatcherMetricsTest {

    @Test
    void budgetLabelsHoldNoHostNorClientId() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DispatcherMetrics metrics = new DispatcherMetrics(registry, "blueconic");
        String budget = "blueconic:acme.blueconic.net:443/client-id-of-acme";
        metrics.budgetRate(budget, () -> 5);
        String scraped = registry.scrape();
        assertThat(scraped).containsPattern("dispatcher_budget_rate\\{budget=\"blueconic:[0-9a-f]{12}\",destination=\"blueconic\"")
                .doesNotContain("acme.blueconic.net").doesNotContain("client-id-of-acme");
        metrics.budgetRate("blueconic:acme.blueconic.net:443/another-client", () -> 3);
        assertThat(registry.find("dispatcher.budget.rate").gauges()).as("one series per budget").hasSize(2);

        metrics.removeBudgetRate(budget);
        assertThat(registry.find("dispatcher.budget.rate").gauges()).hasSize(1);
    }
}
