package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.OffsetTracker;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parking: a lane whose vendor kept failing past the parking time stops holding its records (they are resolved as
 * parked once the control plane has recorded the parking: the state topic still holds every subscriber's values),
 * sends a probe now and then on its budget, and once the vendor answers is unparked and its changes since the parking
 * resynced. The control plane is told of both, again until it acknowledges; nothing is committed past a parked
 * record before it has.
 */
final class Parkings<C> {

    private static final Logger LOG = LoggerFactory.getLogger(Parkings.class);
    /** Subscribers a lane keeps from probing with after their probe failed, before it tries them again. */
    private static final int FAILED_PROBE_KEYS_KEPT = 16;

    private final EngineConfig config;
    private final String vendor;
    private final Lanes<C> lanes;
    private final Resolutions resolutions;
    private final OffsetTracker tracker;
    private final DeliveryControl control;
    private final DeliveryReporter reports;
    /** Stops the resyncs of a tenant whose lane parks. */
    private final Consumer<String> stopResyncsOf;

    Parkings(EngineConfig config, String vendor, Lanes<C> lanes, Resolutions resolutions, OffsetTracker tracker,
             DeliveryControl control, DeliveryReporter reports, Consumer<String> stopResyncsOf) {
        this.config = config;
        this.vendor = vendor;
        this.lanes = lanes;
        this.resolutions = resolutions;
        this.tracker = tracker;
        this.control = control;
        this.reports = reports;
        this.stopResyncsOf = stopResyncsOf;
    }

    /**
     * Parks the lane: everything it has is resolved as parked, so the commit moves on and the buffers free up for the
     * other tenants. {@code fromOffset} is where the partition's commit stood: no record of the tenant below it is
     * unresolved.
     */
    void park(Lane<C> lane, List<SubscriberUpdate> retry, Outcome cause, long now) {
        int partition = lane.partition >= 0 ? lane.partition
                : retry.stream().flatMap(r -> r.sources().stream()).mapToInt(SourceRecord::partition).findFirst().orElse(0);
        long position = tracker.position(partition);
        DeliveryControl.Parking parking = new DeliveryControl.Parking(partition, Math.max(0, position),
                cause.reason() + ": " + Text.abbreviate(cause.detail()), Instant.ofEpochMilli(now));
        lane.parked = parking;
        lane.parkReported = false;
        lane.recovered = null;
        lane.nextProbeMillis = now + config.probeInterval().toMillis();
        lane.probing = false;
        stopResyncsOf.accept(lane.id);
        List<SubscriberUpdate> unsent = new ArrayList<>(retry);
        lane.buffer.completed(retry);
        unsent.addAll(lanes.takeUnsent(lane));
        lane.probeRow = unsent.isEmpty() ? null : unsent.get(0).withoutSources();
        long seconds = lane.firstFailureMillis < 0 ? 0 : (now - lane.firstFailureMillis) / 1000;
        lane.succeeded();
        unsent.forEach(row -> row.sources().forEach(source -> parked(lane, source)));
        reports.failed(lane.id, "parked", parking.reason(), now);
        LOG.warn("lane {}: failing for {} s ({}): parked from offset {} of partition {}; {} rows resolved as parked, a probe every {} ms",
                lane.id, seconds, Text.abbreviate(parking.reason()), parking.fromOffset(), partition, unsent.size(),
                config.probeInterval().toMillis());
        reportParking(lane);
    }

    /**
     * A record of a parked lane: resolved as parked once the control plane knows of the parking, held unresolved (so no
     * commit passes it) until then. Records a resync read need nothing: the recovery resync reads them again.
     */
    void parked(Lane<C> lane, SourceRecord source) {
        if (!source.live()) {
            return;
        }
        if (lane.parkReported) {
            resolutions.parked(source);
        } else {
            lane.heldParked.add(source);
        }
    }

    /** The control plane knows of the parking, or of the recovery that queues their resync: the held records go. */
    private void releaseHeld(Lane<C> lane) {
        List<SourceRecord> held = new ArrayList<>(lane.heldParked);
        lane.heldParked.clear();
        held.forEach(resolutions::parked);
    }

    /** The vendor answered the probe: unless it was a failure to retry, the lane is back, and its changes are resynced. */
    void probeAnswered(Lane<C> lane, Outcome outcome, long now) {
        lane.probing = false;
        if (lane.parked == null) {
            return;
        }
        if (outcome.kind() == Outcome.Kind.RETRIABLE) {
            lane.nextProbeMillis = now + config.probeInterval().toMillis();
            if (lane.probeRow != null) {
                // Its body may be the one the vendor refuses: the next probe goes with another subscriber's row.
                if (lane.failedProbeKeys.size() >= FAILED_PROBE_KEYS_KEPT) {
                    lane.failedProbeKeys.clear();
                }
                lane.failedProbeKeys.add(lane.probeRow.key());
                lane.probeRow = null;
            }
            LOG.debug("lane {}: probe failed ({}); still parked", lane.id, outcome.reason());
            return;
        }
        LOG.info("lane {}: {} answers again: unparked; the changes since offset {} of partition {} are resynced", lane.id,
                vendor, lane.parked.fromOffset(), lane.parked.partition());
        lane.recovered = lane.parked;
        lane.parked = null;
        lane.probeRow = null;
        lane.failedProbeKeys.clear();
        lane.succeeded();
        reportRecovery(lane);
    }

    /**
     * Every second: a tenant parked by an earlier owner, whose partition this replica owns now and whose destination is
     * READY, gets its lane at once, so it probes on its own timer without waiting for a record of the tenant.
     */
    void adoptParked(DestinationDirectory<C> directory, com.subsets.sync.dispatch.core.Assignments assignments) {
        control.parkings().forEach((tenant, parking) -> {
            if (lanes.get(tenant) == null && assignments.generation(parking.partition())
                    != com.subsets.sync.dispatch.core.Assignments.NOT_OWNED) {
                directory.lookup(tenant).ifPresent(destination -> lanes.laneOf(tenant, destination));
            }
        });
    }

    /** Every second: parkings and recoveries the control plane has not acknowledged are told again. */
    void followReports() {
        for (Lane<C> lane : lanes.all()) {
            if (lane.parked != null && !lane.parkReported) {
                reportParking(lane);
            } else if (lane.recovered != null) {
                reportRecovery(lane);
            }
        }
    }

    private void reportParking(Lane<C> lane) {
        DeliveryControl.Parking parking = lane.parked;
        control.parked(lane.id, parking).onSuccess(v -> {
            if (lane.parked == parking) {
                lane.parkReported = true;
                releaseHeld(lane);
            }
        }).onFailure(e -> LOG.warn("lane {}: parking not recorded yet (again in 1 s): {}", lane.id, e.getMessage()));
    }

    private void reportRecovery(Lane<C> lane) {
        DeliveryControl.Parking parking = lane.recovered;
        control.recovered(lane.id, parking).onSuccess(v -> {
            if (lane.recovered == parking) {
                lane.recovered = null;
                releaseHeld(lane);
            }
        }).onFailure(e -> LOG.warn("lane {}: recovery not recorded yet (again in 1 s): {}", lane.id, e.getMessage()));
    }
}
