package com.subsets.sync.provisioner.core;

import java.util.Collection;
import java.util.List;

/**
 * What a replay queues: the subscribers found on the dead-letter topic, or, when there are more than the cap
 * ({@code PROVISIONER_REPLAY_MAX_SUBSCRIBERS}), a full resync of the tenant (every subscriber, from the state topic),
 * saying why in its detail. Above the cap the scan stops at one past it, so {@code found} is then "more than the cap",
 * never a count of millions held in memory.
 *
 * @param subscribers the keys to send; null for every subscriber of the tenant
 */
public record ReplayPlan(int found, List<String> subscribers, boolean fullResync, String detail) {

    /** How many keys the scan collects at most: one past the cap, enough to know the replay is above it. */
    public static int scanLimit(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the cap must be at least 1: " + cap);
        }
        return cap == Integer.MAX_VALUE ? cap : cap + 1;
    }

    /** The replay of {@code found} (distinct keys, at most {@link #scanLimit}) under {@code cap}, described by {@code detail}. */
    public static ReplayPlan of(Collection<String> found, int cap, String detail) {
        if (found.size() <= cap) {
            return new ReplayPlan(found.size(), List.copyOf(found), false, detail);
        }
        return new ReplayPlan(found.size(), null, true, detail + " (more than " + cap + " subscribers dead-lettered, above "
                + "PROVISIONER_REPLAY_MAX_SUBSCRIBERS: a full resync of the tenant instead)");
    }
}
