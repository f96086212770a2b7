package com.subsets.sync.dispatch.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (a uniformly random delay between 0 and base * 2^attempt,
 * capped), bounded in total time: after {@code giveUpAfter} since the first failure, retrying stops
 * and the records go to the dead-letter topic. Randomness is injected so tests are exact.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final Duration giveUpAfter;
    private final DoubleSupplier random;

    public Backoff(Duration base, Duration cap, Duration giveUpAfter, DoubleSupplier random) {
        this.base = base;
        this.cap = cap;
        this.giveUpAfter = giveUpAfter;
        this.random = random;
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public long delayMillis(int attempt) {
        double ceiling = Math.min(cap.toMillis(), base.toMillis() * Math.pow(2, Math.min(attempt - 1, 30)));
        return (long) (random.getAsDouble() * ceiling);
    }

    /** Whether a retry is still allowed for a batch that first failed at {@code firstFailureMillis}. */
    public boolean mayRetry(long firstFailureMillis, long nowMillis) {
        return nowMillis - firstFailureMillis < giveUpAfter.toMillis();
    }

    /**
     * A delay that honours the destination's Retry-After when it sent one (never shorter), but never past the
     * give-up time: a Retry-After of a day must not hold a batch a day when it would be dead-lettered in ten minutes.
     */
    public long delayMillis(int attempt, long retryAfterMillis) {
        return Math.max(delayMillis(attempt), Math.min(retryAfterMillis, giveUpAfter.toMillis()));
    }
}
