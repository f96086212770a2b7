package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.ErasedIdentities;
import com.subsets.sync.dispatch.core.ResyncQueue;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.runtime.TenantPartition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resyncs (backfills, recovery resyncs, replays) this replica runs: those the control plane asks for whose
 * tenant's partition is owned here, whose destination is READY and whose lane is not parked. One scheduler
 * ({@link ResyncQueue}) bounds how many run and how many partitions are read at once, oldest first, and tells the
 * control plane where the others stand in the queue; one {@link PartitionReader} per partition serves all of that
 * partition's. Their records go to the same routing, lanes and gate as the live path's; each reports where it stands
 * until its "done" is acknowledged.
 */
final class Resyncs<C> {

    private static final Logger LOG = LoggerFactory.getLogger(Resyncs.class);
    /** How long a resync that failed waits before it starts again. */
    private static final long RETRY_AFTER_MS = 5_000;

    private final EngineConfig config;
    private final DestinationDirectory<C> directory;
    private final DeliveryControl control;
    private final Lanes<C> lanes;
    private final Assignments assignments;
    private final DispatcherMetrics metrics;
    /** The routing of a record a resync read. */
    private final Accept accept;
    /** The input topic's partition count, once asked. */
    private final Supplier<Future<Integer>> partitionCount;
    private final ResyncQueue queue;
    private final ResyncRows rows;
    /** Where a record a resync read goes: routed like the live path's, but never an erased subscriber's older state. */
    interface Accept {
        void accept(SourceRecord source, boolean tombstone, ErasedIdentities erased);
    }

    /** Resyncs running on this replica, by id. */
    private final Map<Long, Resync> running = new LinkedHashMap<>();
    /** The partitions read now, each by one reader. */
    private final ResyncReaders readers;
    /** When a resync that failed may start again, by id. */
    private final Map<Long, Long> retryAt = new HashMap<>();
    private final ResyncReports reports;
    private final ReplayKeys replayKeys;
    private int queued;
    /** Partitions of the input topic (-1 until known): where a tenant's records are. */
    private int inputPartitions = -1;
    private boolean askingPartitions;

    Resyncs(EngineConfig config, Map<String, String> readerConsumerConfig, Context context, DestinationDirectory<C> directory,
            Lanes<C> lanes, Assignments assignments, DispatcherMetrics metrics, Accept accept,
            Supplier<Future<Integer>> partitionCount, ResyncRows rows) {
        this.config = config;
        this.directory = directory;
        this.control = directory.control();
        this.lanes = lanes;
        this.assignments = assignments;
        this.metrics = metrics;
        this.accept = accept;
        this.partitionCount = partitionCount;
        this.queue = new ResyncQueue(config.resyncMaxRunning(), config.resyncMaxReaders());
        this.rows = rows;
        this.reports = new ResyncReports(control);
        this.replayKeys = new ReplayKeys(control);
        this.readers = new ResyncReaders(config, readerConsumerConfig, rows, context);
    }

    /** Every second: resyncs no longer asked for stop, waiting ones start as the queue allows, all report. */
    void follow() {
        if (inputPartitions < 0) {
            askPartitions();
            return;
        }
        Map<Long, DeliveryControl.ResyncJob> wanted = new HashMap<>();
        control.resyncs().forEach(job -> wanted.put(job.id(), job));
        replayKeys.retain(wanted.keySet());
        for (Resync resync : List.copyOf(running.values())) {
            if (!resync.done() && !wanted.containsKey(resync.job.id())) {
                stop(resync, "it is no longer asked for");
            }
        }
        List<ResyncQueue.Waiting> waiting = waiting(wanted.values());
        ResyncQueue.Plan plan = queue.plan(waiting, running.size(), readers.states());
        plan.stop().forEach(readers::finish);
        plan.start().forEach((partition, ids) -> {
            List<DeliveryControl.ResyncJob> jobs = ids.stream().map(wanted::get).toList();
            // A replay's keys first (once): the partition's pass waits for them, a second or so.
            if (replayKeys.read(jobs, job -> retryAt.put(job.id(), System.currentTimeMillis() + RETRY_AFTER_MS))) {
                startPass(partition, jobs);
            }
        });
        queued = plan.positions().size();
        reports.places(plan.positions(), wanted);
        for (Resync resync : List.copyOf(running.values())) {
            reportProgress(resync);
        }
    }

    /** The resyncs that may start here now, oldest first. */
    private List<ResyncQueue.Waiting> waiting(Collection<DeliveryControl.ResyncJob> wanted) {
        long now = System.currentTimeMillis();
        List<ResyncQueue.Waiting> waiting = new ArrayList<>();
        for (DeliveryControl.ResyncJob job : wanted) {
            if (running.containsKey(job.id()) || reports.ended(job.id()) || retryAt.getOrDefault(job.id(), 0L) > now) {
                continue;
            }
            int partition = TenantPartition.of(job.tenantId(), inputPartitions);
            Lane<C> existing = lanes.get(job.tenantId());
            boolean parked = existing != null ? existing.parked != null : control.parking(job.tenantId()).isPresent();
            if (assignments.generation(partition) != Assignments.NOT_OWNED && directory.lookup(job.tenantId()).isPresent() && !parked) {
                waiting.add(new ResyncQueue.Waiting(job.id(), partition));
            }
        }
        waiting.sort(Comparator.comparingLong(ResyncQueue.Waiting::id));
        return waiting;
    }

