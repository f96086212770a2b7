package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a dispatcher and its control plane tell each other about delivery beyond single records: which tenants'
 * lanes are parked (and since which offset of their partition), and which resyncs are to run, with their
 * progress. The provisioner keeps both in PostgreSQL ({@link ProvisionerDirectory}), so a resync resumes on
 * whichever replica owns the tenant next. Static destinations have none ({@link #NONE}): nothing would keep a parking
 * across a restart, so their lanes never park (records a parked lane resolved would be lost with the process).
 */
public interface DeliveryControl {

    /** No control plane: no parkings, no resyncs. */
    DeliveryControl NONE = new DeliveryControl() {
        @Override
        public boolean keepsParkings() {
            return false;
        }

        @Override
        public List<ResyncJob> resyncs() {
            return List.of();
        }

        @Override
        public Optional<Parking> parking(String tenantId) {
            return Optional.empty();
        }

        @Override
        public Map<String, Parking> parkings() {
            return Map.of();
        }

        @Override
        public Future<Void> parked(String tenantId, Parking parking) {
            return Future.failedFuture("no control plane keeps parkings");
        }

        @Override
        public Future<Void> recovered(String tenantId, Parking parking) {
            return Future.failedFuture("no control plane keeps parkings");
        }

        @Override
        public Future<Void> progress(ResyncJob job, Progress progress) {
            return Future.failedFuture(new ResyncGone(job.id()));
        }

        @Override
        public Future<Set<String>> subscribersOf(ResyncJob job) {
            return Future.failedFuture(new ResyncGone(job.id()));
        }
    };

    /** Whether parkings outlive this process here (the only case where a lane may park). */
    default boolean keepsParkings() {
        return true;
    }

    /** The control plane no longer knows a resync (finished, or deleted with its destination): it ends here too. */
    final class ResyncGone extends RuntimeException {
        public ResyncGone(long id) {
            super("resync " + id + " is no longer known", null, false, false);
        }
    }

    /**
     * A lane parked after failing for too long.
     *
     * @param partition the tenant's partition of the input topic
     * @param fromOffset from where its changes are sent again once the vendor answers (no record of the tenant
     *     below it was left unresolved when it parked)
     */
    record Parking(int partition, long fromOffset, String reason, Instant at) {
    }

    /**
     * Subscribers of one tenant to send again from the state topic: every one ({@code subscriberCount} null) from
     * {@code fromOffset} on, or that many named (a replay, a test delivery: their keys from {@link #subscribersOf}, read
     * once by the replica that runs it). {@code position}, {@code endOffset} and {@code total} are null until a
     * dispatcher has started it; {@code position} is where it resumes.
     */
    record ResyncJob(long id, String tenantId, long fromOffset, Long position, Long endOffset, Long total, long sent,
                     Long subscriberCount) {
    }

    /** Where a resync stands: read and resolved below {@code position}, {@code sent} of {@code total} records. */
    record Progress(long position, long endOffset, long total, long sent, String lastError, boolean done) {
    }

    /** The resync each tenant destination has to run now (at most one per tenant), as last known. */
    List<ResyncJob> resyncs();

    /** The tenant's lane as last known parked, if it is. */
    Optional<Parking> parking(String tenantId);

    /** Every parked lane as last known, by tenant. */
    Map<String, Parking> parkings();

    /** Records that the tenant's lane parked. Idempotent: the engine repeats it until it succeeds. */
    Future<Void> parked(String tenantId, Parking parking);

    /**
     * The vendor answers again: the parking ends, and the changes since it ({@code parking}'s partition and offset) are
     * resynced, whether or not the parking itself was ever recorded. Idempotent.
     */
    Future<Void> recovered(String tenantId, Parking parking);

    /**
     * The resync waits on this replica behind {@code place - 1} others (1: it starts next). Fails with
     * {@link ResyncGone} when the control plane no longer knows the job.
     */
    default Future<Void> queued(ResyncJob job, int place) {
        return Future.succeededFuture();
    }

    /** Fails with {@link ResyncGone} when the control plane no longer knows the job. */
    Future<Void> progress(ResyncJob job, Progress progress);

    /**
     * The state-topic keys a job that names subscribers ({@code subscriberCount} not null) sends, all of them or a failure
     * (never part of them); {@link ResyncGone} when the control plane no longer runs it.
     */
    Future<Set<String>> subscribersOf(ResyncJob job);
}
