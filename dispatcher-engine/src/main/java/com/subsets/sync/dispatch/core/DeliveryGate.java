package com.subsets.sync.dispatch.core;

import java.util.HashMap;
import java.util.Map;

/**
 * The one check every row of a lane passes before it goes to the vendor, whichever path brought it (live, backfill,
 * recovery resync, replay, parking probe): a row is not sent when a newer version of its subscriber was already
 * sent to this destination, or is in flight to it. A version is the row's offset in the state topic (the newest
 * state record folded into it): a tenant's states share one partition, so offsets order them.
 *
 * <p>Memory is bounded by what can undercut what. The live consumer reads a partition in order, so on its own it
 * never sends an older version after a newer one; only a second reader of the same partition can (a resync reads
 * from an older offset while the live consumer is ahead, or the other way round). So the gate remembers sends only
 * while the lane has another path running ({@link #remember}), and forgets every version below the lowest one any
 * path may still send ({@link #forgetBelow}): it holds the subscribers sent between the two readers' positions.
 */
public final class DeliveryGate {

    private final Map<String, Long> sent = new HashMap<>();
    private boolean remembering;

    /** False when a newer version of subscriber {@code key} was already sent or is in flight. */
    public boolean admits(String key, long version) {
        Long newest = sent.get(key);
        return newest == null || version >= newest;
    }

    /** A row of {@code key} at {@code version} goes out now. */
    public void sending(String key, long version) {
        if (remembering) {
            sent.merge(key, version, Math::max);
        }
    }

    /**
     * Starts remembering sends (seeded with the rows in flight now, which went out unremembered), or stops and
     * forgets them all when no other path is running.
     */
    public void remember(boolean on, Map<String, Long> inFlight) {
        if (on && !remembering) {
            inFlight.forEach((key, version) -> sent.merge(key, version, Math::max));
        }
        remembering = on;
        if (!on) {
            sent.clear();
        }
    }

    public boolean remembering() {
        return remembering;
    }

    /** No path of the lane will send a version below {@code floor} any more: what lies below it can block nothing. */
    public void forgetBelow(long floor) {
        if (!sent.isEmpty()) {
            sent.values().removeIf(version -> version < floor);
        }
    }

    /** Subscribers remembered: what the gate holds in memory (about 150 bytes each with a short key). */
    public int remembered() {
        return sent.size();
    }
}
