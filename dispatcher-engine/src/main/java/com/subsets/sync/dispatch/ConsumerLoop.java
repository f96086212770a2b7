package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.OffsetTracker;
import com.subsets.sync.dispatch.core.SourceRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live path's Kafka edge: records in (whole polls, taken a few milliseconds at a time), backpressure (partitions
 * paused while what is unresolved, or what the gates remember, is above its bound, resumed below half), rebalances
 * (a revoked partition's records are forgotten, never committed past), and commits (on a timer, only up to what is
 * resolved).
 */
final class ConsumerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    /** How long taking records may hold the event loop before it yields to I/O and timers. */
    private static final long TAKE_TURN_NANOS = 5_000_000;
    /**
     * How long a poll waits when nothing is fetched. The consumer's pause and resume queue behind the
     * poll on its one worker thread, and with every partition paused a poll always waits this long:
     * Vert.x's default (1 s) left the buffers empty for up to a second after each resume.
     */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /**
     * The poll's wait once nothing has arrived for {@link #QUIET_NANOS} and nothing is paused: a quiet replica polls
     * once a second instead of ten times (bench/tenants.sh, idle case). A record arriving ends a poll at once whatever
     * its timeout, and the first batch brings the short wait back.
     */
    private static final Duration QUIET_POLL_TIMEOUT = Duration.ofSeconds(1);
    private static final long QUIET_NANOS = 5_000_000_000L;

    private final Vertx vertx;
    private long lastRecordsNanos = System.nanoTime();
    private boolean quietPolls;
    private final EngineConfig config;
    private final KafkaConsumer<String, byte[]> consumer;
    private final OffsetTracker tracker;
    private final Assignments assignments;
    private final DispatcherMetrics metrics;
    /** Where a taken record goes: (record, tombstone). */
    private final BiConsumer<SourceRecord, Boolean> accept;
    /** Subscribers the lanes' gates remember (bounded like the buffers). */
    private final IntSupplier rememberedSends;
    /** The resyncs' rows: they share the bounds with the live path's. */
    private final ResyncRows resyncRows;
    /** Told of revoked partitions, after this loop forgot them. */
    private final Consumer<Set<Integer>> revoked;
    private final Set<TopicPartition> assigned = new HashSet<>();
    /** Where the consumer stood on each partition when it was assigned: the live path's floor until it takes a record. */
    private final Map<Integer, Long> liveStart = new HashMap<>();
    /** Polled records not yet taken: they count against the buffer bounds like taken ones. */
    private final ArrayDeque<KafkaConsumerRecord<String, byte[]>> intake = new ArrayDeque<>();
    private long intakeBytes;
    private boolean intakeScheduled;
    private boolean paused;
    private boolean draining;
    private boolean committing;

    ConsumerLoop(Vertx vertx, EngineConfig config, KafkaConsumer<String, byte[]> consumer, OffsetTracker tracker,
                 Assignments assignments, DispatcherMetrics metrics, BiConsumer<SourceRecord, Boolean> accept,
                 IntSupplier rememberedSends, ResyncRows resyncRows, Consumer<Set<Integer>> revoked) {
        this.vertx = vertx;
        this.config = config;
        this.consumer = consumer;
        this.tracker = tracker;
        this.assignments = assignments;
        this.metrics = metrics;
        this.accept = accept;
        this.rememberedSends = rememberedSends;
        this.resyncRows = resyncRows;
        this.revoked = revoked;
        consumer.pollTimeout(POLL_TIMEOUT);
        // Whole polls, not records: the record handler hands records over ten per event-loop task, each on
        // a context of its own, and polls again only when they are all taken; that capped intake near
        // 25,000 records/s with the machine mostly idle (bench/iterable.sh, no rate limit).
        consumer.batchHandler(records -> {
            lastRecordsNanos = System.nanoTime();
            if (quietPolls) {
                quietPolls = false;
                consumer.pollTimeout(POLL_TIMEOUT);
            }
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
    }

    Future<Void> subscribe() {
        return consumer.subscribe(config.topic());
    }

    /** The input topic's partition count. */
    Future<Integer> partitionCount() {
        return consumer.partitionsFor(config.topic()).map(infos -> infos.isEmpty() ? -1 : infos.size());
    }

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
        accept.accept(source, record.value() == null);
    }

    /** The lowest offset of the partition the live path may still send: its smallest unresolved, or where it started. */
    long liveFloor(int partition) {
        long position = tracker.position(partition);
        return position >= 0 ? position : liveStart.getOrDefault(partition, 0L);
    }

    int queued() {
        return intake.size();
    }

    long queuedBytes() {
        return intakeBytes;
    }

    boolean paused() {
        return paused;
    }

    /** Called every second: a consumer that has had nothing for a while, and pauses nothing, polls less often. */
    void followQuiet() {
        if (!quietPolls && !paused && !draining && System.nanoTime() - lastRecordsNanos > QUIET_NANOS) {
            quietPolls = true;
            consumer.pollTimeout(QUIET_POLL_TIMEOUT);
        }
    }

    void applyBackpressure() {
        int records = tracker.unresolved() + intake.size() + resyncRows.records();
        long bytes = tracker.unresolvedBytes() + intakeBytes + resyncRows.bytes();
        int remembered = rememberedSends.getAsInt();
        // The gates' memory grows with the live path's sends while a resync runs behind it; pausing the live path
        // lets the resyncs move past what is remembered, which frees it.
        boolean full = records >= config.maxBufferedRecords() || bytes >= config.maxBufferedBytes()
                || remembered >= config.maxRememberedSends();
        boolean drained = records <= config.maxBufferedRecords() / 2 && bytes <= config.maxBufferedBytes() / 2
                && remembered <= config.maxRememberedSends() / 2;
        if (!paused && full) {
            paused = true;
            consumer.pause(assigned);
            LOG.info("buffers full ({} records, {} bytes, {} subscribers remembered): partitions paused", records, bytes, remembered);
        } else if (paused && drained && !draining) {
            paused = false;
            consumer.resume(assigned);
            LOG.info("buffers drained: partitions resumed");
        }
    }

    private void onAssigned(Set<TopicPartition> partitions) {
        assigned.addAll(partitions);
        assignments.assigned(partitions.stream().map(TopicPartition::getPartition).toList());
        for (TopicPartition partition : partitions) {
            liveStart.remove(partition.getPartition());
            consumer.position(partition).onSuccess(position -> liveStart.put(partition.getPartition(), position));
        }
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
        revoked.accept(numbers);
        LOG.info("revoked {}: their unfinished records go to the new owner", partitions);
    }

    Future<Void> commit() {
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

    /** Shutting down: no more records are taken. */
    void drain() {
        draining = true;
        consumer.pause(assigned);
    }

    Future<Void> close() {
        return consumer.close();
    }

    private static SourceRecord toSource(KafkaConsumerRecord<String, byte[]> record, int generation) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (KafkaHeader header : record.headers()) {
            headers.put(header.key(), header.value().getBytes());
        }
        return new SourceRecord(record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value() == null ? new byte[0] : record.value(), headers, generation);
    }
}
