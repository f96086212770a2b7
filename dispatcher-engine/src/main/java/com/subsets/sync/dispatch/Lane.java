package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.BatchLimits;
import com.subsets.sync.dispatch.core.LaneBuffer;
import com.subsets.sync.dispatch.core.RetryChunk;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One tenant's destination inside the engine: its coalescing buffer, its settings, its retry schedule,
 * and the chunks of refused bodies being narrowed down ({@link RetryChunk}), each on its own schedule. A batch is formed from one lane only, so it carries one
 * tenant's rows and is built with that tenant's settings. Lanes that spend one vendor budget share a
 * {@link Budget}; a failing lane holds its own records while the others keep flowing.
 */
final class Lane<C> {

    /** The tenant: lanes are per tenant destination, never per vendor endpoint. */
    final String id;
    LaneConfig<C> config;
    Budget<C> budget;
    final LaneBuffer buffer;
    /** Rows of refused bodies, sent again on their own; the lane's other rows do not wait for them. */
    final List<RetryChunk> chunks = new ArrayList<>();
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
    /**
     * Live records resolved as parked once the control plane knows of the parking (or of the recovery, which queues
     * their resync): until then they stay unresolved, so no commit passes them.
     */
    final List<com.subsets.sync.dispatch.core.SourceRecord> heldParked = new ArrayList<>();
    /** A subscriber's values sent alone, without records, to learn whether the vendor answers again. */
    SubscriberUpdate probeRow;
    long nextProbeMillis;
    boolean probing;
    /** A fresh probe row is being read from the state topic. */
    boolean readingProbeRow;
    /** Subscribers whose row failed as a probe: not probed with again for a while (their body may be the one at fault). */
    final java.util.Set<String> failedProbeKeys = new java.util.LinkedHashSet<>();
    /** A parking that ended and whose end the control plane has not acknowledged yet. */
    DeliveryControl.Parking recovered;

    Lane(String tenantId, LaneConfig<C> config, BatchLimits limits) {
        this.id = tenantId;
        this.config = config;
        this.buffer = new LaneBuffer(limits);
    }

    /** A batch of the lane: rows, the chunk they are (null: fresh from the buffer), and whether it is a parked lane's probe. */
    record Batch(List<SubscriberUpdate> rows, RetryChunk chunk, boolean probe) {
        static final Batch NONE = new Batch(List.of(), null, false);
    }

    /**
     * True when this lane has a batch to send now: not backing off, and a chunk due or a ready buffer waiting. While its
     * budget's vendor is failing ({@code outage}) only fresh rows go, one at a time, whatever the linger.
     */
    boolean hasWork(long nowMillis, boolean draining, boolean outage) {
        if (parked != null) {
            return !draining && !probing && probeRow != null && nowMillis >= nextProbeMillis;
        }
        if (nowMillis < nextAttemptMillis) {
            return false;
        }
        if (outage) {
            return buffer.hasDrainableRow();
        }
        return chunks.stream().anyMatch(c -> c.due(nowMillis)) || buffer.ready(nowMillis) || draining && buffer.hasDrainableRow();
    }

    /**
     * The next batch: the probe while parked, else a chunk that is due, otherwise what the buffer's limits and gate allow
     * (at most {@code maxFreshRows}). A probe the gate refuses is dropped: a newer row of its subscriber went out, and
     * the next record of the lane brings another.
     */
    Batch nextBatch(long nowMillis, int maxFreshRows, boolean outage) {
        if (parked != null) {
            if (!buffer.admits(probeRow)) {
                probeRow = null;
                return Batch.NONE;
            }
            probing = true;
            buffer.sending(probeRow);
            return new Batch(List.of(probeRow.withoutSources()), null, true);
        }
        if (!outage) {
            for (Iterator<RetryChunk> it = chunks.iterator(); it.hasNext(); ) {
                RetryChunk chunk = it.next();
                if (chunk.due(nowMillis)) {
                    it.remove();
                    return new Batch(chunk.rows(), chunk, false);
                }
            }
        }
        return new Batch(buffer.drain(maxFreshRows), null, false);
    }

    /** Drops rows of partitions no longer owned from the chunks waiting to go, releasing their subscribers. */
    void dropStaleChunks(Assignments assignments) {
        List<RetryChunk> kept = new ArrayList<>();
        for (RetryChunk chunk : chunks) {
            List<SubscriberUpdate> stale = chunk.rows().stream().filter(row -> !assignments.isCurrent(row)).toList();
            buffer.completed(stale);
            RetryChunk current = stale.isEmpty() ? chunk : chunk.without(row -> !assignments.isCurrent(row));
            if (!current.rows().isEmpty()) {
                kept.add(current);
            }
        }
        chunks.clear();
        chunks.addAll(kept);
    }

    /** Takes every chunk waiting to go, releasing their subscribers. */
    List<SubscriberUpdate> dropChunks() {
        List<SubscriberUpdate> rows = new ArrayList<>();
        chunks.forEach(chunk -> rows.addAll(chunk.rows()));
        chunks.clear();
        buffer.completed(rows);
        return rows;
    }

    boolean idle() {
        return buffer.pendingRows() == 0 && chunks.isEmpty();
    }

    /** Idle, not parked and without a probe row: time alone gives it no work. */
    boolean quiet() {
        return idle() && parked == null && probeRow == null;
    }

    void succeeded() {
        attempt = 0;
        firstFailureMillis = -1;
        unexpectedLogged = false;
    }
}
