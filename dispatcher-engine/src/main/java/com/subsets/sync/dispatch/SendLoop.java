package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.AdaptiveRateLimiter;
import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.RequestNotBuilt;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The send/settle loop: each budget sends what it allows now, one lane's batch at a time, the lanes taking turns
 * (every batch formed by the lane's buffer, past its gate); each answer decides the fate of every row it carried:
 * delivered, dead-lettered, skipped, or failed, which {@link Failures} takes from there.
 */
final class SendLoop<C> {

    /** How long before its turn a rate-limited lane encodes its next batch (see {@link PreparedRequest}). */
    private static final long PREPARE_AHEAD_MS = 100;

    private final Vertx vertx;
    private final DestinationAdapter<C> adapter;
    private final Lanes<C> lanes;
    private final Resolutions resolutions;
    private final Parkings<C> parkings;
    private final Failures<C> failures;
    private final Assignments assignments;
    private final DeliveryReporter reports;
    private final DeliveryTrail trail;
    private final DispatcherMetrics metrics;
    private final BooleanSupplier draining;

    SendLoop(Vertx vertx, DestinationAdapter<C> adapter, Lanes<C> lanes, Resolutions resolutions, Parkings<C> parkings,
             Failures<C> failures, Assignments assignments, DeliveryReporter reports, DeliveryTrail trail,
             DispatcherMetrics metrics, BooleanSupplier draining) {
        this.vertx = vertx;
        this.adapter = adapter;
        this.lanes = lanes;
        this.resolutions = resolutions;
        this.parkings = parkings;
        this.failures = failures;
        this.assignments = assignments;
        this.reports = reports;
        this.trail = trail;
        this.metrics = metrics;
        this.draining = draining;
    }

    private long lastSweep = now();

    /** Pumps the active budgets (every budget once each {@link Lanes#SWEEP_MILLIS}): idle tenants cost no tick. */
    void pump() {
        long now = now();
        boolean sweep = now - lastSweep >= Lanes.SWEEP_MILLIS;
        if (sweep) {
            lastSweep = now;
        }
        for (Budget<C> budget : lanes.toPump(sweep)) {
            pumpOne(budget);
        }
    }

    /**
     * One budget's pump, where only it can have changed: an answer of its own, its timer. Pumping every active budget
     * there cost a thousand tenants' replica 100 µs of CPU per delivery (bench/tenants.sh): each of its many small
     * requests' answers walked every budget.
     */
    private void pumpOne(Budget<C> budget) {
        pump(budget);
        lanes.settle(budget);
    }

    /**
     * Sends what the budget allows now, one lane's batch at a time, the lanes taking turns. While its vendor fails as a
     * whole, one probe at a time: a single fresh row, at most every second.
     */
    private void pump(Budget<C> budget) {
        long now = now();
        if (budget.health.inOutage()) {
            failures.followOutage(budget, now);
        }
        while (budget.mayStartRequest(now)) {
            boolean outage = budget.health.inOutage();
            Lane<C> lane = null;
            if (budget.next == null) {
                lane = budget.laneWithTurn(now, draining.getAsBoolean());
                if (lane == null) {
                    break;
                }
            }
            long wait = budget.limiter.millisUntilFree(now);
            if (wait > PREPARE_AHEAD_MS) {
                wakeWhenDue(budget, now + wait - PREPARE_AHEAD_MS);
                break;
            }
            if (budget.next == null) {
                Lane.Batch batch = lane.nextBatch(now, outage ? 1 : Integer.MAX_VALUE, outage);
                resolveSuperseded(lane);
                budget.turnTaken(lane);
                if (batch.rows().isEmpty()) {
                    break;
                }
                budget.next = new Budget.Prepared<>(lane, batch, prepare(lane, batch.rows()));
                now = now();
                wait = budget.limiter.millisUntilFree(now);
            }
            if (wait > 0) {
                wakeWhenDue(budget, now + wait);
                break;
            }
            Budget.Prepared<C> batch = budget.next;
            budget.next = null;
            if (outage) {
                budget.health.probed(now);
            }
            send(budget, batch, budget.limiter.take(now));
        }
    }

    /** Rows the lane's gate refused: a newer version of their subscriber went out first, so theirs need not. */
    private void resolveSuperseded(Lane<C> lane) {
        for (SubscriberUpdate row : lane.buffer.takeSuperseded()) {
            row.sources().forEach(source -> resolutions.skip(source, "superseded"));
        }
    }

    /** The periodic pump alone would notice a free slot up to a tick late: a timer for the exact moment. */
    private void wakeWhenDue(Budget<C> budget, long dueMillis) {
        if (budget.wakeAtMillis > now() && budget.wakeAtMillis <= dueMillis) {
            return;
        }
        budget.wakeAtMillis = dueMillis;
        vertx.setTimer(Math.max(1, dueMillis - now()), t -> pumpOne(budget));
    }

    /**
     * The adapter's request for a batch; one that cannot even be built (a bad base URL, a control character in
     * a key) is a request that fails at once, so its rows take the lane's failure path instead of staying
     * in flight forever.
     */
    private PreparedRequest prepare(Lane<C> lane, List<SubscriberUpdate> rows) {
        PreparedRequest request;
        try {
            request = adapter.prepare(lane.config.destination(), rows);
        } catch (RuntimeException e) {
            return () -> Future.failedFuture(new RequestNotBuilt(e));
        }
        return () -> {
            try {
                return request.send();
            } catch (RuntimeException e) {
                return Future.failedFuture(new RequestNotBuilt(e));
            }
        };
    }

    private void send(Budget<C> budget, Budget.Prepared<C> batch, long ticket) {
        List<SubscriberUpdate> rows = batch.rows();
        budget.inFlight++;
        metrics.batch(rows.size(), rows.stream().mapToLong(SubscriberUpdate::estimatedBytes).sum());
        long started = System.nanoTime();
        // No timeout here: a timeout on the future would not stop the request, and its subscribers would go again
        // while it may still write. Each adapter bounds its whole send by the request timeout and resets it then.
        batch.request().send()
                .recover(e -> Future.succeededFuture(DeliveryResult.failed(rows.size(), e)))
                .onSuccess(result -> {
                    budget.inFlight--;
                    metrics.request(result.status(), Duration.ofNanos(System.nanoTime() - started));
                    settle(budget, batch.lane(), batch.batch(), result, ticket);
                    trail.answered();
                    // The answer freed a place in flight on this budget: use it now, not at the next tick.
                    pumpOne(budget);
                });
    }

    /** Decides the fate of every row of a finished request; the failed ones take the engine's one failure path. */
    private void settle(Budget<C> budget, Lane<C> lane, Lane.Batch batch, DeliveryResult answer, long ticket) {
        long now = now();
        List<SubscriberUpdate> answered = batch.rows();
        List<SubscriberUpdate> rows = answered;
        DeliveryResult result = answer;
        if (!answered.stream().allMatch(assignments::isCurrent)) {
            // Rows of a partition revoked while they were out: the new owner delivers them. They are neither
            // resolved, dead-lettered nor requeued here, or a late retry could write an old value over its work.
            rows = new ArrayList<>();
            List<Outcome> outcomes = new ArrayList<>();
            List<SubscriberUpdate> stale = new ArrayList<>();
            for (int i = 0; i < answered.size(); i++) {
                if (assignments.isCurrent(answered.get(i))) {
                    rows.add(answered.get(i));
                    outcomes.add(answer.outcomes().get(i));
                } else {
                    stale.add(answered.get(i));
                }
            }
            lane.buffer.completed(stale);
            result = new DeliveryResult(outcomes, answer.throttled(), answer.retryAfterMillis(), answer.splittable(), answer.status());
        }
        budget.answered(now, result.throttled());
        // Successes place their requests by their answers, 429s take theirs out of the window; other
        // errors come back faster or slower than work done and say nothing of when a request counted.
        boolean telling = result.throttled() || result.status() / 100 == 2;
        budget.limiter.onAnswer(telling ? ticket : AdaptiveRateLimiter.NO_TICKET, now, result.throttled());
        if (result.throttled()) {
            metrics.throttled();
        }
        if (result.status() / 100 == 2 || result.outcomes().stream().anyMatch(o -> o.kind() == Outcome.Kind.DELIVERED)) {
            // The vendor answers: whatever became of single rows, any outage of the budget is over.
            budget.health.succeeded(now);
        }
        if (batch.probe()) {
            parkings.probeAnswered(lane, result.outcomes().get(0), now);
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        if (result.splittable() && rows.size() > 1) {
            failures.rejectedInPart(lane, batch, now);
            return;
        }
        List<SubscriberUpdate> done = new ArrayList<>();
        List<SubscriberUpdate> retry = new ArrayList<>();
        Outcome retryCause = null;
        for (int i = 0; i < rows.size(); i++) {
            SubscriberUpdate row = rows.get(i);
            Outcome outcome = result.outcomes().get(i);
            switch (outcome.kind()) {
                case DELIVERED -> {
                    done.add(row);
                    // An erasure carried out is counted, never remembered by who: not among the unique ones, not among
                    // the day's last updated (the provisioner just removed them from there).
                    reports.updated(row.tenantId(), row.erasure() == null ? row.identity() : null, now);
                    trail.accepted(row, outcome, now);
                    metrics.delivered(row.sources().size());
                    row.sources().forEach(resolutions::resolve);
                }
                case PERMANENT -> {
                    done.add(row);
                    reports.rejected(row.tenantId(), outcome, now);
                    trail.refused(row, outcome, now);
                    int attempts = (batch.chunk() != null ? batch.chunk().attempt() : lane.attempt) + 1;
                    long firstFailure = batch.chunk() != null ? batch.chunk().firstFailureMillis()
                            : lane.firstFailureMillis < 0 ? now : lane.firstFailureMillis;
                    row.sources().forEach(s -> resolutions.deadLetter(s, row.tenantId(), outcome.reason(), outcome.detail(),
                            attempts, firstFailure));
                }
                case SKIPPED -> {
                    done.add(row);
                    reports.rejected(row.tenantId(), outcome, now);
                    trail.refused(row, outcome, now);
                    row.sources().forEach(s -> resolutions.skip(s, outcome.reason()));
                }
                case RETRIABLE -> {
                    retry.add(row);
                    retryCause = outcome;
                }
            }
        }
        lane.buffer.completed(done);
        if (retry.isEmpty()) {
            lane.succeeded();
            return;
        }
        if (lane.parked != null) {
            // Out when the lane parked: resolved as parked, like everything of it since.
            lane.buffer.completed(retry);
            retry.forEach(row -> row.sources().forEach(source -> parkings.parked(lane, source)));
            return;
        }
        failures.retriable(budget, lane, batch, retry, retryCause, result.throttled(), result.retryAfterMillis(), now);
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
