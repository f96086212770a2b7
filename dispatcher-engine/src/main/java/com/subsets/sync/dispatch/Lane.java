package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.AdaptiveConcurrency;
import com.subsets.sync.dispatch.core.AdaptiveRateLimiter;
import com.subsets.sync.dispatch.core.BatchLimits;
import com.subsets.sync.dispatch.core.LaneBuffer;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One destination credential's share of the engine: its coalescing buffer, its rate budget, its
 * requests in flight, its retry schedule, and halves of split batches waiting to go. A failing lane
 * holds its own records; other lanes keep flowing.
 */
final class Lane<C> {

    /**
     * 99 % of the budget: at 5 requests/s, 5 in any 1,010 ms instead of 1,000, absorbing 10 ms of jitter;
     * a request later than that is placed by its answer once the vendor has refused one. At 97.5 % and
     * without placing, bench/iterable.sh delivered 96.0-97.3 % of 5,000 users/s at 5 requests/s with up
     * to 1 % of requests answered 429; at 99 % with placing, 97.3-98.7 % with at most one 429.
     */
    static final double PACING = 0.99;

    final String id;
    volatile LaneConfig<C> config;
    final LaneBuffer buffer;
    final AdaptiveRateLimiter limiter;
    final AdaptiveConcurrency concurrency;
    final Deque<List<SubscriberUpdate>> splits = new ArrayDeque<>();
    /** The next batch, encoded while the lane waits for its turn; its rows count as in flight in the buffer. */
    Prepared next;
    int inFlight;
    /** False until the first answer: a cold first request arrives late and would bunch the next ones behind it. */
    boolean calibrated;
    int attempt;
    /** When a timer will pump this lane for its next token (0: none set). */
    long wakeAtMillis;
    long firstFailureMillis = -1;
    long nextAttemptMillis;

    Lane(LaneConfig<C> config, BatchLimits limits, long nowMillis) {
        this.id = config.laneId();
        this.config = config;
        this.buffer = new LaneBuffer(limits);
        // Each quiet 5 s gives back 10 % of the budget after a cut.
        this.limiter = new AdaptiveRateLimiter(config.requestsPerSecond(), PACING, 5_000, nowMillis);
        this.concurrency = new AdaptiveConcurrency(config.initialInFlight(), config.maxInFlight());
    }

    boolean mayStartRequest(long nowMillis) {
        int limit = !calibrated ? 1
                : config.adaptiveConcurrency() ? Math.min(concurrency.current(), config.maxInFlight()) : config.maxInFlight();
        return inFlight < limit && nowMillis >= nextAttemptMillis;
    }

    /**
     * Every answer adapts the lane's concurrency; the first also restarts pacing from it, so the second
     * request is a full interval after the first arrived.
     */
    void answered(long nowMillis, boolean throttled) {
        concurrency.answered(throttled);
        if (!calibrated) {
            calibrated = true;
            limiter.restartFrom(nowMillis);
        }
    }

    void succeeded() {
        attempt = 0;
        firstFailureMillis = -1;
    }

    record Prepared(List<SubscriberUpdate> rows, PreparedRequest request) {
    }
}
