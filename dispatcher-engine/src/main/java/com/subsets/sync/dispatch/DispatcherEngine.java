package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.OffsetTracker;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes subscribers' states (or assignment events) and delivers them through a {@link DestinationAdapter}, at
 * least once. Runs on one event loop, so its state needs no locks. It wires its collaborators, each one concern:
 * <ul>
 *   <li>{@link ConsumerLoop}: records in, backpressure, rebalances, commits;</li>
 *   <li>{@link Routing}: each record (live or a resync's) to its tenant's lane, held, skipped or dead-lettered;</li>
 *   <li>{@link Lanes}: the lanes and budgets, following the directory, and the gates' memory;</li>
 *   <li>{@link SendLoop}: batches out on each budget's turn, past the lane's gate, and every answer settled;</li>
 *   <li>{@link Failures}: the one failure path: a body narrowed down, a vendor outage probed, throttling backed off;</li>
 *   <li>{@link Parkings} and {@link Resyncs}: a failing lane parked and probed, resyncs run from the state topic;</li>
 *   <li>{@link Resolutions}: where every record ends (resolved, or dead-lettered first).</li>
 *   <li>{@link DeliveryTrail}: what each answer made of each row, published for the provisioner's per-subscriber view.</li>
 * </ul>
 * The arithmetic is the pure core's ({@code OffsetTracker}, {@code LaneBuffer} and its {@code DeliveryGate},
 * {@code Backoff}, {@code AdaptiveRateLimiter}).
 */
