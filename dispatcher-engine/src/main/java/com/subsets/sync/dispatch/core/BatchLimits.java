package com.subsets.sync.dispatch.core;

import java.time.Duration;

/**
 * When a lane flushes: at {@code maxRows} rows (Iterable and BlueConic: 1,000), near {@code maxBytes}
 * of body (Iterable: 4 MB; the estimate keeps a margin below it), or {@code linger} after the oldest
 * pending row arrived, whichever comes first.
 */
public record BatchLimits(int maxRows, long maxBytes, Duration linger) {
    public BatchLimits {
        if (maxRows < 1 || maxBytes < 1024 || linger.isNegative()) {
            throw new IllegalArgumentException("batch limits must be positive: " + maxRows + " rows, " + maxBytes + " bytes");
        }
    }
}
