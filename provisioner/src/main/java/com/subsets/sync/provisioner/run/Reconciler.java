package com.subsets.sync.provisioner.run;

import com.subsets.sync.provisioner.ProvisionerMetrics;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.notifications.WebhookResealer;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.StoredDestination;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic sweep every replica runs: provisions what is due (new registrations another replica
 * took, runs that died with their replica, transient failures whose retry time has come), one at a
 * time, and reseals credentials still under a retired key or an older binding. The advisory lock keeps replicas from
 * running the same destination twice.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int BATCH = 50;

    private final Vertx vertx;
    private final DestinationStore store;
    private final ProvisioningRunner runner;
    private final CredentialSealer secrets;
    private final long intervalMillis;
    private final ProvisionerMetrics metrics;
    private final WebhookResealer webhooks;
    private long timer = -1;
    private boolean sweeping;

    public Reconciler(Vertx vertx, DestinationStore store, ProvisioningRunner runner, CredentialSealer secrets, long intervalMillis,
                      ProvisionerMetrics metrics, WebhookResealer webhooks) {
        this.vertx = vertx;
        this.store = store;
        this.runner = runner;
        this.secrets = secrets;
        this.intervalMillis = intervalMillis;
        this.metrics = metrics;
        this.webhooks = webhooks;
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

    /**
     * Reseals, under the active key and the current binding, every credential still under an older key or binding,
     * in both tables: the READY revisions too, which dispatchers read while a newer revision is provisioned; then the
     * webhook secrets ({@link WebhookResealer}). Each
     * pass pages through every such row in (tenant, kind) order; a row that cannot be opened is logged, counted and
     * passed over, so it never blocks the rows behind it. Also run once at start, before the API answers.
     */
    public Future<Void> reseal() {
        return resealDestinations(DestinationStore.Position.START)
                .compose(v -> resealReady(DestinationStore.Position.START))
                .compose(v -> store.countOldKey(secrets.activeKeyId()))
                .compose(counts -> webhooks.reseal().map(n -> {
                    counts.put(WebhookResealer.TABLE, n);
                    return counts;
                }))
                .onSuccess(metrics::sealedWithOldKey)
                .mapEmpty();
    }

    private Future<Void> resealDestinations(DestinationStore.Position after) {
        return store.toReseal(secrets.activeKeyId(), after, BATCH).compose(stale -> {
            Future<Void> chain = Future.succeededFuture();
            for (StoredDestination d : stale) {
                chain = chain.compose(v -> {
                    try {
                        JsonObject secret = secrets.reopen(d.tenantId(), d.kind(), d.settings(), d.sealed(), d.binding());
                        return store.reseal(d, secrets.seal(d.tenantId(), d.kind(), d.settings(), secret)).mapEmpty();
                    } catch (SecretBox.SealException e) {
                        metrics.unresealable("destination");
                        LOG.error("credentials of tenant {} ({}) cannot be resealed: {}", d.tenantId(), d.kind().wireName(), e.getMessage());
                        return Future.succeededFuture();
                    }
                });
            }
            if (!stale.isEmpty()) {
                LOG.info("resealed credentials of up to {} destination(s) under key {}", stale.size(), secrets.activeKeyId());
            }
            if (stale.size() < BATCH) {
                return chain;
            }
            StoredDestination last = stale.get(stale.size() - 1);
            return chain.compose(v -> resealDestinations(new DestinationStore.Position(last.tenantId(), last.kind().wireName())));
        });
    }

    private Future<Void> resealReady(DestinationStore.Position after) {
        return store.readyToReseal(secrets.activeKeyId(), after, BATCH).compose(stale -> {
            Future<Void> chain = Future.succeededFuture();
            for (DestinationStore.Dispatchable d : stale) {
                chain = chain.compose(v -> {
                    try {
                        JsonObject secret = secrets.reopen(d.tenantId(), d.kind(), d.ready().settings(), d.ready().sealed(),
                                d.ready().binding());
                        return store.resealReady(d, secrets.seal(d.tenantId(), d.kind(), d.ready().settings(), secret)).mapEmpty();
                    } catch (SecretBox.SealException e) {
                        metrics.unresealable("destination_ready");
                        LOG.error("READY credentials of tenant {} ({}) cannot be resealed: {}", d.tenantId(), d.kind().wireName(),
                                e.getMessage());
                        return Future.succeededFuture();
                    }
                });
            }
            if (stale.size() < BATCH) {
                return chain;
            }
            DestinationStore.Dispatchable last = stale.get(stale.size() - 1);
            return chain.compose(v -> resealReady(new DestinationStore.Position(last.tenantId(), last.kind().wireName())));
        });
    }
}
