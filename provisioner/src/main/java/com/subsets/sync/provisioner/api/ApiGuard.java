package com.subsets.sync.provisioner.api;

import com.subsets.sync.runtime.AuthenticateFirst;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;

/**
 * The first route of the API: a request to {@code /v1/*} must carry a token of one of the provisioner's callers
 * (operators, dispatchers, lookups) before any of its body is read; otherwise it is answered 401 and its connection
 * closed. Which role may do what is still decided by each endpoint, after the body is in. An accepted request's body
 * must arrive within the body timeout (408 otherwise). Mounted before every other API route.
 */
public final class ApiGuard {

    private ApiGuard() {
    }

    public static void mount(Router router, List<TokenAuthenticator> callers, Duration bodyTimeout) {
        router.route("/v1/*").handler(new AuthenticateFirst(AuthenticateFirst.anyOf(callers), bodyTimeout,
                ctx -> ctx.fail(new ApiException(401, "unauthorized", "a valid bearer token is required")),
                ctx -> ctx.fail(new ApiException(408, "request_timeout",
                        "the request body did not arrive within " + bodyTimeout.toMillis() + " ms; nothing was changed"))));
    }
}
