package com.subsets.sync.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error in the one documented shape:
 * {@code {"status":400,"code":"invalid_events","message":"...","violations":[{"index":0,"path":"subscriber.email","message":"..."}]}}.
 * Installed as the router's error handler for every status, so routing errors (404, 405, 413 from the
 * body limit) and refusals thrown by handlers look alike.
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private final IngestMetrics metrics;
    private final int retryAfterSeconds;

    ErrorResponses(IngestMetrics metrics, int retryAfterSeconds) {
        this.metrics = metrics;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void handle(RoutingContext ctx) {
        IngestException error = ctx.failure() instanceof IngestException known ? known : fromStatus(ctx);
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        metrics.rejected(error.code(), error.eventCount());
        JsonArray violations = new JsonArray();
        error.violations().forEach(v -> violations.add(new JsonObject()
                .put("index", v.index())
                .put("path", v.violation().path())
                .put("message", v.violation().message())));
        var response = ctx.response()
                .setStatusCode(error.code().status())
                .putHeader("content-type", "application/json");
        switch (error.code()) {
            case UNAVAILABLE -> response.putHeader("retry-after", String.valueOf(retryAfterSeconds));
            case UNAUTHORIZED -> response.putHeader("www-authenticate", "Bearer");
            case METHOD_NOT_ALLOWED -> response.putHeader("allow", "POST");
            default -> {
            }
        }
        response.end(new JsonObject()
                .put("status", error.code().status())
                .put("code", error.code().code())
                .put("message", error.getMessage())
                .put("violations", violations)
                .encode());
    }

    private static IngestException fromStatus(RoutingContext ctx) {
        return switch (ctx.statusCode()) {
            case 404 -> new IngestException(ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().path());
            case 405 -> new IngestException(ErrorCode.METHOD_NOT_ALLOWED,
                    ctx.request().method() + " is not allowed here; use POST");
            case 413 -> new IngestException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than allowed");
            case 400 -> new IngestException(ErrorCode.MALFORMED_JSON, "the request could not be read");
            default -> {
                LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
                yield new IngestException(ErrorCode.INTERNAL_ERROR, "unexpected error; nothing was published");
            }
        };
    }
}
