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
 * <p>The vendor counts a request when it arrives, which the client cannot see; but it arrived no later
 * than its answer came back. Once a vendor has refused a request (it counts that tightly), for
 * {@link #PLACING_MILLIS} after, an answer slower than the recent fastest by more than the pacing margin
 * moves its request in the window to where the vendor may have counted it: a collector's pause between
 * the grant and the write, a vendor's own pause or a busy scheduler made it late, and the request
 * {@code n} places after it must still find a whole vendor window behind it (measured at 5 requests/s
 * on a loaded host: a request counted 41 ms after its grant, and the one five places later answered
 * 429). Only while a vendor has shown it minds, because a slow answer may also be slow work after the
 * count, and moving every slow request would cost a vendor whose latency varies widely part of its
 * budget. A refused request leaves the window: the vendor did not count it, so neither does the limiter.
 *
 * <p>It adapts to throttling as RudderStack's AIMD does (../shared/docs/destinations.md): when over
 * 10 % of the last 20 answers are 429s, the rate drops by 30 % at once (cut fast; a storm of 429s cuts
 * after its third), and each {@code recoveryWindowMillis} without any 429 gives back 10 % of the ceiling
 * (recover slowly). Judging the share over a fixed number of answers, not a time window that may have
 * just begun, keeps two unlucky answers out of ten from cutting a third of the budget. A lone 429,
 * which jitter alone can cause when pacing close to a vendor's limit, does not cut the rate: it starts
 * the placing above, and the engine's backoff retries its batch.
 */
public final class AdaptiveRateLimiter {

    private static final double MIN_RATE = 0.1;
    /** The throttled share is judged over this many answers: 2 of 15 is jitter, 3 of 20 is not. */
    private static final int JUDGED_ANSWERS = 20;

    private final double ceiling;
    private final double pacing;
    private final long recoveryWindowMillis;
    /**
     * Where each of the last {@code sent.length} requests sits in the window (its grant, or later when
     * its answer says it may have been counted later), oldest at {@code oldest} once full.
     */
    private final long[] sent;
    /** Grant times of the same requests, as granted. */
    private final long[] granted;
    private int oldest;
    private int count;
    /** Requests granted so far: the next ticket. */
    private long tickets;
    /** How long after a 429 answers place their requests in the window. */
    static final long PLACING_MILLIS = 600_000;
    /** Latencies of the last {@link #JUDGED_ANSWERS} answers that were not throttled (a ring; -1: none yet). */
    private final long[] latencies = new long[JUDGED_ANSWERS];
    private int latencyNext;
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
     * @param pacing the share of it to use (0.99: 5 requests in any 1,010 ms instead of 1,000)
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
        this.granted = new long[sent.length];
        java.util.Arrays.fill(latencies, -1);
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

    /**
     * Counts a request as sent now; only when {@link #millisUntilFree} says it may go. Returns its
     * ticket, for {@link #onAnswer}.
     */
    public long take(long nowMillis) {
        // Slots fill in ticket order, so a ticket's slot is its number modulo the window's size.
        int slot = (int) (tickets % sent.length);
        sent[slot] = nowMillis;
        granted[slot] = nowMillis;
        if (count < sent.length) {
            count++;
        } else {
            oldest = (oldest + 1) % sent.length;
        }
        lastGrantMillis = nowMillis;
        return tickets++;
    }

    /**
     * Every answer of the lane, throttled (429) or not; returns whether the rate was cut. Give the
     * request's ticket for successes (their latencies compare, and place requests) and for 429s (which
     * leave the window); {@link #NO_TICKET} for other answers.
     */
    public boolean onAnswer(long ticket, long nowMillis, boolean throttled) {
        if (ticket >= 0 && ticket >= tickets - count) {
            int slot = (int) (ticket % sent.length);
            if (throttled) {
                sent[slot] = Long.MIN_VALUE / 2;
            } else {
                placeByAnswer(slot, nowMillis);
            }
        }
        return judge(nowMillis, throttled);
    }

    /** For {@link #onAnswer}: the answer says nothing about when its request was counted. */
    public static final long NO_TICKET = -1;

    private void placeByAnswer(int slot, long nowMillis) {
        long latency = nowMillis - granted[slot];
        latencies[latencyNext] = latency;
        latencyNext = (latencyNext + 1) % latencies.length;
        if (nowMillis - lastThrottleMillis >= PLACING_MILLIS) {
            return;
        }
        long fastest = latency;
        for (long l : latencies) {
            if (l >= 0 && l < fastest) {
                fastest = l;
            }
        }
        // Counted at nowMillis - fastest at the latest (an answer takes at least as long as the fastest
        // did); the request n places later must then find the vendor's whole window (plus a millisecond
        // for clock rounding) behind it. The pacing margin absorbs the first part of any delay.
        double vendorWindow = 1000.0 * sent.length / ceiling;
        double margin = intervalMillis() * sent.length - vendorWindow;
        long place = (long) Math.ceil(nowMillis - fastest - margin + 1);
        sent[slot] = Math.max(sent[slot], place);
    }

    private boolean judge(long nowMillis, boolean throttled) {
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
