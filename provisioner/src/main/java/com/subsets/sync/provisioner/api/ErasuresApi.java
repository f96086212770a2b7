package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.core.LookupTokens;
import com.subsets.sync.provisioner.erasure.ErasureStatus;
import com.subsets.sync.provisioner.erasure.ErasureStore;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/tenants/{tenantId}/erasures/{erasureId}}: where an erasure (a {@code subscriber.erased} event, its
 * eventId) stands at each destination the tenant had when it was recorded. Operators' tokens, and lookup tokens issued
 * for the tenant (another tenant's gets 404), as for the deliveries lookup. 404 until the state service's erasure
 * record has reached the provisioner. Mounted before {@link DestinationsApi}.
 */
public final class ErasuresApi {

    private final ErasureStore erasures;
    private final LookupAccess access;

    public ErasuresApi(ErasureStore erasures, TokenAuthenticator operators, LookupTokens lookups) {
        this.erasures = erasures;
        this.access = new LookupAccess(operators, lookups);
    }

    public void mount(Router router) {
        router.get("/v1/tenants/:tenantId/erasures/:erasureId").handler(this::erasure);
    }

    private void erasure(RoutingContext ctx) {
        String header = access.authenticated(ctx);
        if (header == null) {
            return;
        }
        DestinationsApi.respond(ctx, c -> {
            String tenantId = DestinationsApi.tenantId(c);
            String erasureId = c.pathParam("erasureId");
            if (!ErasureStatus.isErasureId(erasureId)) {
                throw new ApiException(400, "invalid_erasure_id", "erasureId must be 1 to 128 characters of A-Z a-z 0-9 . _ : - "
                        + "(the subscriber.erased event's eventId)", List.of(new com.subsets.sync.model.Violation("erasureId",
                        "does not match " + ErasureStatus.ERASURE_ID.pattern())));
            }
            access.requireTenant(header, tenantId, "erasures");
            return erasures.find(tenantId, erasureId).compose(found -> found.isEmpty()
                    ? Future.failedFuture(new ApiException(404, "not_found", "no erasure " + erasureId + " of tenant " + tenantId
                            + " (unknown, or not recorded yet)"))
                    : Future.succeededFuture(new DestinationsApi.Reply(200, found.get())));
        });
    }
}
