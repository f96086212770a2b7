package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.OffsetTracker;
import com.subsets.sync.dispatch.core.SourceRecord;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every record taken ends: resolved (delivered, known to need no delivery, parked), or dead-lettered first and
 * resolved once the dead letter is acknowledged. A live record's resolution moves its partition's commit; a resync's
 * moves its checkpoint. A record of a partition revoked since it was taken is nobody's here any more.
 */
final class Resolutions {

    private static final Logger LOG = LoggerFactory.getLogger(Resolutions.class);

    /** What happens after records resolve elsewhere: a resync counts its own; backpressure looks again. */
    interface Listener {
        /** A record a resync read is resolved. */
        void resyncResolved(SourceRecord source);

        /** A live record is resolved: the buffers may have drained. */
        void liveResolved();
    }

    private final Vertx vertx;
    private final DispatcherMetrics metrics;
    private final OffsetTracker tracker;
    private final Assignments assignments;
    private final Backoff backoff;
    private final DeadLetterWriter deadLetters;
    private final DeliveryReporter reports;
    private final Listener listener;

    Resolutions(Vertx vertx, DispatcherMetrics metrics, OffsetTracker tracker, Assignments assignments, Backoff backoff,
                DeadLetterWriter deadLetters, DeliveryReporter reports, Listener listener) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.tracker = tracker;
        this.assignments = assignments;
        this.backoff = backoff;
        this.deadLetters = deadLetters;
        this.reports = reports;
        this.listener = listener;
    }

    void resolve(SourceRecord source) {
        if (!assignments.isCurrent(source)) {
            // The partition was revoked (and maybe assigned again): its offsets are no longer this record's to move.
            return;
        }
        if (!source.live()) {
            listener.resyncResolved(source);
            return;
        }
        tracker.resolved(source.partition(), source.offset());
        listener.liveResolved();
    }

    /** Known to need no delivery here, for {@code reason} (counted). */
    void skip(SourceRecord source, String reason) {
        metrics.skipped(reason);
        resolve(source);
    }

    /** A record of a parked lane: resolved without delivery; the resync after the parking sends its subscriber. */
    void parked(SourceRecord source) {
        if (source.live()) {
            metrics.parked();
            resolve(source);
        }
    }

    /** {@code tenantId}: the validated event's tenant, or null when the record is not a valid event. */
    void deadLetter(SourceRecord source, String tenantId, String reason, String detail, int attempts, long firstFailureMillis) {
        if (!assignments.isCurrent(source)) {
            return;
        }
        LOG.warn("dead-lettering {}/{}@{}: {}: {}", source.topic(), source.partition(), source.offset(), reason,
                Text.abbreviate(detail));
        write(new DeadLetter(source, tenantId, reason, detail, attempts, firstFailureMillis), false, 1);
    }

    private record DeadLetter(SourceRecord source, String tenantId, String reason, String detail, int attempts,
                              long firstFailureMillis) {
    }

    /**
     * Until the write is acknowledged the record stays unresolved, so the commit cannot pass it. A write Kafka
     * refuses for good (a record too large, say) becomes a truncated dead letter pointing to the original
     * rather than a retry that never ends and freezes the partition's commit; what keeps failing is retried
     * with backoff, counted and alerted on.
     */
    private void write(DeadLetter letter, boolean truncated, int tries) {
        SourceRecord source = letter.source();
        (truncated ? deadLetters.writeTruncated(source, letter.reason(), letter.detail(), letter.attempts(), letter.firstFailureMillis())
                : deadLetters.write(source, letter.reason(), letter.detail(), letter.attempts(), letter.firstFailureMillis()))
                .onSuccess(v -> {
                    metrics.deadLettered(letter.reason());
                    reports.deadLettered(letter.tenantId() == null ? DeliveryReporter.UNKNOWN_TENANT : letter.tenantId());
                    resolve(source);
                })
                .onFailure(e -> {
                    boolean permanent = !(e instanceof org.apache.kafka.common.errors.RetriableException);
                    metrics.deadLetterWriteFailed(permanent ? "permanent" : "retriable");
                    if (permanent && !truncated) {
                        LOG.error("dead letter for {}/{}@{} refused for good ({}): writing a truncated one that points to it",
                                source.topic(), source.partition(), source.offset(), e.toString());
                        write(letter, true, 1);
                        return;
                    }
                    long delay = backoff.delayMillis(tries) + 100;
                    LOG.error("dead-letter write failed for {}/{}@{} (try {}), again in {} ms: {}", source.topic(),
                            source.partition(), source.offset(), tries, delay, e.toString());
                    vertx.setTimer(delay, t -> write(letter, truncated, tries + 1));
                });
    }
}
