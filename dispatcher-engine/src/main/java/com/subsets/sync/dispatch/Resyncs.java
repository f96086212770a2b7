package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.runtime.TenantPartition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resyncs (backfills, recovery resyncs, replays) this replica runs: those the control plane asks for whose
 * tenant's partition is owned here, whose destination is READY and whose lane is not parked. Each reads the state
 * topic on its own {@link ResyncReader} and hands its records to the same routing, lanes and gate as the live
 * path's; it reports where it stands until its "done" is acknowledged.
 */
final class Resyncs<C> {

    private static final Logger LOG = LoggerFactory.getLogger(Resyncs.class);
    /** How long a resync that failed waits before it starts again. */
    private static final long RETRY_AFTER_MS = 5_000;

    private final EngineConfig config;
    private final Map<String, String> readerConsumerConfig;
    private final Context context;
    private final DestinationDirectory<C> directory;
    private final DeliveryControl control;
    private final Lanes<C> lanes;
    private final Assignments assignments;
    private final DispatcherMetrics metrics;
    /** The routing of a record read: (record, tombstone). */
    private final BiConsumer<SourceRecord, Boolean> accept;
    /** The input topic's partition count, once asked. */
    private final Supplier<Future<Integer>> partitionCount;
    /** Resyncs running on this replica, by id. */
    private final Map<Long, Resync> running = new LinkedHashMap<>();
    /** When a resync that failed may start again, by id. */
    private final Map<Long, Long> retryAt = new HashMap<>();
    /** Resyncs that ended here: an older directory answer that still lists one does not start it again. */
    private final com.subsets.sync.dispatch.core.FinishedResyncs finished = new com.subsets.sync.dispatch.core.FinishedResyncs(10_000);
    /** Partitions of the input topic (-1 until known): where a tenant's records are. */
    private int inputPartitions = -1;
    private boolean askingPartitions;

    Resyncs(EngineConfig config, Map<String, String> readerConsumerConfig, Context context, DestinationDirectory<C> directory,
            Lanes<C> lanes, Assignments assignments, DispatcherMetrics metrics, BiConsumer<SourceRecord, Boolean> accept,
            Supplier<Future<Integer>> partitionCount) {
        this.config = config;
        this.readerConsumerConfig = readerConsumerConfig;
        this.context = context;
        this.directory = directory;
        this.control = directory.control();
        this.lanes = lanes;
        this.assignments = assignments;
        this.metrics = metrics;
        this.accept = accept;
        this.partitionCount = partitionCount;
    }

    /** Every second: the resyncs asked for start here where they can, those no longer asked for stop, all report. */
    void follow() {
        if (inputPartitions < 0) {
            askPartitions();
            return;
        }
        long now = System.currentTimeMillis();
        Map<Long, DeliveryControl.ResyncJob> wanted = new LinkedHashMap<>();
        control.resyncs().forEach(job -> wanted.put(job.id(), job));
        for (Resync resync : List.copyOf(running.values())) {
            if (!resync.done() && !wanted.containsKey(resync.job.id())) {
                stop(resync, "it is no longer asked for");
            }
        }
        for (DeliveryControl.ResyncJob job : wanted.values()) {
            if (running.containsKey(job.id()) || finished.has(job.id()) || retryAt.getOrDefault(job.id(), 0L) > now) {
                continue;
            }
            int partition = TenantPartition.of(job.tenantId(), inputPartitions);
            Optional<LaneConfig<C>> destination = directory.lookup(job.tenantId());
            Lane<C> existing = lanes.get(job.tenantId());
            boolean parked = existing != null ? existing.parked != null : control.parking(job.tenantId()).isPresent();
            if (assignments.generation(partition) != Assignments.NOT_OWNED && destination.isPresent() && !parked) {
                start(job, partition, destination.get());
            }
        }
        for (Resync resync : List.copyOf(running.values())) {
            reportProgress(resync);
        }
    }

    private void askPartitions() {
        if (askingPartitions) {
            return;
        }
        askingPartitions = true;
        partitionCount.get().onSuccess(count -> inputPartitions = count).onComplete(r -> askingPartitions = false);
    }

