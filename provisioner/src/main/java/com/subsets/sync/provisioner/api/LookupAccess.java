package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.core.LookupTokens;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may read a tenant's subscriber lookups (segments, deliveries): an operator for any tenant, or a lookup token
 * issued for that tenant. Another tenant's token is answered as if the tenant had nothing: 404.
 */
final class LookupAccess {

    private final TokenAuthenticator operators;
    private final LookupTokens lookups;

    LookupAccess(TokenAuthenticator operators, LookupTokens lookups) {
        this.operators = operators;
        this.lookups = lookups;
    }

    /** The request's bearer header when it is an operator's or any lookup token's; otherwise it fails with 401 and null. */
    String authenticated(RoutingContext ctx) {
        String header = ctx.request().getHeader("authorization");
        if (operators.isAuthorized(header) || lookups != null && lookups.any().isAuthorized(header)) {
            return header;
        }
        ctx.fail(new ApiException(401, "unauthorized", "a valid bearer token is required"));
        return null;
    }

    /** 404 naming {@code what} unless the token is an operator's or was issued for the tenant. */
    void requireTenant(String header, String tenantId, String what) {
        if (!operators.isAuthorized(header) && !lookups.mayRead(header, tenantId)) {
            throw new ApiException(404, "not_found", "no " + what + " of tenant " + tenantId + " for this token");
        }
    }
}
