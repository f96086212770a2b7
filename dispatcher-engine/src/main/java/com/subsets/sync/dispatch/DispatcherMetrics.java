package com.subsets.sync.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Every meter the dispatcher engine defines; all tagged with the destination. */
final class DispatcherMetrics {

    private final MeterRegistry registry;
    private final String destination;
    private final Counter consumed;
    private final Counter delivered;
    private final Counter coalesced;
    private final Counter throttled;
    private final Counter retries;
    private final Counter unexpected;
    private final Counter parked;
    private final Counter resynced;
    private final Counter isolated;
    private final Map<String, Counter> splits = new ConcurrentHashMap<>();
    private final DistributionSummary batchRows;
    private final DistributionSummary batchBytes;
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> skipped = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetterFailures = new ConcurrentHashMap<>();
    private final Map<Integer, Timer> latency = new ConcurrentHashMap<>();
    private final Counter trailPublished;
    private final Counter trailQueueFull;
    private final Counter trailSendFailed;

    DispatcherMetrics(MeterRegistry registry, String destination) {
        this.registry = registry;
        this.destination = destination;
        consumed = counter("dispatcher.records.consumed", "Records taken from Kafka");
        delivered = counter("dispatcher.records.delivered", "Records whose update the destination accepted");
        coalesced = counter("dispatcher.records.coalesced", "Records folded into a pending row for the same subscriber");
        throttled = counter("dispatcher.requests.throttled", "Requests the destination answered with 429");
        retries = counter("dispatcher.retries", "Rows put back for another attempt after a retriable failure");
        unexpected = counter("dispatcher.responses.unexpected",
                "Answers the adapter could not read (a status or shape the vendor's document does not promise)");
        parked = counter("dispatcher.records.parked",
                "Records resolved without delivery because their tenant's lane is parked (resynced from the state when it recovers)");
        resynced = counter("dispatcher.resync.records", "Records of resyncs and replays resolved (delivered, dead-lettered or skipped)");
        isolated = counter("dispatcher.rows.isolated",
                "Rows left alone by narrowing down a refused body, each retried alone until the give-up time");
        splitCounter("vendor_error");
        splitCounter("rejected_rows");
        batchRows = DistributionSummary.builder("dispatcher.batch.rows").description("Rows (subscribers) per request")
                .tag("destination", destination).publishPercentileHistogram().maximumExpectedValue(1000.0).register(registry);
        batchBytes = DistributionSummary.builder("dispatcher.batch.bytes").baseUnit("bytes")
                .description("Estimated body size per request").tag("destination", destination).register(registry);
        // The skip that matters most exists from the start, at zero, so dashboards and alerts see it.
        skippedCounter("no_ready_destination");
        deadLetterFailureCounter("permanent");
        deadLetterFailureCounter("retriable");
        trailPublished = counter("dispatcher.subscriber.deliveries.published",
                "Rows whose answer (accepted, skipped, dead-lettered) Kafka acknowledged on the subscriber-deliveries topic");
        trailQueueFull = trailLost("queue_full");
        trailSendFailed = trailLost("send_failed");
    }

    private Counter trailLost(String cause) {
        return Counter.builder("dispatcher.subscriber.deliveries.lost")
                .description("Rows whose answer never reached the subscriber-deliveries topic (diagnostics only, never retried): "
                        + "queue_full (more waiting than the bound), send_failed (Kafka refused or timed out)")
                .tag("destination", destination).tag("cause", cause).register(registry);
    }

    /** Safe from any thread (the trail's sender and Kafka's callbacks count here). */
    void trailPublished(int rows) {
        trailPublished.increment(rows);
    }

    void trailLost(boolean queueFull, int rows) {
        (queueFull ? trailQueueFull : trailSendFailed).increment(rows);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag("destination", destination).register(registry);
    }

