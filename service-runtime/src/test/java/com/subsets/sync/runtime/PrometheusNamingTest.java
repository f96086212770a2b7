package com.subsets.sync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class PrometheusNamingTest {

    @Test
    void subSecondUnitsAreDroppedGaugeCountsRenamedAndOurNamesLeftAlone() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new PrometheusNaming());
        Gauge.builder("kafka.consumer.io.time.ns.avg", () -> 1).register(registry);
        Gauge.builder("kafka.app.info.start.time.ms", () -> 1).register(registry);
        Gauge.builder("system.cpu.count", () -> 2).register(registry);
        FunctionCounter.builder("process.cpu.time", this, t -> 5).baseUnit("ns").register(registry);
        Counter.builder("dispatcher.records.delivered").register(registry);
        Gauge.builder("kafka.producer.node.request.latency.avg", () -> 3).register(registry);

        String scrape = registry.scrape();
        assertThat(scrape).contains("system_cpu_logical_processors ", "dispatcher_records_delivered_total ");
        assertThat(scrape).doesNotContain("_ns", "_ms", "system_cpu_count", "process_cpu_time", "node_request_latency");
    }
}
