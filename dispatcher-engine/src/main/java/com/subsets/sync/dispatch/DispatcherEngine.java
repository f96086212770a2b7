package com.subsets.sync.dispatch;

import com.subsets.sync.runtime.KafkaClientConfig;
import com.subsets.sync.dispatch.core.AdaptiveRateLimiter;
import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.OffsetTracker;
import com.subsets.sync.dispatch.core.RequestNotBuilt;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes assignment events and delivers them through a {@link DestinationAdapter}, at least once.
 * Runs on one event loop, so its state needs no locks. The pure core does the arithmetic
 * ({@link OffsetTracker}, {@code LaneBuffer}, {@link Backoff}, {@code AdaptiveRateLimiter}); this class
 * wires it to Kafka: records in, lanes pumped on a short timer, offsets committed on a timer and only
 * up to what is resolved, partitions paused while the buffers are full and resumed when they drain.
 */
public final class DispatcherEngine<C> extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherEngine.class);
    private static final long PUMP_INTERVAL_MS = 10;
    /** How long taking records may hold the event loop before it yields to I/O and timers. */
    private static final long TAKE_TURN_NANOS = 5_000_000;
    /** How long before its turn a rate-limited lane encodes its next batch (see {@link PreparedRequest}). */
    private static final long PREPARE_AHEAD_MS = 100;
    /**
     * How long a poll waits when nothing is fetched. The consumer's pause and resume queue behind the
     * poll on its one worker thread, and with every partition paused a poll always waits this long:
     * Vert.x's default (1 s) left the buffers empty for up to a second after each resume.
     */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How often records held for a destination not READY yet look at the directory again (it refreshes every 10 s). */
    private static final long HELD_CHECK_MS = 1_000;
    /** The most records a poll hands over, however large the buffer bounds. */
    private static final int MAX_POLL_RECORDS = 5_000;

    private final EngineConfig config;
    private final DestinationAdapter<C> adapter;
    private final DestinationDirectory<C> directory;
    private final MeterRegistry registry;
    private final DispatcherMetrics metrics;
    private final EventCodec codec = new EventCodec();
    private final OffsetTracker tracker = new OffsetTracker();
    /** One lane per tenant destination, by tenant. */
    private final Map<String, Lane<C>> lanes = new LinkedHashMap<>();
    /** Records of registered tenants with no READY destination yet, by tenant, until it is READY or they give up. */
    private final Map<String, Held> held = new LinkedHashMap<>();
    private long heldTimer;
    /** The vendor budgets the lanes spend, by budget id. */
    private final Map<String, Budget<C>> budgets = new LinkedHashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Assignments assignments = new Assignments();
    /** Polled records not yet taken: they count against the buffer bounds like taken ones. */
    private final ArrayDeque<KafkaConsumerRecord<String, byte[]>> intake = new ArrayDeque<>();
    private long intakeBytes;
    private boolean intakeScheduled;
    private final Backoff backoff;
    private final DeliveryControl control;
    /** Resyncs running on this replica, by id. */
    private final Map<Long, Resync> resyncs = new LinkedHashMap<>();
    /** When a resync that failed may start again, by id. */
    private final Map<Long, Long> resyncRetryAt = new java.util.HashMap<>();
    /** Where the consumer stood on each partition when it was assigned: the live path's floor until it takes a record. */
    private final Map<Integer, Long> liveStart = new java.util.HashMap<>();
    /** Subscribers the lanes' gates remember, as last counted (every second): one of the memory bounds. */
    private int rememberedSends;
    /** Partitions of the input topic (-1 until known): where a tenant's records are. */
    private int inputPartitions = -1;
    private boolean askingPartitions;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaClientMetrics consumerMetrics;
    private DeadLetterWriter deadLetters;
    private DeliveryReporter reports;
    private long reportTimer;
    private boolean paused;
    private boolean draining;
    private boolean committing;
    private long pumpTimer;
    private long commitTimer;

    public DispatcherEngine(EngineConfig config, DestinationAdapter<C> adapter, DestinationDirectory<C> directory,
                            MeterRegistry registry) {
        this.config = config;
        this.adapter = adapter;
        this.directory = directory;
        this.registry = registry;
        this.metrics = new DispatcherMetrics(registry, adapter.name());
        this.control = directory.control();
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), config.giveUpAfter(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    @Override
    public Future<?> start() {
        deadLetters = new DeadLetterWriter(vertx, config, adapter.name());
        reports = new DeliveryReporter(vertx, config, adapter.name());
        reportTimer = vertx.setPeriodic(config.reportInterval().toMillis(), t -> reports.flush(now()));
        consumer = KafkaConsumer.create(vertx, consumerConfig());
        consumer.pollTimeout(POLL_TIMEOUT);
        consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
        consumerMetrics.bindTo(registry);
        metrics.gauge("dispatcher.consumer.paused", "1 while the consumer's partitions are paused for backpressure",
                () -> paused ? 1 : 0);
        metrics.gauge("dispatcher.buffered.records", "Records polled and not yet resolved", () -> tracker.unresolved() + intake.size());
        metrics.gauge("dispatcher.records.held", "Records of registered tenants waiting for their destination to become READY",
                () -> held.values().stream().mapToInt(h -> h.records.size()).sum());
        metrics.gauge("dispatcher.lanes.parked", "Tenant lanes parked after failing too long",
                () -> lanes.values().stream().filter(l -> l.parked != null).count());
        metrics.gauge("dispatcher.resyncs.running", "Resyncs and replays this replica is running", resyncs::size);
        metrics.gauge("dispatcher.gate.remembered", "Subscribers whose newest version sent is remembered, while a resync of "
                + "their tenant runs beside the live path", () -> rememberedSends);
        metrics.gauge("dispatcher.buffered.bytes", "Bytes of records polled and not yet resolved",
                () -> tracker.unresolvedBytes() + intakeBytes);
        // Whole polls, not records: the record handler hands records over ten per event-loop task, each on
        // a context of its own, and polls again only when they are all taken; that capped intake near
        // 25,000 records/s with the machine mostly idle (bench/iterable.sh, no rate limit).
        consumer.batchHandler(records -> {
            for (int i = 0; i < records.size(); i++) {
                KafkaConsumerRecord<String, byte[]> record = records.recordAt(i);
                intake.add(record);
                intakeBytes += record.value() == null ? 0 : record.value().length;
            }
            applyBackpressure();
            if (!intakeScheduled) {
                takeSome();
            }
        });
        consumer.exceptionHandler(e -> LOG.warn("consumer error: {}", e.toString()));
        consumer.partitionsAssignedHandler(this::onAssigned);
        consumer.partitionsRevokedHandler(this::onRevoked);
        pumpTimer = vertx.setPeriodic(PUMP_INTERVAL_MS, t -> pump());
        commitTimer = vertx.setPeriodic(config.commitInterval().toMillis(), t -> commit());
        heldTimer = vertx.setPeriodic(HELD_CHECK_MS, t -> {
            releaseHeld();
            followDirectory();
            followControl();
            followGates();
        });
        return consumer.subscribe(config.topic())
                .onSuccess(v -> LOG.info("{} dispatcher consuming {} as group {}", adapter.name(), config.topic(), config.groupId()));
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

    // ---- records in ----

    /**
     * Takes queued records for at most {@link #TAKE_TURN_NANOS}, then yields the event loop: a whole poll of
     * 1,000 took 13 ms (and at times 200 ms) in one go, and a request due meanwhile left that late;
     * after a resume, tens of thousands of records arrive at once.
     */
    private void takeSome() {
        intakeScheduled = false;
        long until = System.nanoTime() + TAKE_TURN_NANOS;
        while (!intake.isEmpty() && System.nanoTime() < until) {
            KafkaConsumerRecord<String, byte[]> record = intake.poll();
            intakeBytes -= record.value() == null ? 0 : record.value().length;
            take(record);
        }
        if (!intake.isEmpty()) {
            // A timer, not runOnContext: Netty runs queued tasks for up to a second before it looks at
            // due timers again (io.netty.eventLoop.maxTaskProcessingQuantumMs), so a chain of tasks
            // would hold back the lanes' send timers; timers take turns with them.
            intakeScheduled = true;
            vertx.setTimer(1, t -> takeSome());
        }
    }

    private void take(KafkaConsumerRecord<String, byte[]> record) {
        int generation = assignments.generation(record.partition());
        if (generation == Assignments.NOT_OWNED) {
            return;
        }
        SourceRecord source = toSource(record, generation);
        tracker.taken(source.partition(), source.offset(), source.value().length);
        metrics.consumed();
        accept(source, record.value() == null);
    }

    /** One record of either path (live or resync), understood or dead-lettered. */
    private void accept(SourceRecord source, boolean tombstone) {
        if (tombstone && config.input() == InputFormat.STATE) {
            // A state superseded by an identity link: the subscriber's current state is under another key.
            metrics.skipped("superseded");
            resolve(source);
            return;
        }
        InputFormat.Decoded decoded = config.input().decode(codec, source.value());
        if (decoded.incoming() == null) {
            // Not a valid record, so no tenant to attribute it to: the raw key could be anything a producer chose.
            deadLetter(source, null, decoded.reason(), decoded.detail(), 0, now());
        } else {
            route(decoded.incoming(), source);
        }
    }

    private void route(Incoming incoming, SourceRecord source) {
        String tenantId = incoming.tenantId();
        Optional<LaneConfig<C>> destination = directory.lookup(tenantId);
        if (destination.isEmpty()) {
            if (directory.registered(tenantId)) {
                held.computeIfAbsent(tenantId, t -> new Held(now())).records.add(new Held.Record(incoming, source));
                return;
            }
            metrics.skipped("no_ready_destination");
            resolve(source);
            return;
        }
        LaneConfig<C> laneConfig = destination.get();
        Optional<String> key = adapter.subscriberKey(incoming.subscriber(), laneConfig.destination());
        if (key.isEmpty()) {
            if (config.input() == InputFormat.STATE) {
                // A subscriber known only by the other identifier: nothing of it can go to this destination (yet).
                metrics.skipped("missing_identifier");
                resolve(source);
            } else {
                deadLetter(source, tenantId, "missing_identifier", "the subscriber has no identifier this destination uses", 0, now());
            }
            return;
        }
        Lane<C> lane = laneOf(tenantId, laneConfig);
        if (source.live()) {
            lane.partition = source.partition();
        }
        if (lane.parked != null) {
            if (lane.probeRow == null) {
                SubscriberUpdate probe = new SubscriberUpdate(key.get());
                incoming.mergeInto(probe, source);
                lane.probeRow = probe.withoutSources();
            }
            resolveParked(source);
            return;
        }
        if (incoming.addTo(lane.buffer, key.get(), source, now())) {
            metrics.coalesced();
        }
    }

    /**
     * The tenant's lane, with the tenant's current settings, on the budget those settings name: a tenant
     * whose destination moved to another project or instance moves to that budget, and a batch it had
     * prepared on the old one goes back to its buffer, to be built again with the new settings.
     */
    private Lane<C> laneOf(String tenantId, LaneConfig<C> laneConfig) {
        Lane<C> lane = lanes.get(tenantId);
        if (lane == null) {
            lane = new Lane<>(tenantId, laneConfig, config.batchLimits());
            lanes.put(tenantId, lane);
            budgetOf(laneConfig).add(lane);
            if (config.parks()) {
                // Parked by an earlier owner: it stays parked until a probe is answered (the first record brings one).
                Lane<C> created = lane;
                control.parking(tenantId).ifPresent(p -> {
                    created.parked = p;
                    created.parkReported = true;
                    created.partition = p.partition();
                });
            }
        } else if (!lane.budget.id.equals(laneConfig.budgetId())) {
            Budget<C> old = lane.budget;
            if (old.next != null && old.next.lane() == lane) {
                lane.buffer.requeue(old.next.rows(), now());
                old.next = null;
            }
            old.remove(lane);
            budgetOf(laneConfig).add(lane);
        }
        lane.config = laneConfig;
        return lane;
    }

    private Budget<C> budgetOf(LaneConfig<C> laneConfig) {
        return budgets.computeIfAbsent(laneConfig.budgetId(), id -> {
            Budget<C> budget = new Budget<>(laneConfig, now());
            metrics.budgetRate(id, () -> budget.limiter.currentRate(now()));
            return budget;
        });
    }

    /** Records waiting for their tenant's destination to become READY; they count against the buffer bounds. */
    private static final class Held {
        record Record(Incoming incoming, SourceRecord source) {
        }

        final long sinceMillis;
        final List<Record> records = new ArrayList<>();

        Held(long sinceMillis) {
            this.sinceMillis = sinceMillis;
        }
    }

    /**
     * Held records go their way once the directory says: their destination READY (delivered as usual), the
     * registration gone (skipped), or still not READY after the give-up time (dead-lettered like any lane's
     * records whose retries ran out).
     */
    private void releaseHeld() {
        long now = now();
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> entry = it.next();
            String tenant = entry.getKey();
            Held waiting = entry.getValue();
            if (directory.lookup(tenant).isPresent() || !directory.registered(tenant)) {
                it.remove();
                waiting.records.forEach(r -> route(r.incoming(), r.source()));
            } else if (!backoff.mayRetry(waiting.sinceMillis, now)) {
                it.remove();
                reports.failed(tenant, "retries_exhausted", "no_ready_destination", now);
                waiting.records.forEach(r -> deadLetter(r.source(), tenant, "retries_exhausted",
                        "no_ready_destination: the tenant's destination is registered but did not become READY", 0,
                        waiting.sinceMillis));
            }
        }
    }

    /**
     * Follows directory changes in the lanes themselves, not only when a record arrives: a tenant whose settings
     * changed gets them (and its budget) for the rows it has buffered; a tenant no longer registered has its
     * buffered rows skipped, like any record of an unregistered tenant, and once nothing of it is out its lane
     * goes, and with the last lane of a budget the budget and its gauge. Lanes, budgets, gauges and token
     * caches so stay as many as the destinations the directory holds.
     */
    private void followDirectory() {
        for (var it = lanes.values().iterator(); it.hasNext(); ) {
            Lane<C> lane = it.next();
            Optional<LaneConfig<C>> current = directory.lookup(lane.id);
            if (current.isPresent()) {
                if (!current.get().equals(lane.config)) {
                    LaneConfig<C> old = lane.config;
                    laneOf(lane.id, current.get());
                    adapter.forget(old.destination());
                }
                continue;
            }
            if (directory.registered(lane.id)) {
                continue;
            }
            List<SubscriberUpdate> unsent = new ArrayList<>(lane.buffer.drainAll());
            unsent.addAll(lane.dropSplits());
            Budget<C> budget = lane.budget;
            if (budget.next != null && budget.next.lane() == lane) {
                lane.buffer.completed(budget.next.rows());
                unsent.addAll(budget.next.rows());
                budget.next = null;
            }
            unsent.forEach(row -> row.sources().forEach(source -> {
                metrics.skipped("no_ready_destination");
                resolve(source);
            }));
            if (lane.buffer.idle()) {
                it.remove();
                budget.remove(lane);
                adapter.forget(lane.config.destination());
                LOG.info("lane {} removed: its destination is no longer registered", lane.id);
            }
        }
        budgets.values().removeIf(budget -> {
            boolean unused = budget.lanes().isEmpty() && budget.idle();
            if (unused) {
                metrics.removeBudgetRate(budget.id);
            }
            return unused;
        });
    }

    // ---- batches out ----

    private void pump() {
        for (Budget<C> budget : budgets.values()) {
            pump(budget);
        }
    }

    /** Sends what the budget allows now, one lane's batch at a time, the lanes taking turns. */
    private void pump(Budget<C> budget) {
        long now = now();
        while (budget.mayStartRequest()) {
            Lane<C> lane = null;
            if (budget.next == null) {
                lane = budget.laneWithTurn(now, draining);
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
                List<SubscriberUpdate> rows = lane.nextBatch();
                resolveSuperseded(lane);
                budget.turnTaken(lane);
                if (rows.isEmpty()) {
                    break;
                }
                budget.next = new Budget.Prepared<>(lane, rows, prepare(lane, rows));
                now = now();
                wait = budget.limiter.millisUntilFree(now);
            }
            if (wait > 0) {
                wakeWhenDue(budget, now + wait);
                break;
            }
            Budget.Prepared<C> batch = budget.next;
            budget.next = null;
            send(budget, batch, budget.limiter.take(now));
        }
    }

    /** Rows the lane's gate refused: a newer version of their subscriber went out first, so theirs need not. */
    private void resolveSuperseded(Lane<C> lane) {
        for (SubscriberUpdate row : lane.buffer.takeSuperseded()) {
            row.sources().forEach(source -> {
                metrics.skipped("superseded");
                resolve(source);
            });
        }
    }

    /** The periodic pump alone would notice a free slot up to a tick late: a timer for the exact moment. */
    private void wakeWhenDue(Budget<C> budget, long dueMillis) {
        if (budget.wakeAtMillis > now() && budget.wakeAtMillis <= dueMillis) {
            return;
        }
        budget.wakeAtMillis = dueMillis;
        vertx.setTimer(Math.max(1, dueMillis - now()), t -> pump());
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
                    settle(budget, batch.lane(), rows, result, ticket);
                    // The answer freed a place in flight: use it now, not at the next tick.
                    pump();
                });
    }

    /** Decides the fate of every row of a finished request. */
    private void settle(Budget<C> budget, Lane<C> lane, List<SubscriberUpdate> answered, DeliveryResult answer, long ticket) {
        long now = now();
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
        if (Lane.isProbe(rows)) {
            probeAnswered(lane, result.outcomes().get(0), now);
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        if (result.splittable() && rows.size() > 1) {
            int half = rows.size() / 2;
            lane.splits.addFirst(new ArrayList<>(rows.subList(half, rows.size())));
            lane.splits.addFirst(new ArrayList<>(rows.subList(0, half)));
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
                    reports.updated(row.tenantId(), now);
                    metrics.delivered(row.sources().size());
                    row.sources().forEach(this::resolve);
                }
                case PERMANENT -> {
                    done.add(row);
                    reports.rejected(row.tenantId(), outcome, now);
                    row.sources().forEach(s -> deadLetter(s, row.tenantId(), outcome.reason(), outcome.detail(), lane.attempt + 1,
                            lane.firstFailureMillis < 0 ? now : lane.firstFailureMillis));
                }
                case SKIPPED -> {
                    done.add(row);
                    reports.rejected(row.tenantId(), outcome, now);
                    row.sources().forEach(s -> {
                        metrics.skipped(outcome.reason());
                        resolve(s);
                    });
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
            retry.forEach(row -> row.sources().forEach(this::resolveParked));
            return;
        }
        if (FailureClassifier.UNEXPECTED_RESPONSE.equals(retryCause.reason())) {
            unexpectedResponse(lane, retryCause);
        }
        if (lane.firstFailureMillis < 0) {
            lane.firstFailureMillis = now;
        }
        lane.attempt++;
        if (config.parks() && now - lane.firstFailureMillis >= config.parkAfter().toMillis()) {
            park(budget, lane, retry, retryCause, now);
            return;
        }
        if (backoff.mayRetry(lane.firstFailureMillis, now)) {
            long delay = backoff.delayMillis(lane.attempt, result.retryAfterMillis());
            lane.nextAttemptMillis = now + delay;
            metrics.retried(retry.size());
            lane.buffer.requeue(retry, now);
            LOG.info("lane {}: {} rows retry in {} ms (attempt {}, {}: {})", lane.id, retry.size(), delay, lane.attempt,
                    retryCause.reason(), abbreviate(retryCause.detail()));
        } else {
            lane.buffer.completed(retry);
            Outcome cause = retryCause;
            retry.forEach(row -> reports.failed(row.tenantId(), "retries_exhausted", cause.reason() + ": " + cause.detail(), now));
            retry.forEach(row -> row.sources().forEach(s -> deadLetter(s, row.tenantId(), "retries_exhausted",
                    cause.reason() + ": " + cause.detail(), lane.attempt, lane.firstFailureMillis)));
            lane.succeeded();
        }
    }

    /**
     * An answer the adapter could not read: counted every time, logged once per lane until it next
     * succeeds, with the status and the start of the body (the outcome's detail holds both).
     */
    private void unexpectedResponse(Lane<C> lane, Outcome cause) {
        metrics.unexpectedResponse();
        if (!lane.unexpectedLogged) {
            lane.unexpectedLogged = true;
            LOG.warn("lane {}: {} answered in a shape this dispatcher cannot read; retrying with backoff: {}", lane.id,
                    adapter.name(), cause.detail());
        }
    }

    // ---- the gate's memory ----

    /**
     * Which lanes' gates remember what they send: those with a resync running beside the live path, the only case
     * where one path may send an older version than the other sent (each reads the partition in order). Each
     * forgets the versions below the lowest one either path may still send: the live path's smallest unresolved
     * offset (or where the consumer stood when it got the partition), the resyncs' positions.
     */
    private void followGates() {
        Map<String, Long> resyncFloors = new java.util.HashMap<>();
        for (Resync resync : resyncs.values()) {
            resyncFloors.merge(resync.job.tenantId(), resync.position(), Math::min);
        }
        int remembered = 0;
        for (Lane<C> lane : lanes.values()) {
            Long resyncFloor = resyncFloors.get(lane.id);
            lane.buffer.rememberSends(resyncFloor != null);
            if (resyncFloor != null && lane.partition >= 0) {
                lane.buffer.forgetSentBelow(Math.min(resyncFloor, liveFloor(lane.partition)));
            }
            remembered += lane.buffer.rememberedSends();
        }
        rememberedSends = remembered;
        applyBackpressure();
    }

    private long liveFloor(int partition) {
        long position = tracker.position(partition);
        return position >= 0 ? position : liveStart.getOrDefault(partition, 0L);
    }

    // ---- parking and resyncs ----

    /**
     * A lane that kept failing past the parking time stops holding its records: everything it has is resolved as
     * parked, so the commit moves on and the buffers free up for the other tenants; the state topic still holds
     * every subscriber's values. From then on one row goes out now and then as a probe, on the lane's budget.
     * {@code fromOffset} is where the partition's commit stood: no record of the tenant below it is unresolved.
     */
    private void park(Budget<C> budget, Lane<C> lane, List<SubscriberUpdate> retry, Outcome cause, long now) {
        int partition = lane.partition >= 0 ? lane.partition
                : retry.stream().flatMap(r -> r.sources().stream()).mapToInt(SourceRecord::partition).findFirst().orElse(0);
        long position = tracker.position(partition);
        DeliveryControl.Parking parking = new DeliveryControl.Parking(partition, Math.max(0, position),
                cause.reason() + ": " + abbreviate(cause.detail()), java.time.Instant.ofEpochMilli(now));
        lane.parked = parking;
        lane.parkReported = false;
        lane.recovered = null;
        lane.probeRow = retry.get(0).withoutSources();
        lane.nextProbeMillis = now + config.probeInterval().toMillis();
        lane.probing = false;
        List.copyOf(resyncs.values()).stream().filter(r -> r.job.tenantId().equals(lane.id))
                .forEach(r -> stopResync(r, "its lane parked"));
        List<SubscriberUpdate> unsent = new ArrayList<>(retry);
        lane.buffer.completed(retry);
        unsent.addAll(lane.buffer.drainAll());
        unsent.addAll(lane.dropSplits());
        if (budget.next != null && budget.next.lane() == lane) {
            lane.buffer.completed(budget.next.rows());
            unsent.addAll(budget.next.rows());
            budget.next = null;
        }
        long seconds = (now - lane.firstFailureMillis) / 1000;
        lane.succeeded();
        unsent.forEach(row -> row.sources().forEach(this::resolveParked));
        reports.failed(lane.id, "parked", parking.reason(), now);
        LOG.warn("lane {}: failing for {} s ({}): parked from offset {} of partition {}; {} rows resolved as parked, a probe every {} ms",
                lane.id, seconds, abbreviate(parking.reason()), parking.fromOffset(), partition, unsent.size(),
                config.probeInterval().toMillis());
        reportParking(lane);
    }

    private void reportParking(Lane<C> lane) {
        DeliveryControl.Parking parking = lane.parked;
        control.parked(lane.id, parking).onSuccess(v -> {
            if (lane.parked == parking) {
                lane.parkReported = true;
            }
        }).onFailure(e -> LOG.warn("lane {}: parking not recorded yet (again in 1 s): {}", lane.id, e.getMessage()));
    }

    /** The vendor answered the probe: unless it was a failure to retry, the lane is back, and its changes are resynced. */
    private void probeAnswered(Lane<C> lane, Outcome outcome, long now) {
        lane.probing = false;
        if (lane.parked == null) {
            return;
        }
        if (outcome.kind() == Outcome.Kind.RETRIABLE) {
            lane.nextProbeMillis = now + config.probeInterval().toMillis();
            LOG.debug("lane {}: probe failed ({}); still parked", lane.id, outcome.reason());
            return;
        }
        LOG.info("lane {}: {} answers again: unparked; the changes since offset {} of partition {} are resynced", lane.id,
                adapter.name(), lane.parked.fromOffset(), lane.parked.partition());
        lane.recovered = lane.parked;
        lane.parked = null;
        lane.probeRow = null;
        lane.succeeded();
        reportRecovery(lane);
    }

    private void reportRecovery(Lane<C> lane) {
        DeliveryControl.Parking parking = lane.recovered;
        control.recovered(lane.id, parking).onSuccess(v -> {
            if (lane.recovered == parking) {
                lane.recovered = null;
            }
        }).onFailure(e -> LOG.warn("lane {}: recovery not recorded yet (again in 1 s): {}", lane.id, e.getMessage()));
    }

    /**
     * Every second: parkings and recoveries the control plane has not acknowledged are told again, resyncs this
     * replica should run start (their tenant's partition is owned here, its destination READY, its lane not
     * parked), those it should no longer run stop, and each running one reports its progress.
     */
    private void followControl() {
        // Parking and resyncs both need the state topic (parks() implies it).
        if (config.input() != InputFormat.STATE) {
            return;
        }
        for (Lane<C> lane : lanes.values()) {
            if (lane.parked != null && !lane.parkReported) {
                reportParking(lane);
            } else if (lane.recovered != null) {
                reportRecovery(lane);
            }
        }
        if (draining) {
            return;
        }
        if (inputPartitions < 0) {
            askPartitions();
            return;
        }
        long now = now();
        Map<Long, DeliveryControl.ResyncJob> wanted = new LinkedHashMap<>();
        control.resyncs().forEach(job -> wanted.put(job.id(), job));
        for (Resync running : List.copyOf(resyncs.values())) {
            if (!running.done() && !wanted.containsKey(running.job.id())) {
                stopResync(running, "it is no longer asked for");
            }
        }
        for (DeliveryControl.ResyncJob job : wanted.values()) {
            if (resyncs.containsKey(job.id()) || resyncRetryAt.getOrDefault(job.id(), 0L) > now) {
                continue;
            }
            int partition = com.subsets.sync.runtime.TenantPartition.of(job.tenantId(), inputPartitions);
            Optional<LaneConfig<C>> destination = directory.lookup(job.tenantId());
            Lane<C> existing = lanes.get(job.tenantId());
            boolean parked = existing != null ? existing.parked != null : control.parking(job.tenantId()).isPresent();
            if (assignments.generation(partition) != Assignments.NOT_OWNED && destination.isPresent() && !parked) {
                startResync(job, partition, destination.get());
            }
        }
        for (Resync running : List.copyOf(resyncs.values())) {
            reportProgress(running);
        }
    }

    private void askPartitions() {
        if (askingPartitions) {
            return;
        }
        askingPartitions = true;
        consumer.partitionsFor(config.topic())
                .onSuccess(infos -> inputPartitions = infos.isEmpty() ? -1 : infos.size())
                .onComplete(r -> askingPartitions = false);
    }

    private void startResync(DeliveryControl.ResyncJob job, int partition, LaneConfig<C> destination) {
        Lane<C> lane = laneOf(job.tenantId(), destination);
        lane.partition = partition;
        Resync resync = new Resync(job, partition, assignments.generation(partition));
        // Enough for every request the budget may have out, one prepared and one filling: fewer starved the lane
        // when answers were slow (4 batches: 83 % of Iterable's 5 requests/s in bench/sync.sh).
        int bound = (destination.maxInFlight() + 2) * config.batchLimits().maxRows();
        resync.reader = new ResyncReader(consumerConfig(), config.topic(), partition, job, bound, context, new ResyncReader.Sink() {
            @Override
            public void counted(long endOffset, long total) {
                resync.counted(endOffset, total);
                LOG.info("resync {} of tenant {}: {} records up to offset {} of partition {}, from offset {}", job.id(),
                        job.tenantId(), total, endOffset, partition, resync.position());
            }

            @Override
            public void records(List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> matching, long readUpTo) {
                if (resyncs.get(job.id()) != resync) {
                    return;
                }
                for (var record : matching) {
                    SourceRecord source = new SourceRecord(record.topic(), record.partition(), record.offset(),
                            record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            record.value() == null ? new byte[0] : record.value(), Map.of(), resync.generation, job.id());
                    resync.taken(record.offset());
                    accept(source, record.value() == null);
                }
                resync.readUpTo(readUpTo);
            }

            @Override
            public void finished() {
                resync.finished = true;
            }

            @Override
            public void failed(String reason) {
                resync.lastError = reason;
                reportProgress(resync);
                stopResync(resync, reason);
                resyncRetryAt.put(job.id(), now() + 5_000);
            }
        });
        resyncs.put(job.id(), resync);
        // From now on this lane has two paths: its gate remembers what goes out before the first resync row does.
        lane.buffer.rememberSends(true);
        resync.reader.start();
        LOG.info("resync {} of tenant {} started on partition {} from offset {}", job.id(), job.tenantId(), partition,
                job.position() != null ? job.position() : job.fromOffset());
    }

    private void stopResync(Resync resync, String why) {
        resync.reader.stop();
        resyncs.remove(resync.job.id());
        LOG.info("resync {} of tenant {} stopped here: {}", resync.job.id(), resync.job.tenantId(), why);
    }

    /** Tells the control plane where a resync stands; once it is done and that is acknowledged, it is forgotten. */
    private Future<Void> reportProgress(Resync resync) {
        if (resync.endOffset < 0 || resync.reporting || !resync.changedSinceReport()) {
            return Future.succeededFuture();
        }
        DeliveryControl.Progress progress = resync.progress();
        resync.reporting = true;
        return control.progress(resync.job, progress)
                .onSuccess(v -> {
                    resync.reported(progress);
                    if (progress.done()) {
                        resyncs.remove(resync.job.id());
                        LOG.info("resync {} of tenant {} done: {} of {} records sent", resync.job.id(), resync.job.tenantId(),
                                progress.sent(), progress.total());
                    }
                })
                .onFailure(e -> LOG.warn("resync {}: progress not recorded yet: {}", resync.job.id(), e.getMessage()))
                .eventually(() -> {
                    resync.reporting = false;
                    return Future.succeededFuture();
                });
    }

    // ---- resolution, dead letters, commits ----

    /** {@code tenantId}: the validated event's tenant, or null when the record is not a valid event. */
    private void deadLetter(SourceRecord source, String tenantId, String reason, String detail, int attempts,
                            long firstFailureMillis) {
        if (!assignments.isCurrent(source)) {
            return;
        }
        LOG.warn("dead-lettering {}/{}@{}: {}: {}", source.topic(), source.partition(), source.offset(), reason, abbreviate(detail));
        writeDeadLetter(new DeadLetter(source, tenantId, reason, detail, attempts, firstFailureMillis), false, 1);
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
    private void writeDeadLetter(DeadLetter letter, boolean truncated, int tries) {
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
                        writeDeadLetter(letter, true, 1);
                        return;
                    }
                    long delay = backoff.delayMillis(tries) + 100;
                    LOG.error("dead-letter write failed for {}/{}@{} (try {}), again in {} ms: {}", source.topic(),
                            source.partition(), source.offset(), tries, delay, e.toString());
                    vertx.setTimer(delay, t -> writeDeadLetter(letter, truncated, tries + 1));
                });
    }

    private void resolve(SourceRecord source) {
        if (!assignments.isCurrent(source)) {
            // The partition was revoked (and maybe assigned again): its offsets are no longer this record's to move.
            return;
        }
        if (!source.live()) {
            Resync resync = resyncs.get(source.resync());
            if (resync != null && resync.resolved(source.offset())) {
                metrics.resynced();
            }
            return;
        }
        tracker.resolved(source.partition(), source.offset());
        applyBackpressure();
    }

    /** A record of a parked lane: resolved without delivery; the resync after the parking sends its subscriber. */
    private void resolveParked(SourceRecord source) {
        if (source.live()) {
            metrics.parked();
            resolve(source);
        }
    }

    private Future<Void> commit() {
        Map<Integer, Long> offsets = tracker.toCommit();
        if (offsets.isEmpty() || committing) {
            return Future.succeededFuture();
        }
        committing = true;
        Map<TopicPartition, OffsetAndMetadata> commits = offsets.entrySet().stream().collect(Collectors.toMap(
                e -> new TopicPartition(config.topic(), e.getKey()), e -> new OffsetAndMetadata(e.getValue(), "")));
        return consumer.commit(commits)
                .onSuccess(v -> offsets.forEach(tracker::committed))
                .onFailure(e -> LOG.warn("commit failed (will retry): {}", e.toString()))
                .<Void>mapEmpty()
                .eventually(() -> {
                    committing = false;
                    return Future.succeededFuture();
                });
    }

    // ---- backpressure and rebalances ----

    private void applyBackpressure() {
        int records = tracker.unresolved() + intake.size();
        long bytes = tracker.unresolvedBytes() + intakeBytes;
        // The gate's memory grows with the live path's sends while a resync runs behind it; pausing the live path
        // lets the resyncs move past what is remembered, which frees it.
        boolean full = records >= config.maxBufferedRecords() || bytes >= config.maxBufferedBytes()
                || rememberedSends >= config.maxRememberedSends();
        boolean drained = records <= config.maxBufferedRecords() / 2 && bytes <= config.maxBufferedBytes() / 2
                && rememberedSends <= config.maxRememberedSends() / 2;
        if (!paused && full) {
            paused = true;
            consumer.pause(assigned);
            LOG.info("buffers full ({} records, {} bytes): partitions paused", records, bytes);
        } else if (paused && drained && !draining) {
            paused = false;
            consumer.resume(assigned);
            LOG.info("buffers drained: partitions resumed");
        }
    }

    private void onAssigned(Set<TopicPartition> partitions) {
        assigned.addAll(partitions);
        for (TopicPartition partition : partitions) {
            liveStart.remove(partition.getPartition());
            consumer.position(partition).onSuccess(position -> liveStart.put(partition.getPartition(), position));
        }
        assignments.assigned(partitions.stream().map(TopicPartition::getPartition).toList());
        if (paused) {
            consumer.pause(partitions);
        }
        LOG.info("assigned {}", partitions);
    }

    private void onRevoked(Set<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        Set<Integer> numbers = partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
        tracker.forget(numbers);
        intake.removeIf(r -> numbers.contains(r.partition()));
        intakeBytes = intake.stream().mapToLong(r -> r.value() == null ? 0 : r.value().length).sum();
        assignments.revoked(numbers);
        List.copyOf(resyncs.values()).stream().filter(r -> numbers.contains(r.partition))
                .forEach(r -> stopResync(r, "its partition was revoked"));
        held.values().forEach(h -> h.records.removeIf(r -> numbers.contains(r.source().partition())));
        held.values().removeIf(h -> h.records.isEmpty());
        lanes.values().forEach(l -> {
            l.buffer.forgetPartitions(numbers);
            l.dropStaleSplits(assignments);
        });
        budgets.values().forEach(b -> {
            if (b.next != null && !b.next.rows().stream().allMatch(assignments::isCurrent)) {
                b.next.lane().buffer.completed(b.next.rows());
                b.next = null;
            }
        });
        LOG.info("revoked {}: their unfinished records go to the new owner", partitions);
    }

    // ---- shutdown ----

    /** Stops taking records, sends what is buffered, waits for requests in flight, commits what is done. */
    @Override
    public Future<?> stop() {
        draining = true;
        consumer.pause(assigned);
        Promise<Void> drained = Promise.promise();
        long deadline = now() + config.shutdownTimeout().toMillis();
        vertx.setPeriodic(50, t -> {
            boolean idle = intake.isEmpty() && budgets.values().stream().allMatch(Budget::idle)
                    && lanes.values().stream().allMatch(Lane::idle);
            if (idle || now() >= deadline) {
                vertx.cancelTimer(t);
                drained.complete();
            }
        });
        return drained.future()
                .compose(v -> Future.join(List.copyOf(resyncs.values()).stream().map(r -> {
                    r.reader.stop();
                    return reportProgress(r);
                }).toList()).<Void>mapEmpty().recover(e -> Future.succeededFuture()))
                .compose(v -> commit())
                .eventually(() -> {
                    vertx.cancelTimer(pumpTimer);
                    vertx.cancelTimer(commitTimer);
                    vertx.cancelTimer(heldTimer);
                    vertx.cancelTimer(reportTimer);
                    consumerMetrics.close();
                    return consumer.close();
                })
                .eventually(deadLetters::close)
                .eventually(() -> reports.close(now()));
    }

    // ---- helpers ----

    private static SourceRecord toSource(KafkaConsumerRecord<String, byte[]> record, int generation) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (KafkaHeader header : record.headers()) {
            headers.put(header.key(), header.value().getBytes());
        }
        return new SourceRecord(record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                record.value() == null ? new byte[0] : record.value(), headers, generation);
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private long now() {
        return System.currentTimeMillis();
    }
}
