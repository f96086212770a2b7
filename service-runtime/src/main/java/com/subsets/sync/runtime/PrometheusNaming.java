package com.subsets.sync.runtime;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps every service's {@code /metrics} within Prometheus' naming rules, so {@code promtool check
 * metrics} passes: third-party meters measured in nanoseconds or milliseconds (Kafka client I/O times,
 * {@code process.cpu.time}) are dropped (they would have to be named in seconds while counting
 * something else; {@code process_cpu_usage} and the Kafka clients' rates remain), and gauges named
 * {@code .count}, a suffix Prometheus reserves for histograms and summaries, are renamed. Our own
 * meters are named right to begin with.
 */
final class PrometheusNaming implements MeterFilter {

    private static final Pattern SUB_SECOND_UNIT = Pattern.compile("\\.(ns|ms)(\\.|$)");
    private static final Map<String, String> GAUGE_COUNTS = Map.of(
            "system.cpu.count", "system.cpu.logical.processors",
            "kafka.consumer.connection.count", "kafka.consumer.connections",
            "kafka.producer.connection.count", "kafka.producer.connections",
            "kafka.admin.client.connection.count", "kafka.admin.client.connections");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        String unit = id.getBaseUnit();
        // Kafka's per-node request latencies are milliseconds with neither a unit nor a description (the
        // Streams application's own producer and admin client export them): the same rule drops them.
        boolean subSecond = SUB_SECOND_UNIT.matcher(id.getName()).find() || "ns".equals(unit) || "ms".equals(unit)
                || id.getName().contains(".node.request.latency.");
        return subSecond ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = GAUGE_COUNTS.get(id.getName());
        return name == null ? id : id.withName(name);
    }
}
