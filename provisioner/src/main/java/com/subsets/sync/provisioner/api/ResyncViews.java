package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.store.ResyncStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A resync as an operator reads it (progress and ETA) and as a dispatcher runs it (offsets and how many it names). */
final class ResyncViews {

    private ResyncViews() {
    }

    static JsonObject operator(ResyncStore.Resync r, Instant now) {
        JsonObject view = new JsonObject()
                .put("id", r.id())
                .put("reason", r.reason())
                .put("detail", r.detail())
                .put("status", r.status())
                .put("requestedAt", time(r.requestedAt()))
                .put("startedAt", time(r.startedAt()))
                .put("finishedAt", time(r.finishedAt()))
                .put("sent", r.sent())
                .put("total", r.total())
                .put("eta", eta(r, now))
                .put("lastError", r.lastError())
                .put("lastErrorAt", time(r.lastErrorAt()))
                .put("queuePosition", r.queuePosition());
        if (r.subscriberCount() != null) {
            view.put("subscribers", r.subscriberCount());
        }
        return view;
    }

    /**
     * When the rest should be read at the pace so far, while it runs: by offsets of the tenant's state-topic partition
     * (how far it read from its start, how far it has to go), as its total is an upper bound until it is done. A resumed
     * resync's pace counts from its first start, so after a long pause it is an overestimate that corrects itself.
     */
    private static String eta(ResyncStore.Resync r, Instant now) {
        if (!"RUNNING".equals(r.status()) || r.endOffset() == null || r.position() == null || r.startedAt() == null
                || r.position() <= r.fromOffset()) {
            return null;
        }
        long elapsed = Duration.between(r.startedAt().toInstant(), now).toMillis();
        long left = Math.max(0, r.endOffset() - r.position());
        return now.plusMillis((long) ((double) elapsed / (r.position() - r.fromOffset()) * left)).toString();
    }

    /**
     * A resync as a run of the history: what kind of run (a {@code backfill} of a first READY or a moved target, a
     * {@code resync} asked for or after a parking, a {@code replay}, a {@code test} delivery), its start, end, counts
     * and outcome: {@code pending}, {@code running}, {@code succeeded}, or {@code finished_with_errors} when the
     * dispatcher reported an error on the way (its text in {@code lastError}).
     */
    static JsonObject run(ResyncStore.Resync r, Instant now) {
        String run = switch (r.reason()) {
            case "ready", "target" -> "backfill";
            case "replay" -> "replay";
            case "test" -> "test";
            default -> "resync";
        };
        String outcome = switch (r.status()) {
            case "DONE" -> r.lastError() == null ? "succeeded" : "finished_with_errors";
            case "RUNNING" -> "running";
            default -> "pending";
        };
        return operator(r, now).put("run", run).put("outcome", outcome);
    }

    static JsonObject dispatcher(ResyncStore.Resync r) {
        JsonObject job = new JsonObject()
                .put("id", r.id())
                .put("tenantId", r.tenantId())
                .put("fromOffset", r.fromOffset())
                .put("position", r.position())
                .put("endOffset", r.endOffset())
                .put("total", r.total())
                .put("sent", r.sent());
        // How many it names, never which: the replica that runs it pages them (GET .../resyncs/{id}/subscribers).
        job.put("subscriberCount", r.subscriberCount());
        return job;
    }

    private static String time(OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }
}
