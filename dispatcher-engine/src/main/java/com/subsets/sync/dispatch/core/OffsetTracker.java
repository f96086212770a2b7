package com.subsets.sync.dispatch.core;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Per partition, the offsets taken from Kafka and not yet resolved (delivered, dead-lettered, or known
 * to need no delivery), with their sizes, so the engine's memory bound is exact. The committable offset is the smallest unresolved one, or one past the last
 * taken when none is: records of different lanes resolve in any order, and the commit never passes a
 * record that is still unresolved. Not thread-safe: one owner (the consumer's event loop).
 */
public final class OffsetTracker {

    private final Map<Integer, Partition> partitions = new HashMap<>();

    private long unresolvedBytes;

    /**
     * A partition's taken offsets, ascending, in two parallel arrays: a size of -1 marks one resolved.
     * The live window is [head, tail); resolved entries at its head are dropped at once, those behind
     * an unresolved one when the arrays fill up. A TreeMap cost three objects and a rebalance per record.
     */
    private static final class Partition {
        long[] offsets = new long[256];
        int[] sizes = new int[256];
        int head;
        int tail;
        int unresolved;
        long nextToTake = -1;
        long committed = -1;

        void append(long offset, int bytes) {
            if (tail == offsets.length) {
                makeRoom();
            }
            offsets[tail] = offset;
            sizes[tail] = bytes;
            tail++;
            unresolved++;
        }

        /** The size of the record now resolved, or -1 when it is not an unresolved one here. */
        int resolve(long offset) {
            int at = java.util.Arrays.binarySearch(offsets, head, tail, offset);
            if (at < 0 || sizes[at] < 0) {
                return -1;
            }
            int bytes = sizes[at];
            sizes[at] = -1;
            unresolved--;
            while (head < tail && sizes[head] < 0) {
                head++;
            }
            if (head == tail) {
                head = 0;
                tail = 0;
            }
            return bytes;
        }

        long firstUnresolved() {
            return offsets[head];
        }

        /** Drops the resolved entries, and doubles the arrays if more than half of them is still unresolved. */
        private void makeRoom() {
            int capacity = unresolved * 2 > offsets.length ? offsets.length * 2 : offsets.length;
            long[] keptOffsets = capacity == offsets.length ? offsets : new long[capacity];
            int[] keptSizes = capacity == sizes.length ? sizes : new int[capacity];
            int kept = 0;
            for (int i = head; i < tail; i++) {
                if (sizes[i] >= 0) {
                    keptOffsets[kept] = offsets[i];
                    keptSizes[kept] = sizes[i];
                    kept++;
                }
            }
            offsets = keptOffsets;
            sizes = keptSizes;
            head = 0;
            tail = kept;
        }

        long unresolvedBytes() {
            long total = 0;
            for (int i = head; i < tail; i++) {
                total += Math.max(0, sizes[i]);
            }
            return total;
        }
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
        p.append(offset, bytes);
        unresolvedBytes += bytes;
        p.nextToTake = offset + 1;
    }

    /**
     * The record's outcome is final. Resolving a record of a partition since forgotten does nothing: its
     * new owner redelivers it, and what this owner did with it (delivered, dead-lettered) stands.
     */
    public void resolved(int partition, long offset) {
        Partition p = partitions.get(partition);
        int bytes = p == null ? -1 : p.resolve(offset);
        if (bytes >= 0) {
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
            long committable = p.unresolved == 0 ? p.nextToTake : p.firstUnresolved();
            if (committable > p.committed) {
                commits.put(partition, committable);
            }
        });
        return commits;
    }

    /**
     * Where the partition stands: its smallest unresolved offset, or one past the last taken, or -1 when nothing
     * of it was taken. No record below it is unresolved.
     */
    public long position(int partition) {
        Partition p = partitions.get(partition);
        if (p == null || p.nextToTake < 0) {
            return -1;
        }
        return p.unresolved == 0 ? p.nextToTake : p.firstUnresolved();
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
                unresolvedBytes -= p.unresolvedBytes();
            }
        }
    }

    public long unresolvedBytes() {
        return unresolvedBytes;
    }

    public int unresolved() {
        int count = 0;
        for (Partition p : partitions.values()) {
            count += p.unresolved;
        }
        return count;
    }

    /** Unresolved offsets of a partition, oldest first (for diagnostics and tests). */
    public ArrayDeque<Long> unresolved(int partition) {
        ArrayDeque<Long> offsets = new ArrayDeque<>();
        Partition p = partitions.get(partition);
        for (int i = p == null ? 0 : p.head; p != null && i < p.tail; i++) {
            if (p.sizes[i] >= 0) {
                offsets.add(p.offsets[i]);
            }
        }
        return offsets;
    }
}
