package com.subsets.sync.provisioner.run;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work that holds a pooled connection for its whole length (a provisioning run, a tenant's segment read: each
 * keeps its advisory lock on one, and runs its queries there), counted together: at most {@code poolSize - 1} at
 * once, so the API and the dispatch directory always have a connection. Work that finds no slot is not started; it
 * stays due and the next sweep or check comes back to it.
 */
public final class RunSlots {

    private final int limit;
    private final AtomicInteger taken = new AtomicInteger();

    public RunSlots(int poolSize) {
        this.limit = Math.max(1, poolSize - 1);
    }

    /** Takes a slot if one is free; whoever got {@code true} must {@link #release()} it. */
    public boolean tryAcquire() {
        if (taken.incrementAndGet() > limit) {
            taken.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release() {
        taken.decrementAndGet();
    }

    public int limit() {
        return limit;
    }
}
