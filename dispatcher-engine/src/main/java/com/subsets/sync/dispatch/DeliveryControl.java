package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a dispatcher and its control plane tell each other about delivery beyond single records: which tenants'
 * lanes are parked (and since which offset of their partition), and which resyncs are to run, with their
 * progress. The provisioner keeps both in PostgreSQL ({@link ProvisionerDirectory}), so a resync resumes on
 * whichever replica owns the tenant next; with static destinations they live in this process ({@link LocalControl}).
 */
public interface DeliveryControl {

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
     * Subscribers of one tenant to send again from the state topic: every one ({@code subscribers} null) from
     * {@code fromOffset} on, or those named (a replay). {@code position}, {@code endOffset} and {@code total} are
     * null until a dispatcher has started it; {@code position} is where it resumes.
     */
    record ResyncJob(long id, String tenantId, long fromOffset, Long position, Long endOffset, Long total, long sent,
                     Set<String> subscribers) {
    }

    /** Where a resync stands: read and resolved below {@code position}, {@code sent} of {@code total} records. */
    record Progress(long position, long endOffset, long total, long sent, String lastError, boolean done) {
    }

    /** The resync each tenant destination has to run now (at most one per tenant), as last known. */
    List<ResyncJob> resyncs();

    /** The tenant's lane as last known parked, if it is. */
    Optional<Parking> parking(String tenantId);

    /** Records that the tenant's lane parked. Idempotent: the engine repeats it until it succeeds. */
    Future<Void> parked(String tenantId, Parking parking);

    /** The vendor answers again: the parking ends, and the changes since it are resynced. Idempotent. */
    Future<Void> recovered(String tenantId, Parking parking);

    Future<Void> progress(ResyncJob job, Progress progress);
}
