package com.subsets.sync.dispatch.core;

/**
 * The request budget of one destination credential: a token bucket at the configured rate (Iterable
 * bulkUpdate: 5 requests/s per project), adapting to throttling. A 429 cuts the rate by 30 % at once
 * (cut fast); each quiet {@code recoveryWindowMillis} without one gives back 10 % of the ceiling
 * (recover slowly). The proportions are RudderStack's (../shared/docs/destinations.md): a single
 * throttled request costs about a third of the budget for a few windows, not half of it for a minute. The bucket holds a single token: requests are paced 1/rate apart and never burst,
 * so no window of one second, wherever it starts, holds more than the rate.
 */
public final class AdaptiveRateLimiter {

    private static final double MIN_RATE = 0.1;

    private final double ceiling;
    private final long recoveryWindowMillis;
    private double rate;
    private double tokens;
    private long lastRefillMillis;
    private long lastThrottleMillis = Long.MIN_VALUE / 2;
    private long lastRecoveryMillis;

    public AdaptiveRateLimiter(double requestsPerSecond, long recoveryWindowMillis, long nowMillis) {
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("the rate must be positive");
        }
        this.ceiling = requestsPerSecond;
        this.rate = requestsPerSecond;
        this.recoveryWindowMillis = recoveryWindowMillis;
        this.tokens = 1;
        this.lastRefillMillis = nowMillis;
        this.lastRecoveryMillis = nowMillis;
    }

    /** Takes a request's token if there is one; otherwise returns how long until there is (ms), without taking. */
    public long tryAcquire(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / rate));
    }

    public void onThrottled(long nowMillis) {
        refill(nowMillis);
        rate = Math.max(MIN_RATE, rate * 0.7);
        tokens = Math.min(tokens, 0);
        lastThrottleMillis = nowMillis;
        lastRecoveryMillis = nowMillis;
    }

    /** Starts pacing afresh from {@code nowMillis}: the next token comes one interval later. */
    public void restartFrom(long nowMillis) {
        refill(nowMillis);
        tokens = 0;
    }

    public double currentRate(long nowMillis) {
        refill(nowMillis);
        return rate;
    }

    private void refill(long nowMillis) {
        if (nowMillis - lastRecoveryMillis >= recoveryWindowMillis && nowMillis - lastThrottleMillis >= recoveryWindowMillis) {
            long windows = (nowMillis - lastRecoveryMillis) / recoveryWindowMillis;
            rate = Math.min(ceiling, rate + windows * ceiling * 0.1);
            lastRecoveryMillis += windows * recoveryWindowMillis;
        }
        long elapsed = nowMillis - lastRefillMillis;
        if (elapsed > 0) {
            tokens = Math.min(1, tokens + elapsed * rate / 1000);
            lastRefillMillis = nowMillis;
        }
    }
}
