package com.subsets.sync.dispatch;

import java.util.TreeMap;

/**
 * One resync running on this replica, as the engine's event loop sees it: its place in its partition reader's pass,
 * the offsets it read and has not resolved yet (with their sizes, released from {@link ResyncRows} as they resolve),
 * and where it stands. Its checkpoint ({@link #position()}) is the smallest unresolved offset, or how far it read:
 * resuming there may send a few subscribers twice, never skip one.
 */
final class Resync {

    final DeliveryControl.ResyncJob job;
    final int partition;
    final int generation;
    final PartitionReader.Member member;
    private final ResyncRows rows;
    /** Each unresolved record's size and its ordinal among the records this run took (they are taken in offset order). */
    private final TreeMap<Long, Pending> unresolved = new TreeMap<>();
    private long takenCount;
    private long unresolvedBytes;
    private long readUpTo;
    long endOffset = -1;
    private long total = -1;
    /** Sent before this run, below its starting position. */
    private final long sentBefore;
    boolean finished;
    String lastError;
    boolean reporting;
    private DeliveryControl.Progress lastReported;

    /** {@code keys}: the subscribers a replay names (read before it starts), null for every subscriber of the tenant. */
    Resync(DeliveryControl.ResyncJob job, int partition, int generation, int bound, ResyncRows rows, java.util.Set<String> keys) {
        this.job = job;
        this.partition = partition;
        this.generation = generation;
        this.rows = rows;
        this.readUpTo = job.position() != null ? job.position() : job.fromOffset();
        this.sentBefore = job.sent();
        this.member = new PartitionReader.Member(job.id(), job.tenantId(), readUpTo, keys, bound);
    }

    /**
     * The pass reads to {@code endOffset} (the partition's end when it began, or further than where a first run ended).
     * The total is taken from offsets, not by reading twice: the subscribers named by a replay, or else the records of
     * the partition from the resync's start to its end, an upper bound of the tenant's subscribers (other tenants
     * share the partition, a subscriber may have several records not compacted yet). Once done, it is what was sent.
     */
    void counted(long endOffset) {
        this.endOffset = job.endOffset() != null ? Math.max(job.endOffset(), endOffset) : endOffset;
        this.total = member.keys() != null ? member.keys().size() : Math.max(0, this.endOffset - job.fromOffset());
    }

    private record Pending(int size, long ordinal) {
    }

    void taken(long offset, int size) {
        if (!unresolved.containsKey(offset)) {
            unresolved.put(offset, new Pending(size, takenCount++));
            unresolvedBytes += size;
        }
    }

    void readUpTo(long offset) {
        readUpTo = Math.max(readUpTo, Math.min(offset, endOffset < 0 ? offset : endOffset));
    }

    /** True when the offset was one of its unresolved records (each counts once). */
    boolean resolved(long offset) {
        Pending pending = unresolved.remove(offset);
        if (pending == null) {
            return false;
        }
        unresolvedBytes -= pending.size();
        member.outstanding().decrementAndGet();
        rows.released(1, pending.size());
        return true;
    }

    /** It stops here: its unresolved rows no longer count against the resyncs' share of the buffers. */
    void release() {
        rows.released(unresolved.size(), unresolvedBytes);
        member.outstanding().addAndGet(-unresolved.size());
        unresolved.clear();
        unresolvedBytes = 0;
    }

    long position() {
        return unresolved.isEmpty() ? readUpTo : unresolved.firstKey();
    }

    /**
     * The records sent below the checkpoint: those sent before this run, and those this run took before its smallest
     * unresolved one (all resolved). Records resolved above it are counted once the checkpoint passes them, so a run
     * resumed from the checkpoint never counts one twice.
     */
    long sent() {
        return sentBefore + (unresolved.isEmpty() ? takenCount : unresolved.firstEntry().getValue().ordinal());
    }

    boolean done() {
        return finished && unresolved.isEmpty();
    }

    DeliveryControl.Progress progress() {
        boolean done = done();
        long sent = sent();
        return new DeliveryControl.Progress(done ? Math.max(endOffset, position()) : position(), endOffset, done ? sent : total,
                sent, lastError, done);
    }

    boolean changedSinceReport() {
        return !progress().equals(lastReported);
    }

    void reported(DeliveryControl.Progress progress) {
        lastReported = progress;
    }
}
