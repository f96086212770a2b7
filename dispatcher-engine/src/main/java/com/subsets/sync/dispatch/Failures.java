package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.BudgetHealth;
import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.RetryChunk;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What rows that failed to be delivered do next, the engine's one failure path for every path to a vendor (live,
 * backfill, recovery resync, replay):
 * <ul>
 *   <li>throttled (429): the lane backs off (its budget's rate was cut), until the give-up time;</li>
 *   <li>the body fails (a 5xx, a timeout, no answer or an unreadable one while the budget's other requests succeed, or
 *       a 400 naming some rows): its rows are halved until the rows at fault are alone; a row that still fails alone
 *       past the give-up time is dead-lettered as {@code retries_exhausted} with the vendor's text;</li>
 *   <li>the vendor fails (no success on the budget lately): the rows wait in their lanes while the budget probes, and
 *       once the outage has lasted the parking time its lanes park (or, without parking, give up at the give-up
 *       time).</li>
 * </ul>
 */
final class Failures<C> {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private final EngineConfig config;
    /** Whether lanes park (the state input, a parking time, and a control plane that keeps parkings). */
    private final boolean parks;
    private final String vendor;
    private final Lanes<C> lanes;
    private final Resolutions resolutions;
    private final Parkings<C> parkings;
    private final DeliveryReporter reports;
    private final DeliveryTrail trail;
    private final DispatcherMetrics metrics;
    private final Backoff backoff;

    Failures(EngineConfig config, boolean parks, String vendor, Lanes<C> lanes, Resolutions resolutions, Parkings<C> parkings,
             DeliveryReporter reports, DeliveryTrail trail, DispatcherMetrics metrics, Backoff backoff) {
        this.config = config;
        this.parks = parks;
        this.vendor = vendor;
        this.lanes = lanes;
        this.resolutions = resolutions;
        this.parkings = parkings;
        this.reports = reports;
        this.trail = trail;
        this.metrics = metrics;
        this.backoff = backoff;
    }

    /** A 400 that names some of the batch's rows: its halves go again at once, so the rows at fault are isolated. */
    void rejectedInPart(Lane<C> lane, Lane.Batch batch, long now) {
        RetryChunk chunk = batch.chunk() != null ? batch.chunk() : new RetryChunk(batch.rows(), now, 0, now);
        lane.chunks.addAll(chunk.halves(now));
        metrics.split("rejected_rows");
    }

    /** Rows of the batch that failed retriably ({@code cause}); {@code retryAfterMillis}: the vendor's Retry-After. */
    void retriable(Budget<C> budget, Lane<C> lane, Lane.Batch batch, List<SubscriberUpdate> rows, Outcome cause, boolean throttled,
                   long retryAfterMillis, long now) {
        if (FailureClassifier.UNEXPECTED_RESPONSE.equals(cause.reason())) {
            unexpectedResponse(lane, cause);
        }
        if (throttled) {
            throttled(lane, batch, rows, cause, retryAfterMillis, now);
            return;
        }
        if (budget.health.failed(now, batch.chunk() != null) == BudgetHealth.Verdict.VENDOR) {
            vendorFails(budget, lane, batch, rows, cause, now);
        } else {
            bodyFails(lane, batch, rows, cause, retryAfterMillis, now);
        }
    }

    private void throttled(Lane<C> lane, Lane.Batch batch, List<SubscriberUpdate> rows, Outcome cause, long retryAfterMillis,
                           long now) {
        if (lane.firstFailureMillis < 0) {
            lane.firstFailureMillis = batch.chunk() != null ? batch.chunk().firstFailureMillis() : now;
        }
        lane.attempt++;
        if (!backoff.mayRetry(lane.firstFailureMillis, now)) {
            giveUp(lane, rows, cause, lane.attempt, lane.firstFailureMillis, now);
            return;
        }
        long delay = backoff.delayMillis(lane.attempt, retryAfterMillis);
        lane.nextAttemptMillis = now + delay;
        metrics.retried(rows.size());
        putBack(lane, batch, rows, now);
        LOG.info("lane {}: {} rows retry in {} ms (attempt {}, {})", lane.id, rows.size(), delay, lane.attempt, cause.reason());
    }

    /** The budget's vendor fails as a whole: the rows wait, the budget probes; nothing of them is narrowed down. */
    private void vendorFails(Budget<C> budget, Lane<C> lane, Lane.Batch batch, List<SubscriberUpdate> rows, Outcome cause, long now) {
        if (budget.outageCause == null) {
            budget.outageCause = cause;
            LOG.warn("{} fails on budget {} ({}: {}): one probe a second until it answers", vendor,
                    DispatcherMetrics.budgetLabel(budget.id), cause.reason(), Text.abbreviate(cause.detail()));
        }
        if (lane.firstFailureMillis < 0) {
            lane.firstFailureMillis = budget.health.outageSinceMillis();
        }
        metrics.retried(rows.size());
        putBack(lane, batch, rows, now);
        followOutage(budget, now);
    }

    private void putBack(Lane<C> lane, Lane.Batch batch, List<SubscriberUpdate> rows, long now) {
        if (batch.chunk() != null) {
            lane.chunks.add(new RetryChunk(rows, batch.chunk().firstFailureMillis(), batch.chunk().attempt(), now));
        } else {
            lane.buffer.requeue(rows, now);
        }
    }

    /** The vendor answers others: halve the rows, or, alone, retry them with backoff until the give-up time. */
    private void bodyFails(Lane<C> lane, Lane.Batch batch, List<SubscriberUpdate> rows, Outcome cause, long retryAfterMillis, long now) {
        RetryChunk origin = batch.chunk();
        RetryChunk chunk = origin != null ? new RetryChunk(rows, origin.firstFailureMillis(), origin.attempt(), now)
                : new RetryChunk(rows, now, 0, now);
        if (rows.size() > 1) {
            // The halves go soon (within the base delay, jittered): narrowing down must not hold the good rows long.
            lane.chunks.addAll(chunk.halves(now + backoff.delayMillis(1)));
            metrics.split("vendor_error");
            return;
        }
        if (origin == null || !origin.isolated()) {
            metrics.isolated();
            LOG.warn("lane {}: one subscriber's row fails alone while {} answers others ({}: {}); retried until the give-up time",
                    lane.id, vendor, cause.reason(), Text.abbreviate(cause.detail()));
        }
        if (!backoff.mayRetry(chunk.firstFailureMillis(), now)) {
            giveUp(lane, rows, cause, chunk.attempt() + 1, chunk.firstFailureMillis(), now);
            return;
        }
        metrics.retried(1);
        lane.chunks.add(chunk.again(now + backoff.delayMillis(chunk.attempt() + 1, retryAfterMillis)));
    }

    /**
     * While the budget's vendor fails: once the outage has lasted the parking time its lanes with rows park; without
     * parking, rows whose first failure is past the give-up time are dead-lettered.
     */
    void followOutage(Budget<C> budget, long now) {
        long since = budget.health.outageSinceMillis();
        if (since < 0) {
            budget.outageCause = null;
            return;
        }
        Outcome cause = budget.outageCause != null ? budget.outageCause : Outcome.retriable("unreachable", "");
        for (Lane<C> lane : List.copyOf(budget.lanes())) {
            if (lane.parked != null || lane.idle()) {
                continue;
            }
            if (parks && now - since >= config.parkAfter().toMillis()) {
                parkings.park(lane, List.of(), cause, now);
            } else if (!parks && lane.firstFailureMillis >= 0 && !backoff.mayRetry(lane.firstFailureMillis, now)) {
                giveUp(lane, lanes.takeUnsent(lane), cause, lane.attempt, lane.firstFailureMillis, now);
            }
        }
    }

    private void giveUp(Lane<C> lane, List<SubscriberUpdate> rows, Outcome cause, int attempts, long firstFailureMillis, long now) {
        lane.buffer.completed(rows);
        String detail = cause.reason() + ": " + cause.detail();
        rows.forEach(row -> reports.failed(row.tenantId(), "retries_exhausted", detail, now));
        rows.forEach(row -> trail.deadLettered(row, "retries_exhausted", detail, now));
        trail.answered();
        rows.forEach(row -> row.sources().forEach(s -> resolutions.deadLetter(s, row.tenantId(), "retries_exhausted", detail,
                attempts, firstFailureMillis)));
        lane.succeeded();
    }

    /**
     * An answer the adapter could not read: counted every time, logged once per lane until it next
     * succeeds, with the status and the start of the body (the outcome's detail holds both).
     */
    private void unexpectedResponse(Lane<C> lane, Outcome cause) {
        metrics.unexpectedResponse();
        if (!lane.unexpectedLogged) {
            lane.unexpectedLogged = true;
            LOG.warn("lane {}: {} answered in a shape this dispatcher cannot read; retrying with backoff: {}", lane.id, vendor,
                    cause.detail());
        }
    }
}
