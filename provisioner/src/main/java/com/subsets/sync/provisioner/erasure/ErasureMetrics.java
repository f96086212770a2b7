package com.subsets.sync.provisioner.erasure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The erasures' meters: records read by outcome, and Iterable forget calls by outcome. */
public final class ErasureMetrics {

    private final Counter recorded;
    private final Counter unreadable;
    private final Counter forgotten;
    private final Counter refused;
    private final Counter retried;

    public ErasureMetrics(MeterRegistry registry) {
        recorded = records(registry, "recorded");
        unreadable = records(registry, "unreadable");
        forgotten = forgets(registry, "forgotten");
        refused = forgets(registry, "refused");
        retried = forgets(registry, "retry");
    }

    private static Counter records(MeterRegistry registry, String outcome) {
        return Counter.builder("provisioner.erasures.records")
                .description("Erasure records read from the erasures topic, by outcome (recorded, unreadable: logged and passed over)")
                .tag("outcome", outcome).register(registry);
    }

    private static Counter forgets(MeterRegistry registry, String outcome) {
        return Counter.builder("provisioner.erasures.forget.calls")
                .description("Iterable forget calls by outcome (forgotten, refused: 400/401 or no destination, retry: 429, 5xx, no answer)")
                .tag("outcome", outcome).register(registry);
    }

    void recorded() {
        recorded.increment();
    }

    void unreadable() {
        unreadable.increment();
    }

    void forgotten() {
        forgotten.increment();
    }

    void refused() {
        refused.increment();
    }

    void retried() {
        retried.increment();
    }
}
