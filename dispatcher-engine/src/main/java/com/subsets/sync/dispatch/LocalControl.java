package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parkings and resyncs kept in this process, for dispatchers with static destinations (no provisioner): a
 * parked lane that recovers resyncs its changes since parking here; nothing survives a restart, where the
 * records a parked lane resolved stay unsent (the provisioner's {@link ProvisionerDirectory} keeps both).
 */
final class LocalControl implements DeliveryControl {

    private final Map<String, Parking> parked = new HashMap<>();
    private final Map<String, ResyncJob> resyncs = new LinkedHashMap<>();
    private long lastId;

    @Override
    public synchronized List<ResyncJob> resyncs() {
        return new ArrayList<>(resyncs.values());
    }

    @Override
    public synchronized Optional<Parking> parking(String tenantId) {
        return Optional.ofNullable(parked.get(tenantId));
    }

    @Override
    public synchronized Future<Void> parked(String tenantId, Parking parking) {
        parked.putIfAbsent(tenantId, parking);
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> recovered(String tenantId, Parking parking) {
        if (parked.remove(tenantId) != null) {
            ResyncJob running = resyncs.get(tenantId);
            // A resync under way when the lane parked starts over from the earlier of the two points.
            long from = running == null ? parking.fromOffset() : Math.min(parking.fromOffset(), running.fromOffset());
            resyncs.put(tenantId, new ResyncJob(++lastId, tenantId, from, null, null, null, 0, null));
        }
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> progress(ResyncJob job, Progress progress) {
        ResyncJob current = resyncs.get(job.tenantId());
        if (current != null && current.id() == job.id()) {
            if (progress.done()) {
                resyncs.remove(job.tenantId());
            } else {
                resyncs.put(job.tenantId(), new ResyncJob(job.id(), job.tenantId(), job.fromOffset(), progress.position(),
                        progress.endOffset(), progress.total(), progress.sent(), job.subscribers()));
            }
        }
        return Future.succeededFuture();
    }
}
