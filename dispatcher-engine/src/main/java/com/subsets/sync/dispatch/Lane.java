package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.BatchLimits;
import com.subsets.sync.dispatch.core.LaneBuffer;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One tenant's destination inside the engine: its coalescing buffer, its settings, its retry schedule,
 * and halves of split batches waiting to go. A batch is formed from one lane only, so it carries one
 * tenant's rows and is built with that tenant's settings. Lanes that spend one vendor budget share a
 * {@link Budget}; a failing lane holds its own records while the others keep flowing.
 */
final class Lane<C> {

    /** The tenant: lanes are per tenant destination, never per vendor endpoint. */
    final String id;
    LaneConfig<C> config;
    Budget<C> budget;
    final LaneBuffer buffer;
    final Deque<List<SubscriberUpdate>> splits = new ArrayDeque<>();
    int attempt;
    long firstFailureMillis = -1;
    long nextAttemptMillis;
    /** Set once an unreadable answer was logged; cleared by a success, so a lane logs each episode once. */
    boolean unexpectedLogged;
    /** The tenant's partition of the input topic, from its records (-1 until one arrives). */
    int partition = -1;
    /** Set while the lane is parked: its records are resolved as parked, and only probes go out. */
    DeliveryControl.Parking parked;
    /** Set once the control plane knows of the parking. */
    boolean parkReported;
    /** A subscriber's values sent alone, without records, to learn whether the vendor answers again. */
    SubscriberUpdate probeRow;
    long nextProbeMillis;
    boolean probing;
    /** A parking that ended and whose end the control plane has not acknowledged yet. */
    DeliveryControl.Parking recovered;

    Lane(String tenantId, LaneConfig<C> config, BatchLimits limits) {
        this.id = tenantId;
        this.config = config;
        this.buffer = new LaneBuffer(limits);
    }

    /** True when this lane has a batch to send now: not backing off, and a split half or a ready buffer waiting. */
    boolean hasWork(long nowMillis, boolean draining) {
        if (parked != null) {
            return !draining && !probing && probeRow != null && nowMillis >= nextProbeMillis;
        }
        if (nowMillis < nextAttemptMillis) {
            return false;
        }
        return !splits.isEmpty() || buffer.ready(nowMillis) || draining && buffer.hasDrainableRow();
    }

    /**
     * The next batch: the probe while parked, else a split half first (its rows passed the gate when they first went
     * out), otherwise what the buffer's limits and gate allow. A probe the gate refuses is dropped: a newer row of
     * its subscriber went out, and the next record of the lane brings another.
     */
    List<SubscriberUpdate> nextBatch() {
        if (parked != null) {
            if (!buffer.admits(probeRow)) {
                probeRow = null;
                return List.of();
            }
            probing = true;
            buffer.sending(probeRow);
            return List.of(probeRow.withoutSources());
        }
        return splits.isEmpty() ? buffer.drain() : splits.poll();
    }

    /** A probe is a row without records: nothing to resolve, only the answer counts. */
    static boolean isProbe(List<SubscriberUpdate> rows) {
        return rows.size() == 1 && rows.get(0).sources().isEmpty();
    }

    /** Drops rows of partitions no longer owned from the split halves waiting to go, releasing their subscribers. */
    void dropStaleSplits(Assignments assignments) {
        for (var it = splits.iterator(); it.hasNext(); ) {
            List<SubscriberUpdate> half = it.next();
            List<SubscriberUpdate> stale = half.stream().filter(row -> !assignments.isCurrent(row)).toList();
            if (!stale.isEmpty()) {
                buffer.completed(stale);
                half.removeAll(stale);
                if (half.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /** Takes every split half waiting to go, releasing their subscribers. */
    List<SubscriberUpdate> dropSplits() {
        List<SubscriberUpdate> rows = new java.util.ArrayList<>();
        splits.forEach(rows::addAll);
        splits.clear();
        buffer.completed(rows);
        return rows;
    }

    boolean idle() {
        return buffer.pendingRows() == 0 && splits.isEmpty();
    }

    void succeeded() {
        attempt = 0;
        firstFailureMillis = -1;
        unexpectedLogged = false;
    }
}
