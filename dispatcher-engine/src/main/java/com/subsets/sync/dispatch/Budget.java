package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.AdaptiveConcurrency;
import com.subsets.sync.dispatch.core.AdaptiveRateLimiter;
import com.subsets.sync.dispatch.core.BudgetHealth;
import com.subsets.sync.dispatch.core.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * What a vendor limits, shared where the vendor shares it: an Iterable project's 5 bulkUpdate requests/s
 * (whatever the number of tenants writing to it), a BlueConic instance and application's concurrency.
 * The lanes of the tenants on one budget take its requests in turns, so a busy tenant cannot starve
 * another; nothing of one lane's settings is kept here.
 */
final class Budget<C> {

    /**
     * 99 % of the budget: at 5 requests/s, 5 in any 1,010 ms instead of 1,000, absorbing 10 ms of jitter;
     * a request later than that is placed by its answer once the vendor has refused one. At 97.5 % and
     * without placing, bench/iterable.sh delivered 96.0-97.3 % of 5,000 users/s at 5 requests/s with up
     * to 1 % of requests answered 429; at 99 % with placing, 97.3-98.7 % with at most one 429.
     */
    static final double PACING = 0.99;
    /** A success this recent makes a failed body the body's fault, not the vendor's (see {@link BudgetHealth}). */
    static final long HEALTH_WINDOW_MS = 10_000;
    /** While the vendor fails as a whole: one request at a time, at most this often. */
    static final long OUTAGE_PROBE_EVERY_MS = 1_000;

    final String id;
    final AdaptiveRateLimiter limiter;
    final AdaptiveConcurrency concurrency;
    final BudgetHealth health = new BudgetHealth(HEALTH_WINDOW_MS, OUTAGE_PROBE_EVERY_MS);
    /** What the vendor answered when the outage began (what a lane parked or given up on says). */
    Outcome outageCause;
    private final int maxInFlight;
    private final boolean adaptiveConcurrency;
    private final List<Lane<C>> lanes = new ArrayList<>();
    /** Index in {@link #lanes} of the lane whose turn comes next. */
    private int turn;
    /** The next batch, encoded while the budget waits for its turn; its rows count as in flight in their lane. */
    Prepared<C> next;
    int inFlight;
    /** False until the first answer: a cold first request arrives late and would bunch the next ones behind it. */
    private boolean calibrated;
    /** When a timer will pump this budget for its next token (0: none set). */
    long wakeAtMillis;

    Budget(LaneConfig<C> config, long nowMillis) {
        this.id = config.budgetId();
        // Each quiet 5 s gives back 10 % of the budget after a cut.
        this.limiter = new AdaptiveRateLimiter(config.requestsPerSecond(), PACING, 5_000, nowMillis);
        this.concurrency = new AdaptiveConcurrency(config.initialInFlight(), config.maxInFlight());
        this.maxInFlight = config.maxInFlight();
        this.adaptiveConcurrency = config.adaptiveConcurrency();
    }

    void add(Lane<C> lane) {
        lanes.add(lane);
        lane.budget = this;
    }

    void remove(Lane<C> lane) {
        int index = lanes.indexOf(lane);
        if (index < 0) {
            return;
        }
        lanes.remove(index);
        if (index < turn) {
            turn--;
        }
        if (turn >= lanes.size()) {
            turn = 0;
        }
    }

    List<Lane<C>> lanes() {
        return lanes;
    }

    /** Whether a request may start now: within the concurrency, or while the vendor fails, one probe at a time. */
    boolean mayStartRequest(long nowMillis) {
        if (health.inOutage()) {
            return inFlight == 0 && health.probeDue(nowMillis);
        }
        int limit = !calibrated ? 1 : adaptiveConcurrency ? Math.min(concurrency.current(), maxInFlight) : maxInFlight;
        return inFlight < limit;
    }

    /** The lane whose turn it is among those with work, or null when none has work; the turn stays until taken. */
    Lane<C> laneWithTurn(long nowMillis, boolean draining) {
        boolean outage = health.inOutage();
        for (int looked = 0; looked < lanes.size(); looked++) {
            Lane<C> lane = lanes.get((turn + looked) % lanes.size());
            if (lane.hasWork(nowMillis, draining, outage)) {
                return lane;
            }
        }
        return null;
    }

    /** {@code lane} has taken its turn: the next lane after it has the next one. */
    void turnTaken(Lane<C> lane) {
        int index = lanes.indexOf(lane);
        if (index >= 0) {
            turn = (index + 1) % lanes.size();
        }
    }

    /**
     * Every answer adapts the concurrency; the first also restarts pacing from it, so the second request
     * is a full interval after the first arrived.
     */
    void answered(long nowMillis, boolean throttled) {
        concurrency.answered(throttled);
        if (!calibrated) {
            calibrated = true;
            limiter.restartFrom(nowMillis);
        }
    }

    boolean idle() {
        return inFlight == 0 && next == null;
    }

    /** Nothing out, no outage, and no lane with rows, chunks, a parking or a probe: only a new row can give it work. */
    boolean quiet() {
        return idle() && !health.inOutage() && lanes.stream().allMatch(Lane::quiet);
    }

    /** A batch of one lane, encoded and waiting for the budget's turn. */
    record Prepared<C>(Lane<C> lane, Lane.Batch batch, PreparedRequest request) {
        java.util.List<com.subsets.sync.dispatch.core.SubscriberUpdate> rows() {
            return batch.rows();
        }
    }
}
