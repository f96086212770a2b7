package com.subsets.sync.runtime;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The first handler of a route whose body is read: it checks the {@code Authorization} header as soon as the
 * headers are in, before any body handler, so an unauthenticated caller's body is never read into memory. A refused
 * request is answered by {@code refuse} (which fails the context with the service's 401) and its connection closed
 * once the answer is written; body bytes already on their way are dropped as they come, for at most a second.
 * An accepted request must deliver its body within the body timeout, or {@code timedOut} answers it (408) and its
 * connection is closed the same way. A {@link PlatformHandler}, so that Vert.x Web lets it precede a body handler.
 */
public final class AuthenticateFirst implements PlatformHandler {

    /** How long a closed-after-answer connection still drains (drops) body bytes, so the caller reads the answer. */
    static final long LINGER_MS = 1_000;
    private final Predicate<String> authorized;
    private final Duration bodyTimeout;
    private final Handler<RoutingContext> refuse;
    private final Handler<RoutingContext> timedOut;

    public AuthenticateFirst(Predicate<String> authorized, Duration bodyTimeout, Handler<RoutingContext> refuse,
                             Handler<RoutingContext> timedOut) {
        this.authorized = authorized;
        this.bodyTimeout = bodyTimeout;
        this.refuse = refuse;
        this.timedOut = timedOut;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!authorized.test(request.getHeader("authorization"))) {
            closeAfterAnswer(ctx);
            refuse.handle(ctx);
            return;
        }
        if (!request.isEnded()) {
            Vertx vertx = ctx.vertx();
            long timer = vertx.setTimer(bodyTimeout.toMillis(), id -> {
                if (!request.isEnded() && !ctx.response().ended()) {
                    closeAfterAnswer(ctx);
                    timedOut.handle(ctx);
                }
            });
            ctx.addEndHandler(v -> vertx.cancelTimer(timer));
        }
        ctx.next();
    }

    /** Once the answer is written, drops what remains of the body and closes the connection. */
    private static void closeAfterAnswer(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpConnection connection = request.connection();
        ctx.response().putHeader("connection", "close");
        ctx.addEndHandler(v -> {
            if (request.isEnded()) {
                connection.close();
                return;
            }
            long linger = ctx.vertx().setTimer(LINGER_MS, id -> connection.close());
            request.exceptionHandler(e -> { });
            request.handler(dropped -> { });
            request.endHandler(end -> {
                ctx.vertx().cancelTimer(linger);
                connection.close();
            });
            request.resume();
        });
    }

    /** Whether {@code header} carries a token that any of {@code roles} accepts. */
    public static Predicate<String> anyOf(Iterable<TokenAuthenticator> roles) {
        return header -> {
            boolean match = false;
            for (TokenAuthenticator role : roles) {
                match |= role.isAuthorized(header);
            }
            return match;
        };
    }
}
