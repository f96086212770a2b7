package com.subsets.sync.provisioner.erasure;

import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.provisioner.ProvisionerConfig;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.store.DestinationStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.Function;

/**
 * The provisioner's part of erasures (issue 29), wired from its configuration: the store, the consumer of the
 * erasures topic (its segment exits through {@code publishExits}) and this replica's Iterable forget worker.
 */
public final class ErasureService {

    private final ErasureStore store;
    private final ErasureConsumer consumer;
    private final ForgetWorker forgets;
    private final OverdueErasures overdue;

    public ErasureService(Vertx vertx, ProvisionerConfig config, Pool pool, DestinationStore destinations, CredentialSealer sealer,
                          WebClient client, Function<List<SegmentMembership>, Future<Void>> publishExits, MeterRegistry registry) {
        ProvisionerConfig.Erasures erasures = config.erasures();
        ErasureMetrics metrics = new ErasureMetrics(registry);
        this.store = new ErasureStore(pool, new ErasedSubscribers(erasures.salt(), erasures.memory()));
        this.consumer = new ErasureConsumer(vertx, config.bootstrapServers(), config.kafkaProperties(), erasures.topic(),
                erasures.groupId(), store, publishExits, metrics);
        this.forgets = new ForgetWorker(vertx, new ForgetQueue(pool, erasures.forgetPerSecond(), erasures.forgetPerDay()), destinations,
                sealer, config.iterableEndpoints(), client, config.replica(), new ForgetWorker.Settings(erasures.forgetInterval().toMillis(),
                erasures.forgetRetryBase().toMillis(), erasures.forgetRetryMax().toMillis(), config.vendorTimeout().toMillis()), metrics);
        this.overdue = new OverdueErasures(vertx, pool, registry);
    }

    public ErasureStore store() {
        return store;
    }

    /** The forget worker's and the overdue count's timers, then the consumer's subscription. */
    public Future<Void> start() {
        forgets.start();
        overdue.start();
        return consumer.start();
    }

    /** The consumer (its done offsets committed), then the forget worker (its call under way finished). */
    public Future<Void> close() {
        overdue.stop();
        return consumer.close().eventually(forgets::stop);
    }
}
