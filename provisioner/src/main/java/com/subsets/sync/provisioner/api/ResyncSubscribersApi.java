package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.store.ResyncSubscribers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/dispatch/{kind}/resyncs/{id}/subscribers?after=&limit=}: the keys a replay (or a test delivery) names,
 * a page at a time in key order, for the dispatcher that runs it; the directory answer carries only how many. A kind's
 * dispatcher token reads its kind's resyncs only, as it reports their progress. Authorized by {@link DestinationsApi}.
 */
final class ResyncSubscribersApi {

    /** Keys per page at most, and by default: a page is some hundreds of KB of JSON. */
    static final int MAX_LIMIT = 10_000;

    private final ResyncSubscribers subscribers;

    ResyncSubscribersApi(ResyncSubscribers subscribers) {
        this.subscribers = subscribers;
    }

    void mount(Router router) {
        router.get("/v1/dispatch/:kind/resyncs/:id/subscribers").handler(ctx -> DestinationsApi.respond(ctx, this::page));
    }

    private Future<DestinationsApi.Reply> page(RoutingContext ctx) {
        DestinationKind kind = DestinationsApi.kind(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiException(404, "unknown_resync", "no resync " + ctx.pathParam("id"));
        }
        int limit = limit(ctx.queryParams().get("limit"));
        String after = ctx.queryParams().get("after");
        return subscribers.page(kind, id, after, limit).map(found -> {
            if (found.isEmpty()) {
                throw new ApiException(404, "unknown_resync", "no " + kind.wireName() + " resync " + id
                        + " that names subscribers is running (a full resync names none; a finished one no longer)");
            }
            ResyncSubscribers.Page page = found.get();
            return new DestinationsApi.Reply(200, new JsonObject().put("resyncId", page.resyncId()).put("tenantId", page.tenantId())
                    .put("subscriberCount", page.count()).put("subscribers", new JsonArray(page.subscribers()))
                    .put("next", page.next()));
        });
    }

    /** {@code ?limit=}: 1 to {@value #MAX_LIMIT}, that when absent; 400 invalid_limit otherwise. */
    static int limit(String text) {
        if (text == null) {
            return MAX_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(400, "invalid_limit", "limit must be an integer from 1 to " + MAX_LIMIT);
    }
}
