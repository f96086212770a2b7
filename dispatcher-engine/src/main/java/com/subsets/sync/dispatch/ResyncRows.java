package com.subsets.sync.dispatch;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rows every resync of this replica has read and not resolved yet, against their share of the buffer bounds
 * ({@code *_MAX_BUFFERED_RECORDS} and {@code *_MAX_BUFFERED_BYTES}): half of each, so the live path always keeps
 * the other half. The live path counts them too, and pauses when both together reach the bounds. Readers add on
 * their threads; the engine's event loop releases.
 */
final class ResyncRows {

    private final int maxRecords;
    private final long maxBytes;
    private final AtomicInteger records = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    ResyncRows(int maxBufferedRecords, long maxBufferedBytes) {
        this.maxRecords = Math.max(1, maxBufferedRecords / 2);
        this.maxBytes = Math.max(1, maxBufferedBytes / 2);
    }

    boolean hasRoom() {
        return records.get() < maxRecords && bytes.get() < maxBytes;
    }

    void taken(int count, long size) {
        records.addAndGet(count);
        bytes.addAndGet(size);
    }

    void released(int count, long size) {
        records.addAndGet(-count);
        bytes.addAndGet(-size);
    }

    int records() {
        return records.get();
    }

    long bytes() {
        return bytes.get();
    }
}
