package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.core.InvalidRegistration;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a failure into a status and writes every error in one shape:
 * {@code {"status":400,"code":"invalid_destination","message":"...","violations":[{"path":"region","message":"..."}]}}.
 * A database that cannot be reached is a 503 with Retry-After; a bug is a 500 logged once.
 */
final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    static void handle(RoutingContext ctx) {
        ApiException error = classify(ctx);
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        JsonArray violations = new JsonArray();
        error.violations().forEach(v -> violations.add(new JsonObject().put("path", v.path()).put("message", v.message())));
        var response = ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json");
        if (error.status() == 503) {
            response.putHeader("retry-after", "5");
        } else if (error.status() == 401) {
            response.putHeader("www-authenticate", "Bearer");
        }
        response.end(new JsonObject().put("status", error.status()).put("code", error.code())
                .put("message", error.getMessage()).put("violations", violations).encode());
    }

    private static ApiException classify(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException known) {
            return known;
        }
        if (failure instanceof InvalidRegistration invalid) {
            return new ApiException(400, "invalid_destination", invalid.getMessage(), invalid.violations());
        }
        if (failure instanceof DecodeException) {
            return new ApiException(400, "malformed_json", "the body is not a JSON object: " + failure.getMessage());
        }
        if (failure instanceof PgException pg && ("22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState()))) {
            // A character PostgreSQL cannot store (a NUL) that got past the checks: the request's fault, not ours.
            return new ApiException(400, "invalid_text", "a text value holds a character that cannot be stored (NUL)");
        }
        if (failure instanceof PgException) {
            LOG.error("database refused a statement on {} {}", ctx.request().method(), ctx.request().path(), failure);
            return new ApiException(500, "internal_error", "unexpected database error; nothing was changed");
        }
        if (failure != null) {
            LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), failure.toString());
            return new ApiException(503, "unavailable", "the destination store is unavailable; try again shortly");
        }
        return switch (ctx.statusCode()) {
            case 404 -> new ApiException(404, "not_found", "no such endpoint: " + ctx.request().path());
            case 405 -> new ApiException(405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path());
            case 413 -> new ApiException(413, "payload_too_large", "the request body is larger than allowed");
            case 400 -> new ApiException(400, "malformed_json", "the request could not be read");
            default -> new ApiException(500, "internal_error", "unexpected error");
        };
    }
}
