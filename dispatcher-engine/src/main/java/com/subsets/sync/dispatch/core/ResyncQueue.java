package com.subsets.sync.dispatch.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which waiting resyncs start now on this replica, and where the others stand in the queue. Two bounds: resyncs
 * running at once ({@code maxRunning}) and state-topic partitions read at once ({@code maxReaders}: a thread and a
 * consumer each). One reader serves every resync of its partition: a reader between two passes takes the waiting
 * resyncs of its partition, a free reader slot starts on the partition of the oldest waiting resync and takes all
 * of that partition's. Oldest first: a resync that waits for a free reader holds every younger one back (they are
 * queued behind it), except those whose partition is being read, which wait for that reader's next pass.
 */
public final class ResyncQueue {

    /** A resync that may start here (its tenant's partition owned, its destination READY, its lane not parked). */
    public record Waiting(long id, int partition) {
    }

    /** What a reader is doing: reading a pass, or between passes (it takes new resyncs, or stops if none). */
    public enum Reader { READING, BETWEEN_PASSES }

    /**
     * @param start the resyncs to start, by partition, in queue order: a partition with a reader between passes
     *     continues with them, any other gets a new reader
     * @param stop the readers between passes that have nothing to read: they stop
     * @param positions each resync still waiting, its place in the queue (1 is next)
     */
    public record Plan(Map<Integer, List<Long>> start, Set<Integer> stop, Map<Long, Integer> positions) {
    }

    private final int maxRunning;
    private final int maxReaders;

    public ResyncQueue(int maxRunning, int maxReaders) {
        if (maxRunning < 1 || maxReaders < 1) {
            throw new IllegalArgumentException("at least one resync and one reader at once");
        }
        this.maxRunning = maxRunning;
        this.maxReaders = maxReaders;
    }

    /**
     * @param waiting the resyncs that may start, oldest (lowest id) first
     * @param running how many resyncs run now
     * @param readers the partitions read now, and what their readers do
     */
    public Plan plan(List<Waiting> waiting, int running, Map<Integer, Reader> readers) {
        int slots = Math.max(0, maxRunning - running);
        int freeReaders = Math.max(0, maxReaders - readers.size());
        Map<Integer, List<Long>> start = new LinkedHashMap<>();
        Map<Long, Integer> positions = new LinkedHashMap<>();
        boolean blocked = false;
        for (Waiting w : waiting) {
            Reader reader = readers.get(w.partition());
            boolean placed = false;
            if (!blocked && slots > 0) {
                if (start.containsKey(w.partition()) || reader == Reader.BETWEEN_PASSES) {
                    placed = true;
                } else if (reader == null && freeReaders > 0) {
                    freeReaders--;
                    placed = true;
                } else if (reader == null) {
                    blocked = true;
                }
            }
            if (placed) {
                start.computeIfAbsent(w.partition(), p -> new ArrayList<>()).add(w.id());
                slots--;
            } else {
                positions.put(w.id(), positions.size() + 1);
            }
        }
        Set<Integer> stop = new java.util.TreeSet<>();
        readers.forEach((partition, reader) -> {
            if (reader == Reader.BETWEEN_PASSES && !start.containsKey(partition)) {
                stop.add(partition);
            }
        });
        return new Plan(start, stop, positions);
    }
}
