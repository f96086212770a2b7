package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.DeadLetterScan;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ReplayPlan;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.ResyncStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resyncs, replays and parkings. Operators ask for a resync (every subscriber of the tenant, from the state
 * topic, to one destination) or a replay (the subscribers on the destination's dead-letter topic since a time,
 * with their current state); dispatchers record a parked lane and its recovery, and report a resync's
 * progress. Mounted after {@link DestinationsApi}, whose handlers authorize both paths.
 */
public final class ResyncApi {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncApi.class);
    private static final String DESTINATION = "/v1/tenants/:tenantId/destinations/:kind";
    /** How far back a replay looks when it is not told: Kafka's default retention (retention.ms, 7 days). */
    private static final java.time.Duration DEFAULT_REPLAY_WINDOW = java.time.Duration.ofDays(7);
    private static final int MAX_REASON_CHARS = 500;
    private static final int MAX_QUEUE_PLACE = 10_000_000;

    private final DestinationStore destinations;
    private final ResyncStore resyncs;
    private final DeadLetterScan deadLetters;
    private final Map<DestinationKind, String> deadLetterTopics;
    private final int replayMaxSubscribers;

    /** {@code replayMaxSubscribers}: above it a replay is a full resync of the tenant (PROVISIONER_REPLAY_MAX_SUBSCRIBERS). */
    public ResyncApi(DestinationStore destinations, ResyncStore resyncs, DeadLetterScan deadLetters,
                     Map<DestinationKind, String> deadLetterTopics, int replayMaxSubscribers) {
        this.destinations = destinations;
        this.resyncs = resyncs;
        this.deadLetters = deadLetters;
        this.deadLetterTopics = deadLetterTopics;
        this.replayMaxSubscribers = replayMaxSubscribers;
    }

    public void mount(Router router) {
        router.post(DESTINATION + "/resync").handler(ctx -> DestinationsApi.respond(ctx, this::resync));
        router.post(DESTINATION + "/replay").handler(ctx -> DestinationsApi.respond(ctx, this::replay));
        router.put("/v1/dispatch/:kind/parkings/:tenantId").handler(ctx -> DestinationsApi.respond(ctx, this::parked));
        router.delete("/v1/dispatch/:kind/parkings/:tenantId").handler(ctx -> DestinationsApi.respond(ctx, this::recovered));
        router.post("/v1/dispatch/:kind/resyncs/:id").handler(ctx -> DestinationsApi.respond(ctx, this::progress));
        new ResyncSubscribersApi(resyncs.subscribers()).mount(router);
    }

    // ---- operators ----

    private Future<DestinationsApi.Reply> resync(RoutingContext ctx) {
        String tenantId = DestinationsApi.tenantId(ctx);
        DestinationKind kind = DestinationsApi.kind(ctx);
        return requireRegistered(tenantId, kind)
                .compose(v -> resyncs.request(tenantId, kind, "requested", "requested by an operator", null))
                .compose(created -> created.isPresent() ? Future.succeededFuture(accepted(tenantId, kind, created.get(), null))
                        : busy(tenantId, kind));
    }

    /**
     * {@code ?since=} an RFC 3339 time (default 7 days ago) and {@code ?reason=} free text for the history. More
     * subscribers than the cap make it a full resync of the tenant, and the answer says so ({@code fullResync}).
     */
    private Future<DestinationsApi.Reply> replay(RoutingContext ctx) {
        String tenantId = DestinationsApi.tenantId(ctx);
        DestinationKind kind = DestinationsApi.kind(ctx);
        Instant since = since(ctx.queryParams().get("since"));
        String reason = ctx.queryParams().get("reason");
        if (reason != null && (reason.length() > MAX_REASON_CHARS || reason.chars().anyMatch(Character::isISOControl))) {
            throw new ApiException(400, "invalid_reason", "reason must be at most " + MAX_REASON_CHARS
                    + " characters without control characters");
        }
        String detail = "replay of dead letters since " + since + (reason == null || reason.isBlank() ? "" : ": " + reason);
        return requireRegistered(tenantId, kind)
                .compose(v -> deadLetters.subscribers(deadLetterTopics.get(kind), tenantId, since,
                        ReplayPlan.scanLimit(replayMaxSubscribers)))
                .recover(e -> Future.failedFuture(e instanceof ApiException ? e : new ApiException(503, "dead_letters_unavailable",
                        "the dead-letter topic " + deadLetterTopics.get(kind) + " could not be read; try again")))
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.succeededFuture(new DestinationsApi.Reply(200, new JsonObject().put("tenantId", tenantId)
                                .put("destination", kind.wireName()).put("since", since.toString()).put("found", 0)));
                    }
                    ReplayPlan plan = ReplayPlan.of(found, replayMaxSubscribers, detail);
                    return resyncs.request(tenantId, kind, "replay", plan.detail(), plan.subscribers()).compose(created -> {
                        if (created.isEmpty()) {
                            return busy(tenantId, kind);
                        }
                        if (plan.fullResync()) {
                            LOG.info("tenant {} {}: more than {} subscribers dead-lettered since {}: the replay is a full resync",
                                    tenantId, kind.wireName(), replayMaxSubscribers, since);
                        } else {
                            LOG.info("tenant {} {}: replay of {} subscribers dead-lettered since {}", tenantId, kind.wireName(),
                                    plan.found(), since);
                        }
                        DestinationsApi.Reply reply = accepted(tenantId, kind, created.get(), since);
                        reply.body().put("found", plan.found()).put("fullResync", plan.fullResync())
                                .put("maxSubscribers", replayMaxSubscribers);
                        return Future.succeededFuture(reply);
                    });
                });
    }

    private DestinationsApi.Reply accepted(String tenantId, DestinationKind kind, ResyncStore.Resync resync, Instant since) {
        JsonObject body = new JsonObject().put("tenantId", tenantId).put("destination", kind.wireName())
                .put("resync", ResyncViews.operator(resync, Instant.now()));
        if (since != null) {
            body.put("since", since.toString());
        }
        return new DestinationsApi.Reply(202, body);
    }

    private Future<DestinationsApi.Reply> busy(String tenantId, DestinationKind kind) {
        return resyncs.latest(tenantId, kind).compose(running -> Future.failedFuture(new ApiException(409, "resync_in_progress",
                "tenant " + tenantId + " has a " + kind.wireName() + " resync not finished yet (id "
                        + running.map(r -> String.valueOf(r.id())).orElse("?") + "); one runs at a time: see GET .../status")));
    }

    private Future<Void> requireRegistered(String tenantId, DestinationKind kind) {
        return destinations.find(tenantId, kind).compose(found -> found.isPresent() ? Future.succeededFuture()
                : Future.failedFuture(DestinationsApi.notRegistered(tenantId, kind)));
    }

    private static Instant since(String value) {
        if (value == null) {
            return Instant.now().minus(DEFAULT_REPLAY_WINDOW);
        }
        Instant since;
        try {
            since = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_since", "since must be an RFC 3339 time with an offset, e.g. 2026-12-01T00:00:00Z");
        }
        // Kafka looks offsets up by epoch milliseconds: nothing before 1970 exists, and far years do not fit in them.
        if (since.isBefore(Instant.EPOCH) || since.isAfter(Instant.now().plus(java.time.Duration.ofDays(1)))) {
            throw new ApiException(400, "invalid_since", "since must be between 1970-01-01T00:00:00Z and now");
        }
        return since;
    }

    // ---- dispatchers ----

    private Future<DestinationsApi.Reply> parked(RoutingContext ctx) {
        DestinationKind kind = DestinationsApi.kind(ctx);
        String tenantId = DestinationsApi.tenantId(ctx);
        JsonObject body = DestinationsApi.jsonObject(ctx);
        Integer partition = body.getValue("partition") instanceof Integer p ? p : null;
        Long fromOffset = body.getValue("fromOffset") instanceof Number n ? n.longValue() : null;
        String reason = body.getValue("reason") instanceof String r ? r : null;
        OffsetDateTime parkedAt;
        try {
            parkedAt = OffsetDateTime.parse(body.getString("parkedAt"));
        } catch (RuntimeException e) {
            parkedAt = null;
        }
        if (partition == null || partition < 0 || fromOffset == null || fromOffset < 0 || reason == null || parkedAt == null) {
            throw new ApiException(400, "invalid_parking", "a parking needs partition and fromOffset (non-negative integers), "
                    + "reason (text) and parkedAt (RFC 3339)");
        }
        String text = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
        OffsetDateTime at = parkedAt.withOffsetSameInstant(ZoneOffset.UTC);
        return resyncs.park(tenantId, kind, partition, fromOffset, text, at).map(known -> {
            if (!known) {
                throw DestinationsApi.notRegistered(tenantId, kind);
            }
            LOG.warn("tenant {} {} destination DEGRADED: its dispatcher lane parked: {}", tenantId, kind.wireName(), text);
            return new DestinationsApi.Reply(204, null);
        });
    }

    private Future<DestinationsApi.Reply> recovered(RoutingContext ctx) {
        DestinationKind kind = DestinationsApi.kind(ctx);
        String tenantId = DestinationsApi.tenantId(ctx);
        Long fromOffset = offsetParam(ctx, "fromOffset");
        return resyncs.recover(tenantId, kind, fromOffset).map(known -> {
            if (!known) {
                throw DestinationsApi.notRegistered(tenantId, kind);
            }
            LOG.info("tenant {} {} destination answers again; its changes since parking are resynced", tenantId, kind.wireName());
            return new DestinationsApi.Reply(204, null);
        });
    }

    /** A non-negative offset from the query, or null when absent; 400 naming it otherwise. */
    private static Long offsetParam(RoutingContext ctx, String name) {
        String text = ctx.queryParams().get(name);
        if (text == null) {
            return null;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(400, "invalid_" + name, name + " must be a non-negative integer");
    }

    private Future<DestinationsApi.Reply> progress(RoutingContext ctx) {
        DestinationKind kind = DestinationsApi.kind(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiException(404, "unknown_resync", "no resync " + ctx.pathParam("id"));
        }
        JsonObject body = DestinationsApi.jsonObject(ctx);
        if (body.containsKey("queued")) {
            return queued(kind, id, body.getValue("queued"));
        }
        long[] numbers = new long[4];
        String[] names = {"position", "endOffset", "total", "sent"};
        for (int i = 0; i < names.length; i++) {
            if (!(body.getValue(names[i]) instanceof Number n) || n.longValue() < 0) {
                throw new ApiException(400, "invalid_progress", names[i] + " must be a non-negative integer");
            }
            numbers[i] = ((Number) body.getValue(names[i])).longValue();
        }
        if (!(body.getValue("done") instanceof Boolean done)) {
            throw new ApiException(400, "invalid_progress", "done must be true or false");
        }
        String lastError = body.getValue("lastError") instanceof String e ? (e.length() > 2000 ? e.substring(0, 2000) : e) : null;
        return resyncs.progress(kind, id, numbers[0], numbers[1], numbers[2], numbers[3], lastError, done).map(updated -> {
            if (!updated) {
                throw new ApiException(404, "unknown_resync", "no " + kind.wireName() + " resync " + id + " is running");
            }
            return new DestinationsApi.Reply(204, null);
        });
    }

    /** A resync waiting in its dispatcher's queue: its place (1 is next). */
    private Future<DestinationsApi.Reply> queued(DestinationKind kind, long id, Object place) {
        if (!(place instanceof Integer n) || n < 1 || n > MAX_QUEUE_PLACE) {
            throw new ApiException(400, "invalid_progress", "queued must be an integer from 1 to " + MAX_QUEUE_PLACE);
        }
        return resyncs.queued(kind, id, n).map(updated -> {
            if (!updated) {
                throw new ApiException(404, "unknown_resync", "no " + kind.wireName() + " resync " + id + " is waiting or running");
            }
            return new DestinationsApi.Reply(204, null);
        });
    }

    /** The dispatch answer's additions: parked tenants and the resync each destination runs now. */
    static Future<JsonObject> forDispatch(ResyncStore resyncs, DestinationKind kind) {
        return resyncs.parkings(kind).compose(parkings -> resyncs.runnable(kind).map(runnable -> {
            JsonObject parked = new JsonObject();
            parkings.forEach(p -> parked.put(p.tenantId(), new JsonObject().put("partition", p.partition())
                    .put("fromOffset", p.fromOffset()).put("reason", p.reason()).put("parkedAt", p.parkedAt().toInstant().toString())));
            JsonArray jobs = new JsonArray();
            runnable.forEach(r -> jobs.add(ResyncViews.dispatcher(r)));
            return new JsonObject().put("parked", parked).put("resyncs", jobs);
        }));
    }
}
