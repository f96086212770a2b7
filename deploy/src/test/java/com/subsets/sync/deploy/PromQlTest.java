package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsMetricNamesAndNothingElse() {
        assertThat(PromQl.metricNames("sum by (destination) (rate(dispatcher_records_delivered_total{reason=\"a b\"}[15m]))"
                + " / (sum by (destination) (rate(x_total[15m])) + 0.5e3) < 0.9 and on (pod) up == bool 1"))
                .containsExactlyInAnyOrder("dispatcher_records_delivered_total", "x_total", "up");
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le) (rate(ingest_publish_latency_seconds_bucket[5m])))"))
                .containsExactly("ingest_publish_latency_seconds_bucket");
    }
}
