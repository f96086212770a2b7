package com.subsets.sync.dispatch.core;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per partition, the offsets taken from Kafka and not yet resolved (delivered, dead-lettered, or known
 * to need no delivery). The committable offset is the smallest unresolved one, or one past the last
 * taken when none is: records of different lanes resolve in any order, and the commit never passes a
 * record that is still unresolved. Not thread-safe: one owner (the consumer's event loop).
 */
public final class OffsetTracker {

    private final Map<Integer, Partition> partitions = new HashMap<>();

    private static final class Partition {
        final TreeSet<Long> unresolved = new TreeSet<>();
        long nextToTake = -1;
        long committed = -1;
    }

    /** A record was taken; offsets of one partition arrive in increasing order. */
    public void taken(int partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        if (p.nextToTake < 0) {
            // The consumer started here, so everything before is committed already.
            p.committed = offset;
        }
        if (offset < p.nextToTake) {
            throw new IllegalArgumentException("partition " + partition + ": offset " + offset
                    + " taken after " + (p.nextToTake - 1));
        }
        p.unresolved.add(offset);
        p.nextToTake = offset + 1;
    }

    public void resolved(int partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.unresolved.remove(offset);
        }
    }

    /** Partitions whose committable offset moved past what was last marked committed, with that offset. */
    public Map<Integer, Long> toCommit() {
        Map<Integer, Long> commits = new HashMap<>();
        partitions.forEach((partition, p) -> {
            if (p.nextToTake < 0) {
                return;
            }
            long committable = p.unresolved.isEmpty() ? p.nextToTake : p.unresolved.first();
            if (committable > p.committed) {
                commits.put(partition, committable);
            }
        });
        return commits;
    }

    public void committed(int partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.committed = Math.max(p.committed, offset);
        }
    }

    /** On revocation: the new owner redelivers from the last commit; nothing here may be committed later. */
    public void forget(Collection<Integer> revoked) {
        revoked.forEach(partitions::remove);
    }

    public int unresolved() {
        int count = 0;
        for (Partition p : partitions.values()) {
            count += p.unresolved.size();
        }
        return count;
    }

    /** Unresolved offsets of a partition, oldest first (for diagnostics and tests). */
    public ArrayDeque<Long> unresolved(int partition) {
        Partition p = partitions.get(partition);
        return p == null ? new ArrayDeque<>() : new ArrayDeque<>(p.unresolved);
    }
}
