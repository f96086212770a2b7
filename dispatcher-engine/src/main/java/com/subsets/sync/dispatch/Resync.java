package com.subsets.sync.dispatch;

import java.util.TreeSet;

/**
 * One resync running on this replica, as the engine's event loop sees it: its reader, the offsets it read and
 * has not resolved yet, and where it stands. Its checkpoint ({@link #position()}) is the smallest unresolved
 * offset, or how far it read: resuming there may send a few subscribers twice, never skip one.
 */
final class Resync {

    final DeliveryControl.ResyncJob job;
    final int partition;
    final int generation;
    ResyncReader reader;
    private final TreeSet<Long> unresolved = new TreeSet<>();
    private long readUpTo;
    long endOffset = -1;
    private long total = -1;
    private long sent;
    boolean finished;
    String lastError;
    boolean reporting;
    private DeliveryControl.Progress lastReported;

    Resync(DeliveryControl.ResyncJob job, int partition, int generation) {
        this.job = job;
        this.partition = partition;
        this.generation = generation;
        this.readUpTo = job.position() != null ? job.position() : job.fromOffset();
        this.sent = job.sent();
    }

    void counted(long endOffset, long total) {
        this.endOffset = endOffset;
        this.total = total;
    }

    void taken(long offset) {
        unresolved.add(offset);
    }

    void readUpTo(long offset) {
        readUpTo = Math.max(readUpTo, offset);
    }

    /** True when the offset was one of its unresolved records (each counts once). */
    boolean resolved(long offset) {
        if (!unresolved.remove(offset)) {
            return false;
        }
        sent++;
        reader.resolvedOne();
        return true;
    }

    long position() {
        return unresolved.isEmpty() ? readUpTo : unresolved.first();
    }

    boolean done() {
        return finished && unresolved.isEmpty();
    }

    DeliveryControl.Progress progress() {
        boolean done = done();
        return new DeliveryControl.Progress(done ? Math.max(endOffset, position()) : position(), endOffset, total,
                sent, lastError, done);
    }

    boolean changedSinceReport() {
        return !progress().equals(lastReported);
    }

    void reported(DeliveryControl.Progress progress) {
        lastReported = progress;
    }
}
