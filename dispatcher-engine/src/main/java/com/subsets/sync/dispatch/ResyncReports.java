package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.FinishedResyncs;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the resyncs of this replica tell the control plane: where each running one stands until its "done" is
 * acknowledged, and each waiting one's place in the queue when it changed. It remembers which ended here, so an
 * older directory answer that still lists one does not start it again.
 */
final class ResyncReports {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncReports.class);
    /** Queue places told a second at most: a thousand queued resyncs catch up within seconds. */
    private static final int MAX_PLACES_TOLD = 50;

    private final DeliveryControl control;
    private final FinishedResyncs finished = new FinishedResyncs(10_000);
    /** The queue place last told, by resync id. */
    private final Map<Long, Integer> toldPlaces = new HashMap<>();

    ResyncReports(DeliveryControl control) {
        this.control = control;
    }

    boolean ended(long id) {
        return finished.has(id);
    }

    /** Tells the places that changed, a bounded number each time; the others are told on later calls. */
    void places(Map<Long, Integer> places, Map<Long, DeliveryControl.ResyncJob> jobs) {
        toldPlaces.keySet().retainAll(places.keySet());
        int told = 0;
        for (Map.Entry<Long, Integer> place : places.entrySet()) {
            if (told >= MAX_PLACES_TOLD) {
                return;
            }
            long id = place.getKey();
            if (!place.getValue().equals(toldPlaces.get(id))) {
                told++;
                toldPlaces.put(id, place.getValue());
                control.queued(jobs.get(id), place.getValue()).onFailure(e -> toldPlaces.remove(id));
            }
        }
    }

    /**
     * Tells where a resync stands if that changed. Once its "done" is acknowledged it is {@code forgotten}; when the
     * control plane no longer knows it, it is {@code stopped} with the reason.
     */
    Future<Void> progress(Resync resync, Consumer<Resync> forgotten, BiConsumer<Resync, String> stopped) {
        if (resync.endOffset < 0 || resync.reporting || !resync.changedSinceReport()) {
            return Future.succeededFuture();
        }
        DeliveryControl.Progress progress = resync.progress();
        resync.reporting = true;
        return control.progress(resync.job, progress)
                .onSuccess(v -> {
                    resync.reported(progress);
                    if (progress.done()) {
                        finished.end(resync.job.id());
                        forgotten.accept(resync);
                        LOG.info("resync {} of tenant {} done: {} records sent", resync.job.id(), resync.job.tenantId(), progress.sent());
                    }
                })
                .onFailure(e -> {
                    if (e instanceof DeliveryControl.ResyncGone) {
                        finished.end(resync.job.id());
                        stopped.accept(resync, "the control plane no longer knows it");
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