    void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag("destination", destination).register(registry);
    }

    /**
     * {@code budget}: an Iterable project or a BlueConic instance and application. Its label is a fingerprint
     * ({@link #budgetLabel}), never the id itself: ids hold hosts and OAuth client ids, which {@code /metrics} must not show.
     */
    void budgetRate(String budget, Supplier<Number> rate) {
        Gauge.builder("dispatcher.budget.rate", rate).description("Current request rate allowed on a vendor budget (requests/s); "
                        + "budget: the vendor kind and a fingerprint of the budget's id")
                .tag("destination", destination).tag("budget", budgetLabel(budget)).register(registry);
    }

    void removeBudgetRate(String budget) {
        registry.find("dispatcher.budget.rate").tag("destination", destination).tag("budget", budgetLabel(budget)).meters()
                .forEach(registry::remove);
    }

    /**
     * The budget's label: its kind (the id's part before the first {@code :}) and the first 12 hex digits of the id's
     * SHA-256, e.g. {@code blueconic:3f1c0a9b2d4e}; stable, so one budget is one series.
     */
    static String budgetLabel(String budgetId) {
        int colon = budgetId.indexOf(':');
        String kind = colon > 0 ? budgetId.substring(0, colon) : "budget";
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(budgetId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return kind + ":" + java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * A refused body sent again in halves: {@code vendor_error} (a 5xx, timeout, no answer or an unreadable one while
     * the budget's other requests succeed) or {@code rejected_rows} (a 400 naming some of its rows).
     */
    void split(String cause) {
        splitCounter(cause).increment();
    }

    private Counter splitCounter(String cause) {
        return splits.computeIfAbsent(cause, c -> Counter.builder("dispatcher.batches.split")
                .description("Refused bodies sent again in halves to find the rows at fault, by cause")
                .tag("destination", destination).tag("cause", c).register(registry));
    }

    void isolated() {
        isolated.increment();
    }

    void consumed() {
        consumed.increment();
    }

    void delivered(int records) {
        delivered.increment(records);
    }

    void coalesced() {
        coalesced.increment();
    }

    void throttled() {
        throttled.increment();
    }

    void unexpectedResponse() {
        unexpected.increment();
    }

    void parked() {
        parked.increment();
    }

    void resynced() {
        resynced.increment();
    }

    void retried(int rows) {
        retries.increment(rows);
    }

    void batch(int rows, long bytes) {
        batchRows.record(rows);
        batchBytes.record(bytes);
    }

    void deadLettered(String reason) {
        deadLettered.computeIfAbsent(reason, r -> Counter.builder("dispatcher.records.dead.lettered")
                .description("Records written to the dead-letter topic, by reason").tag("destination", destination)
                .tag("reason", r).register(registry)).increment();
    }

    /** {@code kind}: {@code permanent} (Kafka refused the record for good) or {@code retriable}. */
    void deadLetterWriteFailed(String kind) {
        deadLetterFailureCounter(kind).increment();
    }

    private Counter deadLetterFailureCounter(String kind) {
        return deadLetterFailures.computeIfAbsent(kind, k -> Counter.builder("dispatcher.dead.letter.write.failures")
                .description("Dead-letter writes Kafka refused, by kind: permanent ones are written again truncated")
                .tag("destination", destination).tag("kind", k).register(registry));
    }

    void skipped(String reason) {
        skippedCounter(reason).increment();
    }

    private Counter skippedCounter(String reason) {
        return skipped.computeIfAbsent(reason, r -> Counter.builder("dispatcher.records.skipped")
                .description("Records that need no delivery (e.g. the tenant has no ready destination), by reason")
                .tag("destination", destination).tag("reason", r).register(registry));
    }

    void request(int status, Duration took) {
        latency.computeIfAbsent(status, s -> Timer.builder("dispatcher.request.latency")
                .description("Destination request latency, by HTTP status (0: no answer)").tag("destination", destination)
                .tag("status", String.valueOf(s)).publishPercentileHistogram().register(registry)).record(took);
    }
}
