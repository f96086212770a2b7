package com.subsets.sync.dispatch.core;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per partition, the offsets taken from Kafka and not yet resolved (delivered, dead-lettered, or known
 * to need no delivery), with their sizes, so the engine's memory bound is exact. The committable offset is the smallest unresolved one, or one past the last
 * taken when none is: records of different lanes resolve in any order, and the commit never passes a
 * record that is still unresolved. Not thread-safe: one owner (the consumer's event loop).
 */
public final class OffsetTracker {

    private final Map<Integer, Partition> partitions = new HashMap<>();

    private long unresolvedBytes;

    private static final class Partition {
        final TreeMap<Long, Integer> unresolved = new TreeMap<>();
        long nextToTake = -1;
        long committed = -1;
    }

    /** A record of {@code bytes} was taken; offsets of one partition arrive in increasing order. */
    public void taken(int partition, long offset, int bytes) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        if (p.nextToTake < 0) {
            // The consumer started here, so everything before is committed already.
            p.committed = offset;
        }
        if (offset < p.nextToTake) {
            throw new IllegalArgumentException("partition " + partition + ": offset " + offset
                    + " taken after " + (p.nextToTake - 1));
        }
        p.unresolved.put(offset, bytes);
        unresolvedBytes += bytes;
        p.nextToTake = offset + 1;
    }

    /**
     * The record's outcome is final. Resolving a record of a partition since forgotten does nothing: its
     * new owner redelivers it, and what this owner did with it (delivered, dead-lettered) stands.
     */
    public void resolved(int partition, long offset) {
        Partition p = partitions.get(partition);
        Integer bytes = p == null ? null : p.unresolved.remove(offset);
        if (bytes != null) {
            unresolvedBytes -= bytes;
        }
    }

    /** Partitions whose committable offset moved past what was last marked committed, with that offset. */
    public Map<Integer, Long> toCommit() {
        Map<Integer, Long> commits = new HashMap<>();
        partitions.forEach((partition, p) -> {
            if (p.nextToTake < 0) {
                return;
            }
            long committable = p.unresolved.isEmpty() ? p.nextToTake : p.unresolved.firstKey();
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
        for (Integer partition : revoked) {
            Partition p = partitions.remove(partition);
            if (p != null) {
                p.unresolved.values().forEach(bytes -> unresolvedBytes -= bytes);
            }
        }
    }

    public long unresolvedBytes() {
        return unresolvedBytes;
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
        return p == null ? new ArrayDeque<>() : new ArrayDeque<>(p.unresolved.keySet());
    }
}
