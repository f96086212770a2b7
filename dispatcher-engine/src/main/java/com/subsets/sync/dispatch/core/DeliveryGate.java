package com.subsets.sync.dispatch.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
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
 *
 * <p>Erasures are the exception: the version of every erase row let out is remembered always, whether another path
 * runs or not, and {@link #forgetBelow} keeps it. A resync started after an erasure went out reads the subscriber's
 * older state before the tombstone (the state topic keeps it until compaction), and must never write it again, even
 * to a destination that creates profiles. That memory is bounded: the {@value #ERASURES_REMEMBERED} most recent
 * erasures per lane (about 150 bytes each with a short key: 1.5 MB per lane when full), the oldest forgotten first.
 * It covers only the erase rows this lane sent: a resync of a lane that never sent the erasure (a destination
 * registered after it, any lane after a restart, or past the bound) is held back by {@link ErasedIdentities} instead,
 * read by each resync pass from the erasures topic (a week of erasures), which refuses every state no newer than its
 * subscriber's erasure. Beyond that week the state topic's compaction ({@code max.compaction.lag.ms}, a day) has
 * removed the older states.
 */
public final class DeliveryGate {

    /** Erase rows remembered per lane (the lane's most recent ones). */
    public static final int ERASURES_REMEMBERED = 10_000;

    private final Map<String, Long> sent = new HashMap<>();
    /** Erase rows let out, by subscriber, in the order they went (the eldest first out when full). */
    private final LinkedHashMap<String, Long> erased;
    private boolean remembering;

    public DeliveryGate() {
        this(ERASURES_REMEMBERED);
    }

    /** A gate remembering at most {@code erasuresBound} erase rows. */
    public DeliveryGate(int erasuresBound) {
        this.erased = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > erasuresBound;
            }
        };
    }

    /** False when a newer version of subscriber {@code key} (or an erasure of it) was already sent or is in flight. */
    public boolean admits(String key, long version) {
        Long newest = sent.get(key);
        Long erasure = erased.get(key);
        return (newest == null || version >= newest) && (erasure == null || version >= erasure);
    }

    /** A row of {@code key} at {@code version} goes out now. */
    public void sending(String key, long version) {
        sending(key, version, false);
    }

    /** A row of {@code key} at {@code version} goes out now; {@code erasure}: it is an erase row (always remembered). */
    public void sending(String key, long version, boolean erasure) {
        if (erasure) {
            // Removed first, so a key erased again counts as the most recent.
            Long before = erased.remove(key);
            erased.put(key, before == null ? version : Math.max(before, version));
        }
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

    /** Subscribers remembered while another path runs: what the gate holds beyond its erasures (about 150 bytes each). */
    public int remembered() {
        return sent.size();
    }

    /** Erase rows remembered (at most the bound given). */
    public int erasuresRemembered() {
        return erased.size();
    }
}
