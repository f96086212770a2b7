package com.subsets.sync.dispatch.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which partitions this member owns, each with the generation of its assignment: every assignment of a
 * partition, even back to the same member, starts a new generation. A record taken under an older
 * generation is stale: the partition's records are the current owner's to deliver and commit, and a
 * stale row written late could put an old value over what the owner wrote since.
 */
public final class Assignments {

    /** A generation no assignment has: what a record of a partition not owned is tagged with. */
    public static final int NOT_OWNED = -1;

    private final Map<Integer, Integer> generations = new HashMap<>();
    private int lastGeneration;

    public void assigned(Collection<Integer> partitions) {
        for (int partition : partitions) {
            generations.put(partition, ++lastGeneration);
        }
    }

    public void revoked(Collection<Integer> partitions) {
        partitions.forEach(generations::remove);
    }

    /** The partition's current generation, or {@link #NOT_OWNED}. */
    public int generation(int partition) {
        return generations.getOrDefault(partition, NOT_OWNED);
    }

    public boolean isCurrent(SourceRecord source) {
        return source.generation() != NOT_OWNED && generation(source.partition()) == source.generation();
    }

    /** A row is current when its records are (a tenant's records share one partition, so all or none are). */
    public boolean isCurrent(SubscriberUpdate row) {
        for (SourceRecord source : row.sources()) {
            if (!isCurrent(source)) {
                return false;
            }
        }
        return true;
    }
}
