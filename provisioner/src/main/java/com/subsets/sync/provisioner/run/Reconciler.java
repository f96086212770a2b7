package com.subsets.sync.provisioner.run;

import com.subsets.sync.provisioner.ProvisionerMetrics;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.StoredDestination;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic sweep every replica runs: provisions what is due (new registrations another replica
 * took, runs that died with their replica, transient failures whose retry time has come), one at a
 * time, and reseals credentials still under a retired key. The advisory lock keeps replicas from
 * running the same destination twice.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int BATCH = 50;

    private final Vertx vertx;
    private final DestinationStore store;
    private final ProvisioningRunner runner;
    private final SecretBox secrets;
    private final long intervalMillis;
    private final ProvisionerMetrics metrics;
    private long timer = -1;
    private boolean sweeping;

    public Reconciler(Vertx vertx, DestinationStore store, ProvisioningRunner runner, SecretBox secrets, long intervalMillis,
                      ProvisionerMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.runner = runner;
        this.secrets = secrets;
        this.intervalMillis = intervalMillis;
        this.metrics = metrics;
    }

    public void start() {
        timer = vertx.setPeriodic(1, intervalMillis, t -> sweep());
    }

    public void stop() {
        vertx.cancelTimer(timer);
    }

    /** One pass; a pass still running when the timer fires again is not doubled. */
    public Future<Void> sweep() {
        if (sweeping) {
            return Future.succeededFuture();
        }
        sweeping = true;
        return store.due(BATCH)
                .compose(this::provisionEach)
                .compose(v -> reseal())
                .compose(v -> store.countByStatus())
                .onSuccess(metrics::destinations)
                .onFailure(e -> LOG.warn("provisioning sweep failed, next in {} ms: {}", intervalMillis, e.toString()))
                .eventually(() -> {
                    sweeping = false;
                    return Future.succeededFuture();
                })
                .mapEmpty();
    }

    private Future<Void> provisionEach(List<StoredDestination> due) {
        Future<Void> chain = Future.succeededFuture();
        for (StoredDestination d : due) {
            chain = chain.compose(v -> runner.provision(d.tenantId(), d.kind(), true).<Void>mapEmpty()
                    .recover(e -> {
                        LOG.warn("provisioning {} for tenant {} could not run: {}", d.kind().wireName(), d.tenantId(), e.toString());
                        return Future.succeededFuture();
                    }));
        }
        return chain;
    }

    private Future<Void> reseal() {
        return store.sealedWithOtherKey(secrets.activeKeyId(), BATCH).compose(stale -> {
            Future<Void> chain = Future.succeededFuture();
            for (StoredDestination d : stale) {
                byte[] associated = StoredDestination.associatedData(d.tenantId(), d.kind());
                chain = chain.compose(v -> {
                    try {
                        return store.reseal(d, secrets.seal(secrets.open(d.sealed(), associated), associated)).mapEmpty();
                    } catch (SecretBox.SealException e) {
                        LOG.error("credentials of tenant {} ({}) cannot be resealed: {}", d.tenantId(), d.kind().wireName(), e.getMessage());
                        return Future.succeededFuture();
                    }
                });
            }
            if (!stale.isEmpty()) {
                LOG.info("resealed credentials of {} destination(s) under key {}", stale.size(), secrets.activeKeyId());
            }
            return chain;
        }).compose(v -> resealReady());
    }

    /** The last READY revisions' credentials, which dispatchers read while a newer revision is provisioned. */
    private Future<Void> resealReady() {
        return store.readySealedWithOtherKey(secrets.activeKeyId(), BATCH).compose(stale -> {
            Future<Void> chain = Future.succeededFuture();
            for (DestinationStore.Dispatchable d : stale) {
                byte[] associated = StoredDestination.associatedData(d.tenantId(), d.kind());
                chain = chain.compose(v -> {
                    try {
                        return store.resealReady(d, secrets.seal(secrets.open(d.ready().sealed(), associated), associated)).mapEmpty();
                    } catch (SecretBox.SealException e) {
                        LOG.error("READY credentials of tenant {} ({}) cannot be resealed: {}", d.tenantId(), d.kind().wireName(),
                                e.getMessage());
                        return Future.succeededFuture();
                    }
                });
            }
            return chain;
        });
    }
}