    private void askPartitions() {
        if (askingPartitions) {
            return;
        }
        askingPartitions = true;
        partitionCount.get().onSuccess(count -> inputPartitions = count).onComplete(r -> askingPartitions = false);
    }

    private void startPass(int partition, List<DeliveryControl.ResyncJob> jobs) {
        List<PartitionReader.Member> members = new ArrayList<>();
        for (DeliveryControl.ResyncJob job : jobs) {
            LaneConfig<C> destination = directory.lookup(job.tenantId()).orElseThrow();
            Lane<C> lane = lanes.laneOf(job.tenantId(), destination);
            lane.partition = partition;
            // Enough for every request the budget may have out, one prepared and one filling: fewer starved the lane
            // when answers were slow (4 batches: 83 % of Iterable's 5 requests/s in bench/sync.sh).
            int bound = (destination.maxInFlight() + 2) * config.batchLimits().maxRows();
            Resync resync = new Resync(job, partition, assignments.generation(partition), bound, rows, replayKeys.take(job));
            running.put(job.id(), resync);
            // From now on this lane has two paths: its gate remembers what goes out before the first resync row does.
            lane.buffer.rememberSends(true);
            members.add(resync.member);
            LOG.info("resync {} of tenant {} started on partition {} from offset {}", job.id(), job.tenantId(), partition,
                    resync.member.start());
        }
        readers.pass(partition, members, PassSink::new);
    }

    /** The resync the member stands for, while it runs. */
    private Resync runningOf(PartitionReader.Member member) {
        Resync resync = running.get(member.id());
        return resync != null && resync.member == member ? resync : null;
    }

    /** What one partition's reader tells: it acts only while that reader is still the partition's. */
    private final class PassSink implements PartitionReader.Sink {
        private final int partition;
        private final ResyncReaders.Slot slot;

        PassSink(int partition, ResyncReaders.Slot slot) {
            this.partition = partition;
            this.slot = slot;
        }

        @Override
        public void passStarted(List<PartitionReader.Member> members, long end, ErasedIdentities erased) {
            if (readers.current(slot)) {
                slot.erased = erased;
            }
            for (PartitionReader.Member member : members) {
                Resync resync = runningOf(member);
                if (resync != null) {
                    resync.counted(end);
                    LOG.info("resync {} of tenant {}: partition {} read from offset {} to {}, {} records at most",
                            member.id(), member.tenantId(), partition, member.start(), resync.endOffset, resync.progress().total());
                }
            }
        }

        @Override
        public void records(List<PartitionReader.Matched> matched, long readUpTo) {
            for (PartitionReader.Matched m : matched) {
                Resync resync = runningOf(m.member());
                int size = (int) PartitionReader.sizeOf(m.record());
                if (resync == null || !readers.current(slot)) {
                    // Stopped meanwhile: the rows it was counted for never reach a lane.
                    rows.released(1, size);
                    continue;
                }
                var record = m.record();
                SourceRecord source = new SourceRecord(record.topic(), record.partition(), record.offset(),
                        record.key().getBytes(StandardCharsets.UTF_8), record.value() == null ? new byte[0] : record.value(),
                        PartitionReader.headersOf(record), resync.generation, resync.job.id());
                resync.taken(record.offset(), size);
                accept.accept(source, record.value() == null, slot.erased);
            }
            for (PartitionReader.Member member : slot.pass) {
                Resync resync = runningOf(member);
                if (resync != null) {
                    resync.readUpTo(readUpTo);
                }
            }
        }

        @Override
        public void passEnded(List<PartitionReader.Member> members) {
            for (PartitionReader.Member member : members) {
                Resync resync = runningOf(member);
                if (resync != null) {
                    resync.readUpTo(resync.endOffset);
                    resync.finished = true;
                }
            }
            readers.passEnded(slot);
        }

        @Override
        public void failed(List<PartitionReader.Member> members, String reason) {
            readers.failed(slot);
            for (PartitionReader.Member member : members) {
                Resync resync = runningOf(member);
                if (resync != null) {
                    resync.lastError = reason;
                    reportProgress(resync);
                    stop(resync, reason);
                    retryAt.put(member.id(), System.currentTimeMillis() + RETRY_AFTER_MS);
                }
            }
        }
    }

    private void stop(Resync resync, String why) {
        running.remove(resync.job.id());
        resync.release();
        readers.drop(resync.partition, resync.job.id());
        LOG.info("resync {} of tenant {} stopped here: {}", resync.job.id(), resync.job.tenantId(), why);
    }

    /** The tenant's lane parked: its resyncs stop (the recovery resync covers them). */
    void stopFor(String tenantId) {
        List.copyOf(running.values()).stream().filter(r -> r.job.tenantId().equals(tenantId)).forEach(r -> stop(r, "its lane parked"));
    }

    /** The partitions were revoked: their readers stop, their resyncs continue on the new owner. */
    void stopFor(Collection<Integer> revoked) {
        List.copyOf(running.values()).stream().filter(r -> revoked.contains(r.partition))
                .forEach(r -> stop(r, "its partition was revoked"));
        readers.stop(revoked);
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

    int queued() {
        return queued;
    }

    int readers() {
        return readers.size();
    }

    int bufferedRecords() {
        return rows.records();
    }

    /** Shutting down: every reader stops, and each resync says where it stands. */
    Future<Void> stopAll() {
        readers.stopAll();
        return Future.join(List.copyOf(running.values()).stream().map(this::reportProgress).toList())
                .<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    private Future<Void> reportProgress(Resync resync) {
        return reports.progress(resync, r -> running.remove(r.job.id()), this::stop);
    }
}