    private void start(DeliveryControl.ResyncJob job, int partition, LaneConfig<C> destination) {
        Lane<C> lane = lanes.laneOf(job.tenantId(), destination);
        lane.partition = partition;
        Resync resync = new Resync(job, partition, assignments.generation(partition));
        // Enough for every request the budget may have out, one prepared and one filling: fewer starved the lane
        // when answers were slow (4 batches: 83 % of Iterable's 5 requests/s in bench/sync.sh).
        int bound = (destination.maxInFlight() + 2) * config.batchLimits().maxRows();
        resync.reader = new ResyncReader(readerConsumerConfig, config.topic(), partition, job, bound, context, new ResyncReader.Sink() {
            @Override
            public void counted(long endOffset, long total) {
                resync.counted(endOffset, total);
                LOG.info("resync {} of tenant {}: {} records up to offset {} of partition {}, from offset {}", job.id(),
                        job.tenantId(), total, endOffset, partition, resync.position());
            }

            @Override
            public void records(List<ConsumerRecord<String, byte[]>> matching, long readUpTo) {
                if (running.get(job.id()) != resync) {
                    return;
                }
                for (ConsumerRecord<String, byte[]> record : matching) {
                    SourceRecord source = new SourceRecord(record.topic(), record.partition(), record.offset(),
                            record.key().getBytes(StandardCharsets.UTF_8), record.value() == null ? new byte[0] : record.value(),
                            Map.of(), resync.generation, job.id());
                    resync.taken(record.offset());
                    accept.accept(source, record.value() == null);
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
                stop(resync, reason);
                retryAt.put(job.id(), System.currentTimeMillis() + RETRY_AFTER_MS);
            }
        });
        running.put(job.id(), resync);
        // From now on this lane has two paths: its gate remembers what goes out before the first resync row does.
        lane.buffer.rememberSends(true);
        resync.reader.start();
        LOG.info("resync {} of tenant {} started on partition {} from offset {}", job.id(), job.tenantId(), partition,
                job.position() != null ? job.position() : job.fromOffset());
    }

    private void stop(Resync resync, String why) {
        resync.reader.stop();
        running.remove(resync.job.id());
        LOG.info("resync {} of tenant {} stopped here: {}", resync.job.id(), resync.job.tenantId(), why);
    }

    /** The tenant's lane parked: its resyncs stop (the recovery resync covers them). */
    void stopFor(String tenantId) {
        List.copyOf(running.values()).stream().filter(r -> r.job.tenantId().equals(tenantId)).forEach(r -> stop(r, "its lane parked"));
    }

    /** The partitions were revoked: their resyncs continue on the new owner. */
    void stopFor(Collection<Integer> revoked) {
        List.copyOf(running.values()).stream().filter(r -> revoked.contains(r.partition))
                .forEach(r -> stop(r, "its partition was revoked"));
    }

    /** A record a resync read is resolved: its checkpoint may move. */
    void resolved(SourceRecord source) {
        Resync resync = running.get(source.resync());
        if (resync != null && resync.resolved(source.offset())) {
            metrics.resynced();
        }
    }

    /** The lowest offset each tenant's running resyncs may still send: the gate keeps nothing below it. */
    Map<String, Long> floors() {
        Map<String, Long> floors = new HashMap<>();
        running.values().forEach(r -> floors.merge(r.job.tenantId(), r.position(), Math::min));
        return floors;
    }

    int count() {
        return running.size();
    }

    /** Shutting down: every reader stops, and each resync says where it stands. */
    Future<Void> stopAll() {
        return Future.join(List.copyOf(running.values()).stream().map(r -> {
            r.reader.stop();
            return reportProgress(r);
        }).toList()).<Void>mapEmpty().recover(e -> Future.succeededFuture());
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
                        running.remove(resync.job.id());
                        finished.end(resync.job.id());
                        LOG.info("resync {} of tenant {} done: {} of {} records sent", resync.job.id(), resync.job.tenantId(),
                                progress.sent(), progress.total());
                    }
                })
                .onFailure(e -> {
                    if (e instanceof DeliveryControl.ResyncGone) {
                        finished.end(resync.job.id());
                        stop(resync, "the control plane no longer knows it");
                    } else {
                        LOG.warn("resync {}: progress not recorded yet: {}", resync.job.id(), e.getMessage());
                    }
                })
                .eventually(() -> {
                    resync.reporting = false;
                    return Future.succeededFuture();
                });
    }
}
