package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.ErasedIdentities;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.EventCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Takes every record of either path (the live consumer's, a resync's) to where it goes: its tenant's lane, held
 * until the tenant's destination is READY, skipped, or dead-lettered. The lane's buffer coalesces it; its gate
 * decides, when a batch is formed, whether it still goes out.
 */
final class Routing<C> {

    private final InputFormat input;
    private final DestinationAdapter<C> adapter;
    private final DestinationDirectory<C> directory;
    private final Lanes<C> lanes;
    private final Resolutions resolutions;
    private final DeliveryReporter reports;
    private final DeliveryTrail trail;
    private final DispatcherMetrics metrics;
    private final Backoff backoff;
    /** A record of a parked lane: resolved as parked, or held until the parking is recorded. */
    private final java.util.function.BiConsumer<Lane<C>, SourceRecord> parked;
    private final EventCodec codec = new EventCodec();
    /** Records of registered tenants with no READY destination yet, by tenant, until it is READY or they give up. */
    private final Map<String, Held> held = new LinkedHashMap<>();
    /** Records held as last counted on the event loop (every second): the metrics scrape reads it from another thread. */
    private volatile int heldCount;

    Routing(InputFormat input, DestinationAdapter<C> adapter, DestinationDirectory<C> directory, Lanes<C> lanes,
            Resolutions resolutions, DeliveryReporter reports, DeliveryTrail trail, DispatcherMetrics metrics, Backoff backoff,
            java.util.function.BiConsumer<Lane<C>, SourceRecord> parked) {
        this.trail = trail;
        this.input = input;
        this.adapter = adapter;
        this.directory = directory;
        this.lanes = lanes;
        this.resolutions = resolutions;
        this.reports = reports;
        this.metrics = metrics;
        this.backoff = backoff;
        this.parked = parked;
    }

    /**
     * One record, understood or dead-lettered; {@code tombstone}: it had no value. A state-topic tombstone is an erasure
     * when it carries the {@link com.subsets.sync.model.Erasure#HEADER} header, otherwise nothing to deliver.
     */
    void accept(SourceRecord source, boolean tombstone) {
        accept(source, tombstone, ErasedIdentities.NONE);
    }

    /**
     * One record a resync read: as {@link #accept(SourceRecord, boolean)}, but a state (or event) of a subscriber in
     * {@code erased} no newer than their erasure is skipped ({@code erased}), never sent: sent to a destination that
     * creates profiles it would create the erased subscriber again.
     */
    void accept(SourceRecord source, boolean tombstone, ErasedIdentities erased) {
        InputFormat.Decoded decoded;
        if (tombstone && input == InputFormat.STATE) {
            decoded = InputFormat.tombstone(source.headers());
            if (decoded == null) {
                // A state superseded by an identity link: the subscriber's current state is under another key.
                resolutions.skip(source, "superseded");
                return;
            }
        } else {
            decoded = input.decode(codec, source.value());
        }
        if (decoded.incoming() != null && refused(decoded.incoming(), erased)) {
            resolutions.skip(source, "erased");
            return;
        }
        if (decoded.incoming() == null) {
            // Not a valid record, so no tenant to attribute it to: the raw key could be anything a producer chose.
            resolutions.deadLetter(source, null, decoded.reason(), decoded.detail(), 0, now());
        } else {
            route(decoded.incoming(), source);
        }
    }

    private static boolean refused(Incoming incoming, ErasedIdentities erased) {
        if (incoming instanceof Incoming.State s) {
            return erased.refuses(s.state());
        }
        return incoming instanceof Incoming.Event e && incoming.erasure() == null && erased.refuses(e.event());
    }

    private void route(Incoming incoming, SourceRecord source) {
        String tenantId = incoming.tenantId();
        Optional<LaneConfig<C>> destination = directory.lookup(tenantId);
        if (destination.isEmpty()) {
            if (directory.registered(tenantId)) {
                held.computeIfAbsent(tenantId, t -> new Held(now())).records.add(new Held.Record(incoming, source));
            } else {
                resolutions.skip(source, "no_ready_destination");
            }
            return;
        }
        LaneConfig<C> laneConfig = destination.get();
        Optional<String> key = adapter.subscriberKey(incoming.subscriber(), laneConfig.destination());
        if (key.isEmpty()) {
            if (incoming.erasure() != null) {
                // Nothing of the subscriber can be at this destination under its identifier: said on the trail, so
                // the erasure's status shows why nothing was cleared there.
                resolutions.skip(source, "no_identifier");
                trail.erasureSkipped(incoming.erasure(), "no_identifier",
                        "the subscriber has no identifier this destination uses", now());
                trail.answered();
            } else if (input == InputFormat.STATE) {
                // A subscriber known only by the other identifier: nothing of it can go to this destination (yet).
                resolutions.skip(source, "missing_identifier");
            } else {
                resolutions.deadLetter(source, tenantId, "missing_identifier", "the subscriber has no identifier this destination uses",
                        0, now());
            }
            return;
        }
        Lane<C> lane = lanes.laneOf(tenantId, laneConfig);
        if (source.live()) {
            lane.partition = source.partition();
        }
        if (lane.parked != null) {
            if (!lane.probing && !lane.failedProbeKeys.contains(key.get())) {
                // The newest row of the lane is its probe: fresh, and not one that failed as a probe lately.
                SubscriberUpdate probe = new SubscriberUpdate(key.get());
                incoming.mergeInto(probe, source);
                lane.probeRow = probe.withoutSources();
                lanes.wake(lane);
            }
            parked.accept(lane, source);
            return;
        }
        lanes.wake(lane);
        if (incoming.addTo(lane.buffer, key.get(), source, now())) {
            metrics.coalesced();
        }
    }

    private static final class Held {
        record Record(Incoming incoming, SourceRecord source) {
        }

        final long sinceMillis;
        final List<Record> records = new ArrayList<>();

        Held(long sinceMillis) {
            this.sinceMillis = sinceMillis;
        }
    }

    /**
     * Held records go their way once the directory says: their destination READY (delivered as usual), the
     * registration gone (skipped), or still not READY after the give-up time (dead-lettered like any lane's
     * records whose retries ran out).
     */
    void releaseHeld() {
        long now = now();
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> entry = it.next();
            String tenant = entry.getKey();
            Held waiting = entry.getValue();
            if (directory.lookup(tenant).isPresent() || !directory.registered(tenant)) {
                it.remove();
                waiting.records.forEach(r -> route(r.incoming(), r.source()));
            } else if (!backoff.mayRetry(waiting.sinceMillis, now)) {
                it.remove();
                reports.failed(tenant, "retries_exhausted", "no_ready_destination", now);
                waiting.records.forEach(r -> resolutions.deadLetter(r.source(), tenant, "retries_exhausted",
                        "no_ready_destination: the tenant's destination is registered but did not become READY", 0,
                        waiting.sinceMillis));
            }
        }
        heldCount = held.values().stream().mapToInt(h -> h.records.size()).sum();
    }

    /** Records held for a destination not READY yet (they count against the buffer bounds). */
    int heldRecords() {
        return heldCount;
    }

    /** The partitions were revoked: their held records are the new owner's. */
    void forgetPartitions(java.util.Set<Integer> revoked) {
        held.values().forEach(h -> h.records.removeIf(r -> revoked.contains(r.source().partition())));
        held.values().removeIf(h -> h.records.isEmpty());
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
