package com.subsets.sync.provisioner.run;

import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.RequestNotBuilt;
import com.subsets.sync.provisioner.ProvisionerMetrics;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.FieldRecord;
import com.subsets.sync.provisioner.core.ProvisioningFailure;
import com.subsets.sync.provisioner.core.ProvisioningStatus;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.StoredDestination;
import com.subsets.sync.provisioner.vendor.FieldProvisioner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs provisioning for one destination under its lock: re-reads it, opens an attempt for its revision,
 * lets the vendor's provisioner make the fields exist, and records the fields and the outcome in one
 * transaction. A transient failure schedules the next run with backoff (up to {@code maxRunDelay});
 * a permanent one waits for the tenant to change something.
 */
public final class ProvisioningRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningRunner.class);

    private final DestinationStore store;
    private final ProvisioningLock lock;
    private final CredentialSealer secrets;
    private final Map<DestinationKind, FieldProvisioner> provisioners;
    private final Backoff runBackoff;
    private final String replica;
    private final ProvisionerMetrics metrics;
    private final RunSlots slots;

    /**
     * {@code slots}: shared with segment reads. A run holds a pooled connection for its whole length (its lock lives
     * on it), so runs and reads at once stay below the pool size and leave at least one connection to the API.
     */
    public ProvisioningRunner(Pool pool, RunSlots slots, DestinationStore store, CredentialSealer secrets,
                              Map<DestinationKind, FieldProvisioner> provisioners, Backoff runBackoff, String replica,
                              ProvisionerMetrics metrics) {
        this.slots = slots;
        this.store = store;
        this.lock = new ProvisioningLock(pool);
        this.secrets = secrets;
        this.provisioners = Map.copyOf(provisioners);
        this.runBackoff = runBackoff;
        this.replica = replica;
        this.metrics = metrics;
    }

    /**
     * Provisions now unless another run holds the destination. {@code onlyIfDue}: the sweep's way,
     * which leaves alone what another replica has settled in the meantime.
     */
    public Future<RunResult> provision(String tenantId, DestinationKind kind, boolean onlyIfDue) {
        if (!slots.tryAcquire()) {
            // The destination stays due; the sweep comes back to it.
            return Future.succeededFuture(RunResult.BUSY);
        }
        return lock.withLock(tenantId, kind, connection -> store.find(connection, tenantId, kind)
                        .compose(found -> {
                            if (found.isEmpty()) {
                                return Future.succeededFuture(RunResult.NOT_FOUND);
                            }
                            if (onlyIfDue && !isDue(found.get())) {
                                return Future.succeededFuture(RunResult.NOT_DUE);
                            }
                            return run(connection, found.get());
                        }))
                .map(result -> result.orElse(RunResult.BUSY))
                .eventually(() -> {
                    slots.release();
                    return Future.succeededFuture();
                });
    }

    private static boolean isDue(StoredDestination d) {
        return d.status() == ProvisioningStatus.PENDING || d.status() == ProvisioningStatus.PROVISIONING
                || (d.status() == ProvisioningStatus.FAILED && d.retryable() && d.nextAttemptAt() != null
                && !d.nextAttemptAt().isAfter(OffsetDateTime.now()));
    }

    private Future<RunResult> run(SqlConnection connection, StoredDestination destination) {
        return store.startAttempt(connection, destination, replica).compose(attempt -> {
            if (attempt.isEmpty()) {
                return Future.succeededFuture(RunResult.SUPERSEDED);
            }
            long attemptId = attempt.get();
            LOG.info("provisioning {} for tenant {} (revision {}, attempt {})", destination.kind().wireName(),
                    destination.tenantId(), destination.revision(), attemptId);
            List<FieldRecord> progress = new ArrayList<>();
            long started = System.nanoTime();
            return provisionFields(destination, progress)
                    .compose(v -> store.finishReady(connection, destination, attemptId, progress).map(RunResult.READY))
                    .recover(e -> failed(connection, destination, attemptId, progress, e))
                    .onSuccess(result -> metrics.run(destination.kind(), result, System.nanoTime() - started));
        });
    }

    private Future<Void> provisionFields(StoredDestination destination, List<FieldRecord> progress) {
        JsonObject secret;
        try {
            secret = secrets.open(destination.tenantId(), destination.kind(), destination.settings(), destination.sealed(),
                    destination.binding());
        } catch (SecretBox.SealException e) {
            return Future.failedFuture(new ProvisioningFailure(false, e.getMessage()));
        }
        try {
            return provisioners.get(destination.kind()).provision(destination.settings(), secret, progress);
        } catch (RuntimeException e) {
            return Future.failedFuture(new ProvisioningFailure(false, new RequestNotBuilt(e).getMessage()));
        }
    }

    private Future<RunResult> failed(SqlConnection connection, StoredDestination destination, long attemptId,
                                     List<FieldRecord> progress, Throwable e) {
        // An unexpected exception's message is never kept: it may quote a header or URL, a secret included.
        ProvisioningFailure failure = e instanceof ProvisioningFailure known ? known
                : new ProvisioningFailure(true, "unexpected error (" + e.getClass().getName() + ")");
        OffsetDateTime next = failure.retryable()
                ? OffsetDateTime.now(ZoneOffset.UTC).plusNanos(runBackoff.delayMillis(destination.failedRuns() + 1) * 1_000_000L)
                : null;
        LOG.warn("provisioning {} for tenant {} failed ({}): {}", destination.kind().wireName(), destination.tenantId(),
                failure.retryable() ? "next run at " + next : "needs a change", failure.getMessage());
        return store.finishFailed(connection, destination, attemptId, progress, failure.getMessage(), failure.retryable(), next)
                .map(RunResult.FAILED);
    }
}
