package com.subsets.sync.dispatch.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.StateRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coalescing buffer of one lane (one tenant's destination): pending rows by subscriber, in
 * arrival order. A subscriber whose row is in flight is held back from the next batch, so two
 * requests never carry the same subscriber at once and its updates cannot overtake each other.
 * Every row leaves through {@link #drain()}, past the lane's {@link DeliveryGate}: a row older than one
 * already sent is not sent, but set aside as superseded ({@link #takeSuperseded()}) for its records to be resolved.
 */
public final class LaneBuffer {

    private final BatchLimits limits;
    private final Map<String, SubscriberUpdate> pending = new LinkedHashMap<>();
    /** Subscribers in flight, with the version of their row. */
    private final Map<String, Long> inFlight = new HashMap<>();
    private final DeliveryGate gate;
    private final List<SubscriberUpdate> superseded = new ArrayList<>();
    private long bytes;
    private int records;
    private long oldestMillis = Long.MAX_VALUE;

    public LaneBuffer(BatchLimits limits) {
        this(limits, new DeliveryGate());
    }

    /** A buffer with a gate of its own making (tests of the gate's bound). */
    public LaneBuffer(BatchLimits limits, DeliveryGate gate) {
        this.limits = limits;
        this.gate = gate;
    }

    /** Adds one event for subscriber {@code key}; returns true when it was coalesced into a pending row. */
    public boolean add(String key, AssignmentEvent event, SourceRecord source, long nowMillis) {
        return add(key, row -> row.merge(event, source), nowMillis);
    }

    /** Adds a subscriber's whole state for {@code key}; returns true when it was coalesced into a pending row. */
    public boolean add(String key, StateRecord state, SourceRecord source, long nowMillis) {
        return add(key, row -> row.merge(state, source), nowMillis);
    }

    /** Adds an erasure of the subscriber at {@code key}; returns true when it was coalesced into a pending row. */
    public boolean add(String key, Erasure erasure, SourceRecord source, long nowMillis) {
        return add(key, row -> row.merge(erasure, source), nowMillis);
    }

    private boolean add(String key, java.util.function.Predicate<SubscriberUpdate> merge, long nowMillis) {
        SubscriberUpdate row = pending.get(key);
        if (row == null) {
            row = new SubscriberUpdate(key);
            pending.put(key, row);
        } else {
            bytes -= row.estimatedBytes();
        }
        boolean coalesced = merge.test(row);
        bytes += row.estimatedBytes();
        records++;
        oldestMillis = Math.min(oldestMillis, nowMillis);
        return coalesced;
    }

    /** Puts rows of a failed attempt back, merged with anything newer that arrived meanwhile. */
    public void requeue(Collection<SubscriberUpdate> rows, long nowMillis) {
        for (SubscriberUpdate row : rows) {
            inFlight.remove(row.key());
            SubscriberUpdate newer = pending.get(row.key());
            if (newer != null) {
                bytes -= newer.estimatedBytes();
                newer.absorb(row);
                bytes += newer.estimatedBytes();
            } else {
                pending.put(row.key(), row);
                bytes += row.estimatedBytes();
            }
            records += row.sources().size();
        }
        oldestMillis = Math.min(oldestMillis, nowMillis);
    }

    /** True when a batch should go now (count, bytes, or linger reached) and one can be formed. */
    public boolean ready(long nowMillis) {
        if (!hasDrainableRow()) {
            return false;
        }
        return pending.size() >= limits.maxRows() || bytes >= limits.maxBytes()
                || nowMillis - oldestMillis >= limits.linger().toMillis();
    }

    /** Milliseconds until linger makes this lane ready, or -1 when nothing is pending. */
    public long millisUntilLinger(long nowMillis) {
        if (pending.isEmpty()) {
            return -1;
        }
        return Math.max(0, oldestMillis + limits.linger().toMillis() - nowMillis);
    }

    /** Takes up to the limits' rows and bytes, skipping subscribers already in flight. */
    public List<SubscriberUpdate> drain() {
        return drain(limits.maxRows());
    }

    /** Takes up to {@code maxRows} rows (and the limits' bytes), skipping subscribers already in flight. */
    public List<SubscriberUpdate> drain(int maxRows) {
        int rowLimit = Math.min(maxRows, limits.maxRows());
        List<SubscriberUpdate> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Iterator<SubscriberUpdate> it = pending.values().iterator(); it.hasNext(); ) {
            SubscriberUpdate row = it.next();
            if (inFlight.containsKey(row.key())) {
                continue;
            }
            int size = row.estimatedBytes();
            if (!gate.admits(row.key(), row.version())) {
                it.remove();
                bytes -= size;
                records -= row.sources().size();
                superseded.add(row);
                continue;
            }
            if (!batch.isEmpty() && (batch.size() >= rowLimit || batchBytes + size > limits.maxBytes())) {
                break;
            }
            it.remove();
            inFlight.put(row.key(), row.version());
            gate.sending(row.key(), row.version(), row.erasure() != null);
            batch.add(row);
            batchBytes += size;
            bytes -= size;
            records -= row.sources().size();
        }
        oldestMillis = pending.isEmpty() ? Long.MAX_VALUE : oldestMillis;
        return batch;
    }

    /** Rows the gate refused since the last call: a newer version of their subscriber went out before them. */
    public List<SubscriberUpdate> takeSuperseded() {
        if (superseded.isEmpty()) {
            return List.of();
        }
        List<SubscriberUpdate> rows = new ArrayList<>(superseded);
        superseded.clear();
        return rows;
    }

    /**
     * Whether the gate remembers what goes out: while another path (a resync, a probe) may send this lane's
     * subscribers too. Starting, it takes in the rows in flight now.
     */
    public void rememberSends(boolean on) {
        gate.remember(on, inFlight);
    }

    /** No path of the lane will send a version below {@code floor} any more. */
    public void forgetSentBelow(long floor) {
        gate.forgetBelow(floor);
    }

    /** Subscribers the gate remembers (for the memory bound and its gauge). */
    public int rememberedSends() {
        return gate.remembered();
    }

    /** Erase rows the gate remembers (at most {@link DeliveryGate#ERASURES_REMEMBERED}). */
    public int rememberedErasures() {
        return gate.erasuresRemembered();
    }

    /** The gate's check alone, for a row that does not come from this buffer (a parked lane's probe). */
    public boolean admits(SubscriberUpdate row) {
        return gate.admits(row.key(), row.version());
    }

    /** A row that does not come from this buffer goes out (a probe). */
    public void sending(SubscriberUpdate row) {
        gate.sending(row.key(), row.version(), row.erasure() != null);
    }

    /** Takes every pending row, whatever the limits (a lane closing down). */
    public List<SubscriberUpdate> drainAll() {
        List<SubscriberUpdate> rows = new ArrayList<>(pending.values());
        pending.clear();
        bytes = 0;
        records = 0;
        oldestMillis = Long.MAX_VALUE;
        return rows;
    }

    /** The rows of a batch are done (delivered or dead-lettered): their subscribers may go again. */
    public void completed(Collection<SubscriberUpdate> rows) {
        rows.forEach(r -> inFlight.remove(r.key()));
    }

    /**
     * Forgets every pending row holding a record of the given partitions (revoked: the new owner
     * redelivers them). A tenant's records share one partition, so a row never straddles two.
     */
    public void forgetPartitions(Set<Integer> revoked) {
        pending.values().removeIf(row -> row.sources().stream().anyMatch(s -> revoked.contains(s.partition())));
        bytes = 0;
        records = 0;
        pending.values().forEach(r -> {
            bytes += r.estimatedBytes();
            records += r.sources().size();
        });
    }

    /** True when a pending row is not held back by its subscriber's row in flight. */
    public boolean hasDrainableRow() {
        for (String key : pending.keySet()) {
            if (!inFlight.containsKey(key)) {
                return true;
            }
        }
        return false;
    }

    public int pendingRows() {
        return pending.size();
    }

    public int pendingRecords() {
        return records;
    }

    public long pendingBytes() {
        return bytes;
    }

    public boolean idle() {
        return pending.isEmpty() && inFlight.isEmpty();
    }
}
