package com.subsets.sync.dispatch.core;

/**
 * The request budget of one destination credential: a token bucket at the configured rate (Iterable
 * bulkUpdate: 5 requests/s per project), adapting to throttling as RudderStack's AIMD does
 * (../shared/docs/destinations.md): when over 10 % of the answers in a {@code recoveryWindowMillis}
 * window are 429s, the rate drops by 30 % at once (cut fast); each window without any 429 gives back
 * 10 % of the ceiling (recover slowly). A lone 429, which network jitter alone can cause when pacing
 * close to a vendor's limit, only pauses the lane for one interval: cutting a third of the budget for
 * it would cost far more than the one request it retries. The bucket holds a single token: requests
 * are paced 1/rate apart and never burst, so no window of one second, wherever it starts, holds more
 * than the rate (letting a held-up lane catch up in a burst was tried: the bursts drew 429s).
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
    private long windowStartMillis;
    private int answersInWindow;
    private int throttledInWindow;

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
        this.windowStartMillis = nowMillis;
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

    /** Every answer of the lane, throttled (429) or not; returns whether the rate was cut. */
    public boolean onAnswer(long nowMillis, boolean throttled) {
        refill(nowMillis);
        if (nowMillis - windowStartMillis >= recoveryWindowMillis) {
            windowStartMillis = nowMillis;
            answersInWindow = 0;
            throttledInWindow = 0;
        }
        answersInWindow++;
        if (!throttled) {
            return false;
        }
        throttledInWindow++;
        tokens = Math.min(tokens, 0);
        lastThrottleMillis = nowMillis;
        lastRecoveryMillis = nowMillis;
        if (throttledInWindow >= 2 && throttledInWindow * 10 > answersInWindow) {
            rate = Math.max(MIN_RATE, rate * 0.7);
            windowStartMillis = nowMillis;
            answersInWindow = 0;
            throttledInWindow = 0;
            return true;
        }
        return false;
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
