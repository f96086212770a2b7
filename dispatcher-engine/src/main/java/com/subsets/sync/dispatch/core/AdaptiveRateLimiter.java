package com.subsets.sync.dispatch.core;

/**
 * The request budget of one destination credential, in the vendor's own terms: at most {@code n}
 * requests in any sliding window (Iterable bulkUpdate: 5 requests/s per project, so 5 in any second),
 * with the window stretched by a pacing factor so that jitter on the way does not put one request too
 * many into a vendor's second.
 *
 * <p>A sliding window, not a one-token bucket: a request that leaves late (the event loop was busy, a
 * timer fired a few ms after its moment) delays only the request {@code n} places after it, so lateness
 * costs 1/n of what it costs a bucket paced at 1/rate, where every late request pushes all later ones
 * back (measured: 213 ms median gaps instead of 205 at 5 requests/s). Consecutive requests stay at least
 * half an interval apart (when that is a millisecond or more), so the window never fills in one burst.
 *
 * <p>It adapts to throttling as RudderStack's AIMD does (../shared/docs/destinations.md): when over
 * 10 % of the last 20 answers are 429s, the rate drops by 30 % at once (cut fast; a storm of 429s cuts
 * after its third), and each {@code recoveryWindowMillis} without any 429 gives back 10 % of the ceiling
 * (recover slowly). Judging the share over a fixed number of answers, not a time window that may have
 * just begun, keeps two unlucky answers out of ten from cutting a third of the budget. A lone 429,
 * which network jitter alone can cause when pacing close to a vendor's limit, changes nothing here:
 * the window already keeps the next request its distance, the vendor did not count the refused one,
 * and the engine's backoff retries its batch.
 */
public final class AdaptiveRateLimiter {

    private static final double MIN_RATE = 0.1;
    /** The throttled share is judged over this many answers: 2 of 15 is jitter, 3 of 20 is not. */
    private static final int JUDGED_ANSWERS = 20;

    private final double ceiling;
    private final double pacing;
    private final long recoveryWindowMillis;
    /** Grant times of the last {@code sent.length} requests, oldest at {@code oldest} once full. */
    private final long[] sent;
    private int oldest;
    private int count;
    private long lastGrantMillis = Long.MIN_VALUE / 2;
    private long holdUntilMillis = Long.MIN_VALUE / 2;
    private double rate;
    private long lastThrottleMillis = Long.MIN_VALUE / 2;
    private long lastRecoveryMillis;
    /** Whether each of the last {@link #JUDGED_ANSWERS} answers was a 429 (a ring). */
    private final boolean[] recent = new boolean[JUDGED_ANSWERS];
    private int recentNext;
    private int recentThrottled;

    /**
     * @param requestsPerSecond the vendor's limit
     * @param pacing the share of it to use (0.975: 5 requests in any 1,026 ms instead of 1,000)
     */
    public AdaptiveRateLimiter(double requestsPerSecond, double pacing, long recoveryWindowMillis, long nowMillis) {
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("the rate must be positive");
        }
        if (pacing <= 0 || pacing > 1) {
            throw new IllegalArgumentException("the pacing must be in (0, 1]");
        }
        this.ceiling = requestsPerSecond;
        this.pacing = pacing;
        this.rate = requestsPerSecond;
        this.recoveryWindowMillis = recoveryWindowMillis;
        this.sent = new long[Math.max(1, (int) Math.floor(requestsPerSecond))];
        this.lastRecoveryMillis = nowMillis;
    }

    /** Milliseconds until the next request may go; 0 when it may go now. */
    public long millisUntilFree(long nowMillis) {
        recover(nowMillis);
        double spacing = intervalMillis() / 2;
        double due = Math.max(holdUntilMillis, spacing >= 1 ? lastGrantMillis + spacing : Long.MIN_VALUE);
        if (count == sent.length) {
            due = Math.max(due, sent[oldest] + intervalMillis() * sent.length);
        }
        return nowMillis < due ? Math.max(1, (long) Math.ceil(due - nowMillis)) : 0;
    }

    /** Counts a request as sent now; only when {@link #millisUntilFree} says it may go. */
    public void take(long nowMillis) {
        if (count < sent.length) {
            sent[(oldest + count) % sent.length] = nowMillis;
            count++;
        } else {
            sent[oldest] = nowMillis;
            oldest = (oldest + 1) % sent.length;
        }
        lastGrantMillis = nowMillis;
    }

    /** Every answer of the lane, throttled (429) or not; returns whether the rate was cut. */
    public boolean onAnswer(long nowMillis, boolean throttled) {
        recover(nowMillis);
        recentThrottled -= recent[recentNext] ? 1 : 0;
        recent[recentNext] = throttled;
        recentThrottled += throttled ? 1 : 0;
        recentNext = (recentNext + 1) % recent.length;
        if (!throttled) {
            return false;
        }
        lastThrottleMillis = nowMillis;
        lastRecoveryMillis = nowMillis;
        if (recentThrottled * 10 > recent.length) {
            rate = Math.max(MIN_RATE, rate * 0.7);
            java.util.Arrays.fill(recent, false);
            recentThrottled = 0;
            return true;
        }
        return false;
    }

    /**
     * Counts the latest request as sent at {@code nowMillis} (its answer: a cold first request may have
     * arrived that late) and holds the next one a full interval.
     */
    public void restartFrom(long nowMillis) {
        if (count > 0) {
            int newest = (oldest + count - 1) % sent.length;
            sent[newest] = Math.max(sent[newest], nowMillis);
        }
        lastGrantMillis = Math.max(lastGrantMillis, nowMillis);
        holdUntilMillis = Math.max(holdUntilMillis, nowMillis + (long) Math.ceil(intervalMillis()));
    }

    /** Requests per second the lane is paced at now. */
    public double currentRate(long nowMillis) {
        recover(nowMillis);
        return rate * pacing;
    }

    private double intervalMillis() {
        return 1000 / (rate * pacing);
    }

    private void recover(long nowMillis) {
        if (nowMillis - lastRecoveryMillis >= recoveryWindowMillis && nowMillis - lastThrottleMillis >= recoveryWindowMillis) {
            long windows = (nowMillis - lastRecoveryMillis) / recoveryWindowMillis;
            rate = Math.min(ceiling, rate + windows * ceiling * 0.1);
            lastRecoveryMillis += windows * recoveryWindowMillis;
        }
    }
}
