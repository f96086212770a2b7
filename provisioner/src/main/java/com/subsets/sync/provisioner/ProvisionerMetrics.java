package com.subsets.sync.provisioner;

import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ProvisioningStatus;
import com.subsets.sync.provisioner.run.RunResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Every meter the provisioner defines (HTTP and JVM meters come from the shared service runtime). */
public final class ProvisionerMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> destinations = new ConcurrentHashMap<>();

    public ProvisionerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (DestinationKind kind : DestinationKind.values()) {
            for (ProvisioningStatus status : ProvisioningStatus.values()) {
                AtomicLong count = new AtomicLong();
                destinations.put(kind.wireName() + "/" + status.name(), count);
                Gauge.builder("provisioner.destinations", count, AtomicLong::get)
                        .description("Registered destinations by kind and provisioning status (refreshed by every sweep)")
                        .tag("destination", kind.wireName()).tag("status", status.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
    }

    private final Map<String, AtomicLong> oldKey = new ConcurrentHashMap<>();

    /** Rows per table whose credentials are sealed with a key other than the active one (refreshed by every sweep). */
    public void sealedWithOldKey(Map<String, Long> counts) {
        counts.forEach((table, n) -> oldKey.computeIfAbsent(table, t -> {
            AtomicLong gauge = new AtomicLong();
            Gauge.builder("provisioner.credentials.old.key", gauge, AtomicLong::get)
                    .description("Rows whose credentials are sealed with a key other than the active one, by table "
                            + "(destination, destination_ready, destination_notification: webhook secrets); remove an old key once all are 0")
                    .tag("table", t).register(registry);
            return gauge;
        }).set(n));
    }

    /** A row whose credentials a reseal could not open (it stays as it is; the rows after it are resealed). */
    public void unresealable(String table) {
        Counter.builder("provisioner.credentials.unresealable")
                .description("Credentials a reseal could not open (unknown key, tampered with, or settings changed outside the API), by table")
                .tag("table", table).register(registry).increment();
    }

    /** A READY revision left out of a dispatch answer: its credentials could not be opened. */
    public void dispatchUnopenable(DestinationKind kind, String tenantId) {
        Counter.builder("provisioner.dispatch.credentials.unopenable")
                .description("Destinations left out of a dispatch answer because their credentials could not be opened, by tenant")
                .tag("destination", kind.wireName()).tag("tenant", tenantId).register(registry).increment();
    }

    /** The counts the latest sweep read, keyed {@code kind/STATUS}. */
    public void destinations(Map<String, Long> counts) {
        destinations.forEach((key, gauge) -> gauge.set(counts.getOrDefault(key, 0L)));
    }

    /** One provisioning run that reached a result (READY, FAILED, SUPERSEDED...). */
    public void run(DestinationKind kind, RunResult result, long nanos) {
        Counter.builder("provisioner.runs")
                .description("Provisioning runs finished, by destination and result")
                .tag("destination", kind.wireName()).tag("result", result.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
        Timer.builder("provisioner.run.duration")
                .description("How long a provisioning run took, vendor calls and retries included")
                .tag("destination", kind.wireName())
                .register(registry).record(Duration.ofNanos(nanos));
    }

    /**
     * A report's counts, per tenant (the dispatchers' own meters carry no tenant, to bound their
     * cardinality; the history is where tenants are, and this exposes it to dashboards). Summed over
     * replicas, each of which reads a share of the reports.
     */
    public void delivery(DeliveryReport report) {
        tenantDeliveries(report, "updated", report.updated());
        tenantDeliveries(report, "rejected", report.rejected());
        tenantDeliveries(report, "dead_lettered", report.deadLettered());
    }

    private void tenantDeliveries(DeliveryReport report, String outcome, long amount) {
        if (amount > 0) {
            Counter.builder("provisioner.tenant.deliveries")
                    .description("Per tenant and destination, from the dispatchers' reports: profiles updated, profiles "
                            + "rejected by the destination, records dead-lettered")
                    .tag("tenant", report.tenantId()).tag("destination", report.destination()).tag("outcome", outcome)
                    .register(registry).increment(amount);
        }
    }

    /** One delivery report read: applied, duplicate (applied before) or unreadable. */
    public void report(String outcome) {
        Counter.builder("provisioner.delivery.reports")
                .description("Delivery reports read from the dispatchers, by outcome (applied, duplicate, unreadable)")
                .tag("outcome", outcome)
                .register(registry).increment();
    }

    /**
     * A batch of the dispatchers' answer records folded into {@code subscriber_delivery}: its records, the rows they
     * carried, the table rows upserted, and how long the one upsert statement took.
     */
    public void subscriberDeliveries(int records, int rows, int upserted, long nanos) {
        Counter.builder("provisioner.subscriber.deliveries.records")
                .description("Answer records read from the subscriber-deliveries topic, by outcome (applied, unreadable)")
                .tag("outcome", "applied").register(registry).increment(records);
        Counter.builder("provisioner.subscriber.deliveries.rows")
                .description("Subscribers' rows of the answer records folded into subscriber_delivery")
                .register(registry).increment(rows);
        Counter.builder("provisioner.subscriber.deliveries.upserted")
                .description("Table rows upserted into subscriber_delivery (one per subscriber and destination of a batch)")
                .register(registry).increment(upserted);
        Timer.builder("provisioner.subscriber.deliveries.upsert")
                .description("How long one batch's upsert into subscriber_delivery took")
                .register(registry).record(Duration.ofNanos(nanos));
    }

    /** An answer record that could not be read (logged and passed over). */
    public void subscriberDeliveryUnreadable() {
        Counter.builder("provisioner.subscriber.deliveries.records")
                .description("Answer records read from the subscriber-deliveries topic, by outcome (applied, unreadable)")
                .tag("outcome", "unreadable").register(registry).increment();
    }
}
