package com.subsets.sync.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes handed to Kafka and not yet acknowledged, bounded. When Kafka is slow or down the budget runs
 * out and requests are refused at once (503) instead of piling up in memory. Shared by every event
 * loop of the service, hence atomic.
 */
final class InFlightBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    InFlightBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} if they fit; a request larger than the whole budget never fits. */
    boolean tryAcquire(long bytes) {
        while (true) {
            long current = used.get();
            if (current + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
