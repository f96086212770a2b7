package com.subsets.sync.state.stream;

import com.subsets.sync.state.core.LinkedSubscribers;
import com.subsets.sync.state.core.SubscriberState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every meter of the state service: events by what they did to the state, identity links, erasures, dead letters by
 * reason.
 */
public final class StateMetrics {

    private static final String EVENTS_DESCRIPTION = "Events by what they did to their subscriber's state: changed (a value, "
            + "or its identity through a link), refreshed (newer, same values), stale (older than every field it names), duplicate "
            + "(the event that set them, again), erased (dropped: it names an identifier erased at or after its time)";

    private final MeterRegistry registry;
    private final Map<SubscriberState.Applied, Counter> applied = new EnumMap<>(SubscriberState.Applied.class);
    private final Map<LinkedSubscribers.LinkChange, Counter> links = new EnumMap<>(LinkedSubscribers.LinkChange.class);
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Counter overtaken;
    private final Counter erasures;
    private final Counter erasureTombstones;
    private final Counter erasedExpired;
    private final Counter truncated;
    private final Counter productionFailures;

    public StateMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (SubscriberState.Applied outcome : SubscriberState.Applied.values()) {
            applied.put(outcome, Counter.builder("state.events").description(EVENTS_DESCRIPTION)
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        overtaken = Counter.builder("state.events").description(EVENTS_DESCRIPTION).tag("outcome", "erased").register(registry);
        erasures = Counter.builder("state.erasures").description("subscriber.erased events applied (a repeated one too): the "
                + "subscriber's states and links deleted, its keys tombstoned, the erasure written to the erasures topic").register(registry);
        erasureTombstones = Counter.builder("state.erasure.tombstones").description("Tombstones written to the state topic by "
                + "erasures, each with the subsets-erasure header (one per key of the erased subscriber)").register(registry);
        erasedExpired = Counter.builder("state.erased.identifiers.expired").description("Salted hashes of erased identifiers "
                + "forgotten after STATE_ERASURE_MEMORY: events naming them apply again whatever their time").register(registry);
        truncated = Counter.builder("state.dead.letters.truncated")
                .description("Dead letters larger than the producer's max.request.size, written truncated (no value, none of the "
                        + "original headers, dlq-source naming the original)").register(registry);
        productionFailures = Counter.builder("state.production.failures")
                .description("Records Kafka refused to take from the state service: the transaction is aborted and its events "
                        + "applied again, so any increase means a partition may be stuck on a record").register(registry);
        // Registered now, so the alert's series exists before the first one.
        deadLettered(ApplyEvents.PROCESSING_FAILED, 0);
        for (LinkedSubscribers.LinkChange change : List.of(LinkedSubscribers.LinkChange.MADE, LinkedSubscribers.LinkChange.MOVED)) {
            links.put(change, Counter.builder("state.links").description(
                            "Links between a userId and an e-mail of a tenant made by an event naming both (neither was linked), "
                                    + "or moved (one of them was linked to another identifier, which lost it)")
                    .tag("change", change.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
    }

    void applied(SubscriberState.Applied outcome) {
        applied.get(outcome).increment();
    }

    void linked(LinkedSubscribers.LinkChange change) {
        if (change != LinkedSubscribers.LinkChange.NONE) {
            links.get(change).increment();
        }
    }

    /** An event dropped: an erasure at or after its time named one of its identifiers. */
    void overtakenByErasure() {
        overtaken.increment();
    }

    /** An erasure applied, with the tombstones it wrote. */
    void erased(int tombstones) {
        erasures.increment();
        erasureTombstones.increment(tombstones);
    }

    void erasedIdentifiersExpired(int count) {
        erasedExpired.increment(count);
    }

    void deadLettered(String reason) {
        deadLettered(reason, 1);
    }

    private void deadLettered(String reason, int count) {
        deadLettered.computeIfAbsent(reason, r -> Counter.builder("state.records.dead.lettered")
                .description("Records on the state service's dead-letter topic, by reason: not valid events (malformed_json, "
                        + "contract_violation, ...) and events whose application failed (processing_failed)")
                .tag("reason", r).register(registry)).increment(count);
    }

    void deadLetterTruncated(String reason) {
        truncated.increment();
    }

    /** A record Kafka refused to take from the stream (its transaction fails and is tried again). */
    public void productionFailed(String topic) {
        productionFailures.increment();
    }
}
