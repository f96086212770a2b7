package com.subsets.sync.provisioner.notifications;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The notification meters: attempts by channel and outcome, and the deliveries still to send. */
public final class NotificationMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();

    public NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String channel : new String[] {"email", "webhook"}) {
            AtomicLong gauge = new AtomicLong();
            pending.put(channel, gauge);
            Gauge.builder("provisioner.notifications.pending", gauge, AtomicLong::get)
                    .description("Notices not sent yet (due, or waiting for a retry), by channel; refreshed every 15 s")
                    .tag("channel", channel).register(registry);
        }
    }

    /** One attempt's outcome: sent, retry, failed (given up) or dropped (nowhere to send any more). */
    public void attempt(String channel, NotificationStore.Outcome outcome) {
        Counter.builder("provisioner.notifications.attempts")
                .description("Attempts to send a notice, by channel and outcome (sent, retry, failed: given up, dropped: "
                        + "the destination or its notifications were removed)")
                .tag("channel", channel).tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    public void pending(Map<String, Long> counts) {
        pending.forEach((channel, gauge) -> gauge.set(counts.getOrDefault(channel, 0L)));
    }
}
