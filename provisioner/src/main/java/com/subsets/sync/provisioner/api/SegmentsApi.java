package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.core.LookupTokens;
import com.subsets.sync.provisioner.segments.SegmentStore;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/tenants/{tenantId}/subscribers/{subscriber}/segments}: which followed BlueConic segments a
 * subscriber is in, from the last complete reads (each with its time), never by calling BlueConic on the request
 * path. {@code subscriber} is the tenant's matching identifier: the e-mail, or the id property's value. Platform
 * services call it with a lookup token issued for the tenant (another tenant's token gets 404, as a tenant with no
 * such destination would); operators with theirs, for any tenant. Mounted before {@link DestinationsApi}, whose
 * handler on {@code /v1/tenants/*} takes operator tokens only.
 */
public final class SegmentsApi {

    private final SegmentStore store;
    private final LookupAccess access;

    public SegmentsApi(SegmentStore store, TokenAuthenticator operators, LookupTokens lookups) {
        this.store = store;
        this.access = new LookupAccess(operators, lookups);
    }

    public void mount(Router router) {
        router.get("/v1/tenants/:tenantId/subscribers/:subscriber/segments").handler(this::lookup);
    }

    private void lookup(RoutingContext ctx) {
        String header = access.authenticated(ctx);
        if (header == null) {
            return;
        }
        DestinationsApi.respond(ctx, c -> {
            String tenantId = DestinationsApi.tenantId(c);
            access.requireTenant(header, tenantId, "segments");
            String subscriber = c.pathParam("subscriber");
            if (subscriber.isEmpty() || subscriber.length() > 256) {
                throw new ApiException(400, "invalid_subscriber", "subscriber must be 1 to 256 characters: the e-mail or the id");
            }
            return store.segmentsOf(tenantId, subscriber).map(memberships -> {
                JsonArray segments = new JsonArray();
                memberships.forEach(m -> segments.add(new JsonObject().put("id", m.segmentId()).put("name", m.name())
                        .put("readAt", m.readAt() == null ? null : m.readAt().toInstant().toString())));
                return new DestinationsApi.Reply(200, new JsonObject().put("tenantId", tenantId).put("subscriber", subscriber)
                        .put("segments", segments));
            });
        });
    }
}