public final class DispatcherEngine<C> extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherEngine.class);
    /** How often the held records, the directory, parkings, resyncs and gates are looked at (the directory refreshes every 10 s). */
    private static final long FOLLOW_INTERVAL_MS = 1_000;
    /** The most records a poll hands over, however large the buffer bounds. */
    private static final int MAX_POLL_RECORDS = 5_000;

    private final EngineConfig config;
    private final DestinationAdapter<C> adapter;
    private final DestinationDirectory<C> directory;
    private final MeterRegistry registry;
    private final DispatcherMetrics metrics;
    private final OffsetTracker tracker = new OffsetTracker();
    private final Assignments assignments = new Assignments();
    private final Backoff backoff;
    /** Whether lanes park: the state input, a parking time, and a control plane that keeps parkings across restarts. */
    private final boolean parks;
    private final Lanes<C> lanes;
    private ConsumerLoop consumerLoop;
    private KafkaClientMetrics consumerMetrics;
    private DeadLetterWriter deadLetters;
    private DeliveryReporter reports;
    private DeliveryTrail trail;
    private Resolutions resolutions;
    private Routing<C> routing;
    private Resyncs<C> resyncs;
    private Parkings<C> parkings;
    private SendLoop<C> sendLoop;
    private ProbeRows<C> probeRows;
    private boolean draining;
    private PumpClock pumpClock;
    private long commitTimer;
    private long followTimer;
    private long reportTimer;

    public DispatcherEngine(EngineConfig config, DestinationAdapter<C> adapter, DestinationDirectory<C> directory,
                            MeterRegistry registry) {
        this.config = config;
        this.adapter = adapter;
        this.directory = directory;
        this.registry = registry;
        this.metrics = new DispatcherMetrics(registry, adapter.name());
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), config.giveUpAfter(),
                () -> ThreadLocalRandom.current().nextDouble());
        DeliveryControl control = directory.control();
        this.parks = config.parks() && control.keepsParkings();
        this.lanes = new Lanes<>(config.batchLimits(), adapter, directory, metrics,
                tenant -> parks ? control.parking(tenant) : java.util.Optional.empty());
    }

    @Override
    public Future<?> start() {
        deadLetters = new DeadLetterWriter(vertx, config, adapter.name());
        reports = new DeliveryReporter(vertx, config, adapter.name());
        trail = new DeliveryTrail(config, adapter.name(), metrics);
        resolutions = new Resolutions(vertx, metrics, tracker, assignments, backoff, deadLetters, reports, new Resolutions.Listener() {
            @Override
            public void resyncResolved(SourceRecord source) {
                resyncs.resolved(source);
            }

            @Override
            public void liveResolved() {
                consumerLoop.applyBackpressure();
            }
        });
        routing = new Routing<>(config.input(), adapter, directory, lanes, resolutions, reports, trail, metrics, backoff,
                (lane, source) -> parkings.parked(lane, source));
        KafkaConsumer<String, byte[]> consumer = KafkaConsumer.create(vertx, consumerConfig());
        ResyncRows resyncRows = new ResyncRows(config.maxBufferedRecords(), config.maxBufferedBytes());
        consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
        consumerMetrics.bindTo(registry);
        consumerLoop = new ConsumerLoop(vertx, config, consumer, tracker, assignments, metrics, routing::accept,
                lanes::rememberedSends, resyncRows, revoked -> {
                    resyncs.stopFor(revoked);
                    routing.forgetPartitions(revoked);
                    lanes.forgetPartitions(revoked, assignments);
                });
        resyncs = new Resyncs<>(config, consumerConfig(), context, directory, lanes, assignments, metrics, routing::accept,
                consumerLoop::partitionCount, resyncRows);
        parkings = new Parkings<>(config, adapter.name(), lanes, resolutions, tracker, directory.control(), reports, resyncs::stopFor);
        Failures<C> failures = new Failures<>(config, parks, adapter.name(), lanes, resolutions, parkings, reports, trail, metrics,
                backoff);
        sendLoop = new SendLoop<>(vertx, adapter, lanes, resolutions, parkings, failures, assignments, reports, trail,
                metrics, () -> draining);
        probeRows = new ProbeRows<>(vertx, consumerConfig(), config.topic(), adapter);
        registerGauges();
        reportTimer = vertx.setPeriodic(config.reportInterval().toMillis(), t -> reports.flush(now()));
        pumpClock = new PumpClock(vertx, sendLoop::pump, lanes::anyActive);
        lanes.onActive(pumpClock::wake);
        pumpClock.start();
        commitTimer = vertx.setPeriodic(config.commitInterval().toMillis(), t -> consumerLoop.commit());
        followTimer = vertx.setPeriodic(FOLLOW_INTERVAL_MS, t -> follow());
        return consumerLoop.subscribe()
                .onSuccess(v -> LOG.info("{} dispatcher consuming {} as group {}", adapter.name(), config.topic(), config.groupId()));
    }

    private void registerGauges() {
        metrics.gauge("dispatcher.consumer.paused", "1 while the consumer's partitions are paused for backpressure",
                () -> consumerLoop.paused() ? 1 : 0);
        metrics.gauge("dispatcher.buffered.records", "Records polled and not yet resolved",
                () -> tracker.unresolved() + consumerLoop.queued());
        metrics.gauge("dispatcher.records.held", "Records of registered tenants waiting for their destination to become READY",
                routing::heldRecords);
        metrics.gauge("dispatcher.lanes.parked", "Tenant lanes parked after failing too long", lanes::parkedCount);
        metrics.gauge("dispatcher.resyncs.running", "Resyncs and replays this replica is running", resyncs::count);
        metrics.gauge("dispatcher.resyncs.queued", "Resyncs and replays waiting on this replica for a slot or a reader",
                resyncs::queued);
        metrics.gauge("dispatcher.resyncs.readers", "State-topic partitions this replica is reading for resyncs (a thread each)",
                resyncs::readers);
        metrics.gauge("dispatcher.resyncs.buffered.records", "Records resyncs have read and not resolved yet (half the "
                + "buffer bounds at most)", resyncs::bufferedRecords);
        metrics.gauge("dispatcher.gate.remembered", "Subscribers whose newest version sent is remembered, while a resync of "
                + "their tenant runs beside the live path", lanes::rememberedSends);
        metrics.gauge("dispatcher.gate.erasures.remembered", "Erasures the lanes' gates remember so that no path sends an older "
                + "state of an erased subscriber (at most 10,000 per lane, the oldest forgotten first)", lanes::rememberedErasures);
        metrics.gauge("dispatcher.buffered.bytes", "Bytes of records polled and not yet resolved",
                () -> tracker.unresolvedBytes() + consumerLoop.queuedBytes());
    }

    /**
     * Each poll costs two hops between the consumer's worker thread and the event loop, and polls are
     * sequential: at 1,000 records a poll, intake stalled near 14,000 records/s (14 polls/s) with the
     * machine half idle (bench/blueconic.sh). A tenth of the record bound a poll keeps the overshoot of
     * the bounds (a poll is taken whole) at a tenth.
     */
    private Map<String, String> consumerConfig() {
        int maxPollRecords = Math.max(1, Math.min(MAX_POLL_RECORDS, config.maxBufferedRecords() / 10));
        Map<String, String> props = KafkaClientConfig.consumer(config.bootstrapServers(), config.kafkaProperties(),
                adapter.name() + "-dispatcher", config.groupId(), maxPollRecords);
        // The state topic is written in transactions: only committed states are current ones (an aborted write of the
        // state service is redone, and would otherwise be delivered twice, the first time possibly wrong).
        props.put("isolation.level", "read_committed");
        // Cooperative rebalancing moves only the partitions that change owner; the others keep flowing.
        props.putIfAbsent("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return props;
    }

    /**
     * Every second: held records whose destination is READY go, directory changes reach the lanes, parkings and
     * recoveries are told again until acknowledged, resyncs start, stop and report (both need the state topic:
     * parks() implies it), and the gates remember what they must.
     */
    private void follow() {
        routing.releaseHeld();
        lanes.followDirectory(row -> row.sources().forEach(source -> resolutions.skip(source, "no_ready_destination")));
        if (parks) {
            parkings.adoptParked(directory, assignments);
            probeRows.follow(lanes.all());
        }
        if (config.input() == InputFormat.STATE) {
            parkings.followReports();
            if (!draining) {
                resyncs.follow();
            }
        }
        lanes.followGates(resyncs.floors(), consumerLoop::liveFloor);
        consumerLoop.applyBackpressure();
        consumerLoop.followQuiet();
    }

    /** Stops taking records, sends what is buffered, waits for requests in flight, commits what is done. */
    @Override
    public Future<?> stop() {
        draining = true;
        consumerLoop.drain();
        Promise<Void> drained = Promise.promise();
        long deadline = now() + config.shutdownTimeout().toMillis();
        vertx.setPeriodic(50, t -> {
            if (consumerLoop.queued() == 0 && lanes.idle() || now() >= deadline) {
                vertx.cancelTimer(t);
                drained.complete();
            }
        });
        return drained.future()
                .compose(v -> resyncs.stopAll())
                .compose(v -> consumerLoop.commit())
                .eventually(() -> {
                    pumpClock.stop();
                    vertx.cancelTimer(commitTimer);
                    vertx.cancelTimer(followTimer);
                    vertx.cancelTimer(reportTimer);
                    consumerMetrics.close();
                    return consumerLoop.close();
                })
                .eventually(deadLetters::close)
                .eventually(() -> trail.close(vertx, 5_000))
                .eventually(() -> reports.close(now()));
    }

    private long now() {
        return System.currentTimeMillis();
    }
}
