package com.subsets.sync.simulator.common;

import java.util.ArrayDeque;

/**
 * At most {@code limit} requests in any window of {@code windowMillis} (half-open: (now - window, now]).
 * Stricter than fixed one-second buckets, so a client that passes here passes any vendor's count.
 */
public final class SlidingWindowLimiter {

    private final int limit;
    private final long windowMillis;
    private final ArrayDeque<Long> accepted = new ArrayDeque<>();

    public SlidingWindowLimiter(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    public synchronized boolean tryAcquire(long nowMillis) {
        if (!hasRoom(nowMillis)) {
            return false;
        }
        accepted.addLast(nowMillis);
        return true;
    }

    /** Whether a request now would be admitted, without admitting it (for a limit checked before another one). */
    public synchronized boolean hasRoom(long nowMillis) {
        while (!accepted.isEmpty() && accepted.peekFirst() <= nowMillis - windowMillis) {
            accepted.pollFirst();
        }
        return accepted.size() < limit;
    }

    public int limit() {
        return limit;
    }

    public long windowMillis() {
        return windowMillis;
    }
}
